import Foundation

/// How precisely an article's publication date is known.
public enum DatePrecision: Sendable, Hashable, CustomStringConvertible {
    /// Known to the day.
    case day
    /// Within this many days either side.
    case withinDays(Int)
    /// Known to the month only.
    case month

    /// How many days after `published` the article may have come out.
    package func slack(publishedIn published: Day) -> Int {
        switch self {
        case .day: 0
        case .withinDays(let n): n
        case .month: Day.daysIn(month: published.month, year: published.year)
        }
    }

    /// The widest `±N days` accepted: a year either side (beyond that, the date is not known).
    public static let maximumDays = 366

    /// Parses `day`, `±N day(s)` (or `+-N days`) with N from 1 to ``maximumDays``, and `month`.
    public init?(parsing text: String) {
        // Nearly every entry says one of these exactly: found without trimming, which took
        // nearly half the time of checking a catalog entry's fields.
        if text == "day" { self = .day; return }
        if text == "month" { self = .month; return }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "day" { self = .day; return }
        if trimmed == "month" { self = .month; return }
        var rest = Substring(trimmed)
        if rest.hasPrefix("±") { rest = rest.dropFirst() } else if rest.hasPrefix("+-") { rest = rest.dropFirst(2) } else { return nil }
        let words = rest.split(separator: " ")
        guard words.count == 2, let n = Int(words[0]), (1...Self.maximumDays).contains(n), words[1] == "day" || words[1] == "days" else {
            return nil
        }
        self = .withinDays(n)
    }

    public var description: String {
        switch self {
        case .day: "day"
        case .withinDays(let n): "±\(n) day" + (n == 1 ? "" : "s")
        case .month: "month"
        }
    }
}

/// A source text's catalog entry, from `seeds/catalog.yaml`.
public struct Article: Sendable, Hashable {
    /// The file stem, e.g. `000_a1eb357bfc15af74`.
    public var id: String
    public var outlet: String
    public var title: String
    /// An ISO 639-1 code: `fr`, `en`…
    public var language: String
    /// The publication date: when what it reports became known.
    public var published: Day
    public var precision: DatePrecision
    /// SHA-256 of the file's exact bytes, lowercase hex.
    public var sha256: String
    /// How the date is known, in a sentence (optional).
    public var basis: String?
    /// Where the text was taken from.
    public var url: String?
    /// The day the text was taken.
    public var retrieved: Day?

    public init(id: String, outlet: String, title: String, language: String, published: Day,
                precision: DatePrecision, sha256: String, basis: String? = nil, url: String? = nil, retrieved: Day? = nil) {
        self.id = id
        self.outlet = outlet
        self.title = title
        self.language = language
        self.published = published
        self.precision = precision
        self.sha256 = sha256
        self.basis = basis
        self.url = url
        self.retrieved = retrieved
    }
}
