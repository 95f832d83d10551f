import Foundation
@testable import Negotiation
import PropertyBased
import Report
@testable import Store
import Testing

/// Every series of days the tool can be asked for, up to the calendar's edges (0001-01-01 and
/// 9999-12-31), ends, with the days it should hold; every date it refuses says why.
@Suite("Dates at the calendar's edges")
struct CalendarEdgeTests {
    /// A day near either edge of the calendar or anywhere between, as ordinals.
    static func day() -> Generator<Day, some SendableSequenceType> {
        Gen.frequency(
            (3, Gen.int(in: 0...800).map { Day.earliest.ordinal + $0 }),
            (3, Gen.int(in: 0...800).map { Day.latest.ordinal - $0 }),
            (1, Gen.int(in: Day.earliest.ordinal...Day.latest.ordinal)),
        ).map(Day.init(ordinal:))
    }

    static func cadence() -> Generator<Cadence, some SendableSequenceType> { Gen.element(of: Cadence.allCases).map { $0 ?? .day } }

    /// The firsts of a month from `from` through `to`, worked out by counting months.
    static func expectedMonths(from: Day, to: Day) -> Int {
        let first = from.year * 12 + from.month - 1 + (from.day == 1 ? 0 : 1)
        return max(0, (to.year * 12 + to.month - 1) - first + 1)
    }

    @Test func everySeriesEndsWithTheDaysItShouldHold() {
        Hostile.check(2_000, zip(Self.day(), Self.day(), Self.cadence())) { input, c in
            var (from, to, cadence) = input
            // Short series near one edge (reversed pairs kept too); a monthly series may also
            // span the whole calendar, at most 119,988 days.
            if cadence != .month || c.index % 10 != 0, abs(from.ordinal - to.ordinal) > 800 {
                to = from.adding(days: (to.ordinal % 700 + 700) % 700)
            }
            let days = cadence.days(from: from, to: to)
            guard from <= to else {
                #expect(days.isEmpty, c.comment)
                return
            }
            #expect(days.allSatisfy { $0 >= from && $0 <= to && $0.year >= 1 && $0.year <= 9_999 }, c.comment)
            #expect(zip(days, days.dropFirst()).allSatisfy { $0 < $1 }, c.comment)
            if cadence == .month {
                #expect(days.count == Self.expectedMonths(from: from, to: to) && days.allSatisfy { $0.day == 1 }, "\(from)…\(to): \(days.count) \(c)")
                if to.ordinal - from.ordinal > 800 { return }
            }
            // Every day of the span the cadence takes is there, and no other.
            let taken = (from.ordinal...to.ordinal).lazy.map(Day.init(ordinal:)).filter { day in
                switch cadence {
                case .day: true
                case .week: day.weekday == 0
                case .month: day.day == 1
                }
            }
            #expect(days == Array(taken), "\(from)…\(to): \(days.count) \(c)")
        }
    }

    @Test func theWidestSeriesEndAtTheLastDay() {
        #expect(Cadence.month.days(from: Day.earliest, to: Day.latest).count == 9_999 * 12)
        #expect(Cadence.week.days(from: Day.earliest, to: Day.latest).allSatisfy { $0.weekday == 0 })
        #expect(Cadence.week.days(from: Day.earliest, to: Day.latest).last.map { Day.latest.ordinal - $0.ordinal < 7 } == true)
        #expect(Cadence.day.days(from: Day.latest, to: Day.latest) == [Day.latest])
        // No first of a month after 1 December 9999: nothing, not a walk past the calendar.
        #expect(Cadence.month.days(from: Day.latest, to: Day.latest).isEmpty)
        #expect(Day(year: 9_999, month: 12, day: 1).map { Cadence.month.days(from: $0, to: Day.latest).count } == 1)
    }

    @Test func daysWorkedOutFromOthersStayInTheCalendar() {
        Hostile.check(2_000, zip(Self.day(), Gen.int(in: -4_000_000...4_000_000)), salt: 1) { input, c in
            let (day, offset) = input
            let moved = day.adding(days: offset)
            #expect(moved >= Day.earliest && moved <= Day.latest, c.comment)
            let exact = day.ordinal + offset
            if (Day.earliest.ordinal...Day.latest.ordinal).contains(exact) {
                #expect(moved.ordinal == exact, c.comment)
            } else {
                #expect(moved == (exact < Day.earliest.ordinal ? Day.earliest : Day.latest), c.comment)
            }
            // What is worked out can be written and read back.
            #expect(Day(iso: moved.description) == moved, c.comment)
        }
        #expect(Day.latest.adding(days: .max) == Day.latest)
        #expect(Day.earliest.adding(days: .min) == Day.earliest)
    }

    @Test(arguments: [
        ("0000-12-31", "has no year 0"), ("10000-01-01", "is not a date"), ("9999-12-32", "does not exist"),
        ("9999-13-01", "has no month 13"), ("2025-02-29", "does not exist: 2025-02 has 28 days, not 29"),
        ("-001-01-01", "is not a date"), ("9999-12-31..10000-01-01", "is not a date"), ("9999-12-31..0001-01-01", "ends (0001-01-01) before it starts"),
    ])
    func aRefusedDateSaysWhy(_ text: String, _ reason: String) {
        #expect(Day(iso: text) == nil)
        let error = #expect(throws: ValidTime.ParseError.self) { try ValidTime(parsing: text) }
        #expect(error?.problem.contains(reason) == true, "\(text): \(String(describing: error?.problem))")
    }
}
