import Negotiation

/// Days to horizontal positions: each day of the axis gets an equal slice of the width.
struct TimeScale: Sendable {
    let from: Day
    let to: Day
    /// The left edge of the first day, and the width of all days together.
    let x: Double
    let width: Double

    var dayCount: Int { to.ordinal - from.ordinal + 1 }
    var dayWidth: Double { width / Double(dayCount) }

    /// `day` moved inside the axis.
    func clamped(_ day: Day) -> Day { min(max(day, from), to) }

    func contains(_ day: Day) -> Bool { from <= day && day <= to }

    /// The left edge of `day`'s slice.
    func start(of day: Day) -> Double { x + Double(day.ordinal - from.ordinal) * dayWidth }

    /// The right edge of `day`'s slice.
    func end(of day: Day) -> Double { start(of: day) + dayWidth }

    func centre(of day: Day) -> Double { start(of: day) + dayWidth / 2 }

    /// A tick at the first of each month on the axis, thinned so that labels do not collide
    /// (every month, every 2, 3, 6 or 12 months), or every Monday when the axis is short.
    func ticks() -> [(day: Day, isMonth: Bool)] {
        if dayCount <= 62 {
            return (0..<dayCount).map { from.adding(days: $0) }.filter { $0.weekday == 0 }.map { ($0, false) }
        }
        let months = (to.year - from.year) * 12 + to.month - from.month + 1
        let pixelsPerMonth = width / Double(months)
        let step = [1, 2, 3, 6, 12].first { Double($0) * pixelsPerMonth >= 64 } ?? 12
        var ticks: [(Day, Bool)] = []
        var year = from.year, month = from.month
        while true {
            guard let first = Day(year: year, month: month, day: 1), first <= to else { break }
            if first >= from, (month - 1) % step == 0 { ticks.append((first, true)) }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return ticks
    }
}
