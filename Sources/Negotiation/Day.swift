import Foundation

/// A calendar day (proleptic Gregorian, no time zone), e.g. 2025-03-11.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// `nil` for a day that does not exist (2025-02-29, month 13…).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`; `nil` for anything else or a day that does not exist.
    public init?(iso text: some StringProtocol) {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ Day(isoBytes: $0) }) {
            guard let parsed else { return nil }
            self = parsed
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let y = number(parts[0], digits: 4), let m = number(parts[1], digits: 2),
              let d = number(parts[2], digits: 2)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (negative before it).
    public var ordinal: Int {
        // Days-from-civil, counting years from March so that leap days fall last.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day `ordinal` days after 1970-01-01.
    public init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The first and last days the calendar holds: 0001-01-01 and 9999-12-31.
    public static let earliest = Day(ordinal: -719_162)
    public static let latest = Day(ordinal: 2_932_896)

    /// The day `days` days later (earlier when negative), held to the calendar: never before
    /// ``earliest`` nor after ``latest``, so a date worked out from another is always one that
    /// can be written and read back.
    public func adding(days: Int) -> Day {
        let (sum, overflow) = ordinal.addingReportingOverflow(days)
        if overflow { return days < 0 ? .earliest : .latest }
        return Day(ordinal: min(max(sum, Day.earliest.ordinal), Day.latest.ordinal))
    }

    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        // Written digit by digit: dates are formatted for every checkpoint's conditions.
        guard (0...9999).contains(year) else { return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
        return String(unsafeUninitializedCapacity: 10) { out in
            writeDigits(year, 4, out, at: 0)
            out[4] = UInt8(ascii: "-")
            writeDigits(month, 2, out, at: 5)
            out[7] = UInt8(ascii: "-")
            writeDigits(day, 2, out, at: 8)
            return 10
        }
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes; `nil` for anything else or a day that does not exist.
    init?(isoBytes b: UnsafeBufferPointer<UInt8>) {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = decimal(b, 0, 4), let m = decimal(b, 5, 2), let d = decimal(b, 8, 2)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }
}

/// The value of `count` ASCII digits from `start`; `nil` if any is not a digit.
func decimal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
    var value = 0
    for i in start..<(start + count) {
        let digit = b[i] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
    }
    return value
}

/// Writes `n` (0 ≤ n < 10^width) as `width` digits.
private func writeDigits(_ n: Int, _ width: Int, _ out: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
    var n = n
    for i in stride(from: start + width - 1, through: start, by: -1) {
        out[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: n % 10)
        n /= 10
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// The number written with exactly `digits` ASCII digits, and nothing else: `Int("+3")` is 3.
func number(_ text: some StringProtocol, digits: Int) -> Int? {
    guard text.utf8.count == digits, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
    return Int(text)
}

/// When an event happened: a day, a month, or a range of days.
public enum ValidTime: Sendable, Hashable, CustomStringConvertible {
    case day(Day)
    case month(year: Int, month: Int)
    /// From the first day through the second, inclusive.
    case range(Day, Day)

    /// Why a date was refused, and what was expected.
    public struct ParseError: Error, Sendable, Hashable {
        public var problem: String
        public static let expected = "a day (2025-03-11), a month (2025-03) or a range (2025-03-18..2025-03-25)"
    }

    /// Parses `2025-03-11`, `2025-03` or `2025-03-18..2025-03-25`.
    public init(parsing text: String) throws(ParseError) {
        // The well-formed cases from the bytes; anything else takes the path below, which names
        // the problem.
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ Self.parse($0) }), let parsed {
            self = parsed
            return
        }
        if let dots = text.range(of: "..") {
            let from = text[..<dots.lowerBound], to = text[dots.upperBound...]
            guard let first = Day(iso: from) else { throw ParseError(problem: Self.problem(with: String(from))) }
            guard let last = Day(iso: to) else { throw ParseError(problem: Self.problem(with: String(to))) }
            guard first <= last else { throw ParseError(problem: "the range ends (\(last)) before it starts (\(first))") }
            self = first == last ? .day(first) : .range(first, last)
            return
        }
        if let day = Day(iso: text) {
            self = .day(day)
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, let y = number(parts[0], digits: 4), let m = number(parts[1], digits: 2),
           Day(year: y, month: m, day: 1) != nil {
            self = .month(year: y, month: m)
            return
        }
        throw ParseError(problem: Self.problem(with: text))
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ValidTime? {
        switch b.count {
        case 10:
            return Day(isoBytes: b).map { .day($0) }
        case 7:
            guard b[4] == UInt8(ascii: "-"), let y = decimal(b, 0, 4), let m = decimal(b, 5, 2),
                  Day(year: y, month: m, day: 1) != nil else { return nil }
            return .month(year: y, month: m)
        case 22:
            guard b[10] == UInt8(ascii: "."), b[11] == UInt8(ascii: "."),
                  let first = Day(isoBytes: UnsafeBufferPointer(rebasing: b[0..<10])),
                  let last = Day(isoBytes: UnsafeBufferPointer(rebasing: b[12..<22])), first <= last
            else { return nil }
            return first == last ? .day(first) : .range(first, last)
        default:
            return nil
        }
    }

    private static func problem(with text: String) -> String {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, let y = number(parts[0], digits: 4), let m = number(parts[1], digits: 2),
           let d = number(parts[2], digits: 2) {
            if !(1...12).contains(m) { return "\(quoted(text)) has no month \(m)" }
            if y == 0 { return "\(quoted(text)) has no year 0" }
            return "\(quoted(text)) does not exist: \(pad(y, 4))-\(pad(m, 2)) has \(Day.daysIn(month: m, year: y)) days, not \(d)"
        }
        return "\(quoted(text)) is not a date"
    }

    /// The earliest day it could be.
    public var first: Day {
        switch self {
        case .day(let d): d
        case .month(let y, let m): Day(ordinal: Self.firstOrdinal(y, m))
        case .range(let a, _): a
        }
    }

    /// The last day it could be: imprecise dates count from here.
    public var last: Day {
        switch self {
        case .day(let d): d
        case .month(let y, let m): Day(ordinal: Self.firstOrdinal(y, m) + Day.daysIn(month: m, year: y) - 1)
        case .range(_, let b): b
        }
    }

    private static func firstOrdinal(_ year: Int, _ month: Int) -> Int {
        // Both are validated when the value is made.
        (Day(year: year, month: month, day: 1) ?? Day(ordinal: 0)).ordinal
    }

    /// True for a single day.
    public var isPrecise: Bool {
        if case .day = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .day(let d): d.description
        case .month(let y, let m): "\(pad(y, 4))-\(pad(m, 2))"
        case .range(let a, let b): "\(a)..\(b)"
        }
    }
}

extension ValidTime: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try ValidTime(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.problem))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a day"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Day {
    /// Today in UTC, by the system's clock: the default day of a question that names none.
    public static var today: Day {
        Day(ordinal: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
