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

    /// The months a monthly series from `from` through `to` holds, worked out by counting.
    static func expectedMonths(from: Day, to: Day) -> Int {
        let months = (to.year * 12 + to.month) - (from.year * 12 + from.month)
        return months + (min(from.day, Day.daysIn(month: to.month, year: to.year)) <= to.day ? 1 : 0)
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
            #expect(days.first == from, c.comment)
            #expect(days.allSatisfy { $0 >= from && $0 <= to && $0.year >= 1 && $0.year <= 9_999 }, c.comment)
            #expect(zip(days, days.dropFirst()).allSatisfy { $0 < $1 }, c.comment)
            let span = to.ordinal - from.ordinal
            switch cadence {
            case .day: #expect(days.count == span + 1, c.comment)
            case .week:
                #expect(days.count == span / 7 + 1, c.comment)
                #expect(zip(days, days.dropFirst()).allSatisfy { $1.ordinal - $0.ordinal == 7 }, c.comment)
            case .month:
                #expect(days.count == Self.expectedMonths(from: from, to: to), "\(from)…\(to): \(days.count) \(c)")
                #expect(days.allSatisfy { $0.day == min(from.day, Day.daysIn(month: $0.month, year: $0.year)) }, c.comment)
            }
        }
    }

    @Test func theWidestSeriesEndAtTheLastDay() {
        #expect(Cadence.month.days(from: Day.earliest, to: Day.latest).count == 9_999 * 12)
        #expect(Cadence.week.days(from: Day.earliest, to: Day.latest).last.map { Day.latest.ordinal - $0.ordinal < 7 } == true)
        #expect(Cadence.day.days(from: Day.latest, to: Day.latest) == [Day.latest])
        // The 31st of each month from December 9999 on: one day, not a walk past the calendar.
        #expect(Cadence.month.days(from: Day.latest, to: Day.latest) == [Day.latest])
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
