import Negotiation

/// Stacks a lane's markers in rows so that no two overlap: an event with an imprecise date
/// takes the width of its whole range, one on an exact day the width of its shape.
enum MarkerLayout {
    /// An event's place in its lane.
    struct Placed: Sendable {
        var event: RecordedEvent
        /// The row, 0 nearest the band.
        var row: Int
        /// The centre of the last day it could be (where it counts), clamped to the axis.
        var x: Double
        /// The left end of its bar: the first day it could be, clamped; `x` for an exact day.
        var start: Double
    }

    /// Places `events` (in valid-time order) first-fit, shortest first: events on an exact day
    /// sit nearest the band, and the long bars of imprecise dates stack above them.
    static func place(_ events: [RecordedEvent], scale: TimeScale, radius: Double) -> [Placed] {
        let gap = 2.0
        let items = events.compactMap { recorded -> Placed? in
            guard let on = recorded.event.on else { return nil }
            let x = scale.centre(of: scale.clamped(on.last))
            let start = on.isPrecise ? x : scale.start(of: scale.clamped(on.first))
            return Placed(event: recorded, row: 0, x: x, start: start)
        }
        func extent(_ item: Placed) -> (left: Double, right: Double) {
            (min(item.start, item.x - radius) - gap, item.x + radius + gap)
        }
        let order = items.indices.sorted { a, b in
            let ea = extent(items[a]), eb = extent(items[b])
            let wa = ea.right - ea.left, wb = eb.right - eb.left
            if wa != wb { return wa < wb }
            return ea.left != eb.left ? ea.left < eb.left : a < b
        }
        var rows: [[(left: Double, right: Double)]] = []
        var placed = items
        for index in order {
            let e = extent(items[index])
            let free = rows.firstIndex { row in row.allSatisfy { $0.right <= e.left || e.right <= $0.left } }
            if let free {
                placed[index].row = free
                rows[free].append(e)
            } else {
                placed[index].row = rows.count
                rows.append([e])
            }
        }
        return placed
    }
}
