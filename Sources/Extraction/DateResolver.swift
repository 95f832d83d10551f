import Lexicons
import Negotiation

/// How an event's date was found, from the most to the least precise.
public enum DateKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A day: « le 11 mars », « hier », « jeudi soir ».
    case day
    /// A calendar week or a few days: « la semaine dernière », « du 18 au 25 mars ».
    case range
    /// A month: « en avril », « le mois dernier ».
    case month
    /// A year: « en 2021 », « l'an dernier ».
    case year
    /// On or before a day: the date of the statement that reports the event
    /// (« a déclaré vendredi que … »).
    case onOrBefore = "on-or-before"
    /// No date at all: a range ending at publication.
    case undated
}

/// A date expression found in a sentence, resolved against the publication date.
public struct DateMention: Sendable, Hashable {
    /// When; `nil` for a future named without a date (« dans les prochains jours »).
    public var time: ValidTime?
    /// How precise it is.
    public var kind: DateKind
    /// After publication: what it dates is a plan, not a fact.
    public var isFuture: Bool
    /// The tokens of the expression.
    public var tokens: Range<Int>
    /// The words, as written.
    public var text: String
    /// For a weekday alone, the same weekday after publication: what « lundi » means in a
    /// sentence about a plan (« doivent se retrouver lundi »).
    public var ahead: Day?
}

/// Finds and resolves date expressions, in one language, against a publication date.
///
/// Rules (the words themselves are in `dates-<language>.yaml`):
/// - a day and month without a year takes the year that puts it nearest the publication;
///   a month alone (« en avril ») the latest such month up to the publication's;
/// - a weekday alone (« jeudi », « jeudi soir », "on Thursday") is the latest such day on or
///   before the publication day (news names the day of publication by its weekday too);
///   « jeudi dernier » / "last Thursday" strictly before it; « jeudi prochain » after it;
/// - « hier », « aujourd'hui », "yesterday" count from publication; « la veille »,
///   « le lendemain » from a day named earlier in the sentence, else from publication;
/// - weeks run Monday to Sunday; « cette semaine » is its Monday to the publication day;
/// - ranges: « du 18 au 25 mars », « entre le 18 et le 25 mars », "March 18-25"; « depuis le
///   18 mars », "since March 18" runs from that day through publication.
public struct DateResolver: Sendable {
    /// The language's date words.
    public let lexicon: DateLexicon

    /// The folded words an expression can start with, besides numbers; `nil` when some list
    /// has a phrase that can start with any word. Every other word is passed over at once.
    private let starters: Set<String>?
    /// The bits of a token's `lists` an extractor gives month, weekday and number words
    /// (`DateLexicon.months`, `weekdays`, `numbers`); 0: none, the words are looked up.
    var wordBits: (month: UInt64, weekday: UInt64, number: UInt64) = (0, 0, 0)

    /// A resolver for the language of `lexicon`.
    public init(lexicon: DateLexicon) {
        self.lexicon = lexicon
        // What `Scan.match` looks up at its first token (a number aside): the first words of
        // these lists, and month, weekday and number words.
        let lists = [lexicon.future, lexicon.since, lexicon.rangeFrom, lexicon.between, lexicon.last, lexicon.next, lexicon.this,
                     lexicon.agoBefore, lexicon.in, lexicon.monthLead].map(\.firstWords)
        let sets = [lexicon.days, lexicon.fromReference, lexicon.weeks, lexicon.monthsRelative, lexicon.years].map(\.firstWords)
        var starters: Set<String>? = Set(lexicon.months.keys).union(lexicon.weekdays.keys).union(lexicon.numbers.keys)
        for words in lists + sets {
            guard let words else { starters = nil; break }
            starters?.formUnion(words)
        }
        self.starters = starters
    }

    /// The date expressions of a text, in order.
    public func mentions(in text: String, published: Day) -> [DateMention] {
        mentions(in: Tokenizer.tokens(text), text: text, published: published)
    }

    /// The date expressions of a tokenised text, in order; `text` is what the tokens' ranges refer to.
    public func mentions(in tokens: [Token], text: String, published: Day) -> [DateMention] {
        var scan = Scan(lexicon: lexicon, tokens: tokens, published: published, wordBits: wordBits)
        var found: [DateMention] = []
        var i = 0
        while i < tokens.count {
            guard tokens[i].isWord, tokens[i].kind == .number || starters.map({ $0.contains(tokens[i].folded) }) ?? true,
                  let (time, kind, end) = scan.match(at: i) else {
                i += 1
                continue
            }
            let range = tokens[i].range.lowerBound..<tokens[end - 1].range.upperBound
            let future = time.map { $0.first > published } ?? true
            var mention = DateMention(time: time, kind: kind, isFuture: future, tokens: i..<end, text: String(text[range]))
            if let target = scan.bareWeekday(at: i, end: end) {
                let ahead = (target - published.weekday + 7) % 7
                mention.ahead = published.adding(days: ahead == 0 ? 7 : ahead)
            }
            found.append(mention)
            if case .day(let d) = time { scan.reference = d }
            i = end
        }
        return found
    }
}

/// One pass over a sentence's tokens.
private struct Scan {
    let lexicon: DateLexicon
    let tokens: [Token]
    let published: Day
    /// The last day named, for « la veille ».
    var reference: Day?
    let wordBits: (month: UInt64, weekday: UInt64, number: UInt64)

    init(lexicon: DateLexicon, tokens: [Token], published: Day, wordBits: (month: UInt64, weekday: UInt64, number: UInt64)) {
        self.lexicon = lexicon
        self.tokens = tokens
        self.published = published
        self.wordBits = wordBits
    }

    /// Whether token `i` may be in a word table whose bit is `bit` (see `DateResolver.wordBits`).
    @inline(__always) func may(_ i: Int, _ bit: UInt64) -> Bool {
        bit == 0 || tokens[i].lists & bit != 0
    }

    /// The expression starting at `i`: its time (nil for a dateless future), kind and end.
    func match(at i: Int) -> (ValidTime?, DateKind, Int)? {
        if let end = lexicon.future.match(in: tokens, at: i) { return (nil, .range, end) }
        // « depuis le 18 mars », "since March 18": from that day through publication.
        if let end = lexicon.since.match(in: tokens, at: i), end < tokens.count, let (time, _, after) = plain(at: end), let time,
           time.first <= published {
            return (time.first == published ? .day(published) : .range(time.first, published), .range, after)
        }
        return plain(at: i)
    }

    private func plain(at i: Int) -> (ValidTime?, DateKind, Int)? {
        if let m = range(at: i) ?? dayMonth(at: i) ?? weekday(at: i) ?? relative(at: i) ?? ago(at: i)
            ?? monthAlone(at: i) ?? yearAlone(at: i) {
            return m
        }
        return nil
    }

    // MARK: Token helpers

    /// The next token index at or after `i` that is not a joiner.
    func skipJoiners(_ i: Int) -> Int {
        var j = i
        while j < tokens.count, tokens[j].isJoiner { j += 1 }
        return j
    }

    /// A day number (1…31), with an ordinal suffix or none: `11`, `1er`, `30th`.
    func dayNumber(at i: Int) -> (Int, Int)? {
        guard i < tokens.count, tokens[i].kind == .number, let n = tokens[i].leadingNumber, (1...31).contains(n) else { return nil }
        let suffix = tokens[i].folded.drop { $0.isNumber }
        guard suffix.isEmpty || lexicon.ordinalSuffixes.contains(String(suffix)) else { return nil }
        return (n, i + 1)
    }

    /// A month name, and the index after it (and after an abbreviation's dot).
    func month(at i: Int) -> (Int, Int)? {
        guard i < tokens.count, tokens[i].kind == .word, may(i, wordBits.month), let m = lexicon.months[tokens[i].folded] else { return nil }
        if lexicon.monthsCapitalized, !tokens[i].isCapitalized { return nil }
        var end = i + 1
        if end < tokens.count, tokens[end].text == ".", tokens[i].text.count <= 4 { end += 1 }
        return (m, end)
    }

    /// A four-digit year, optionally after a comma: `2025`, `, 2025`.
    func year(at i: Int) -> (Int, Int)? {
        var j = i
        if j < tokens.count, tokens[j].text == "," { j += 1 }
        guard j < tokens.count, tokens[j].kind == .number, tokens[j].text.count == 4,
              let y = Int(tokens[j].text), (1900...2100).contains(y) else { return nil }
        return (y, j + 1)
    }

    /// A number written in digits or words (« trois », "two").
    func count(at i: Int) -> (Int, Int)? {
        guard i < tokens.count else { return nil }
        if tokens[i].kind == .number, let n = Int(tokens[i].text) { return (n, i + 1) }
        if may(i, wordBits.number), let n = lexicon.numbers[tokens[i].folded] { return (n, i + 1) }
        return nil
    }

    /// The year that puts month/day nearest the publication.
    func nearestDay(month: Int, day: Int, year: Int?) -> Day? {
        if let year { return Day(year: year, month: month, day: day) }
        let candidates = [published.year - 1, published.year, published.year + 1].compactMap { Day(year: $0, month: month, day: day) }
        return candidates.min { abs($0.ordinal - published.ordinal) < abs($1.ordinal - published.ordinal) }
    }

    /// The latest such month up to the publication's month.
    func recentMonth(_ month: Int, year: Int?) -> ValidTime {
        let y = year ?? (month <= published.month ? published.year : published.year - 1)
        return .month(year: y, month: month)
    }

    func monday(of day: Day) -> Day { day.adding(days: -day.weekday) }

    func yearRange(_ y: Int) -> ValidTime? {
        guard let a = Day(year: y, month: 1, day: 1), let b = Day(year: y, month: 12, day: 31) else { return nil }
        return .range(a, b)
    }

    // MARK: Patterns

    /// « du 18 au 25 mars », « entre le 18 et le 25 mars », « 18-25 mars », "March 18-25",
    /// "from March 18 to April 2", "between 18 and 25 March".
    func range(at i: Int) -> (ValidTime?, DateKind, Int)? {
        var j = i
        if let end = lexicon.rangeFrom.match(in: tokens, at: j) ?? lexicon.between.match(in: tokens, at: j) { j = end }
        // Month first (English): March 18 - 25 / March 18 to April 2.
        if let (m1, k) = month(at: j), let (d1, l) = dayNumber(at: k), let (m2, d2, y, end) = rangeEnd(at: l, monthFirst: true) {
            return resolveRange(m1: m1, d1: d1, m2: m2 ?? m1, d2: d2, year: y, end: end)
        }
        // Day first: 18 (mars) au 25 mars.
        if let (d1, k) = dayNumber(at: j) {
            var l = k
            var m1: Int?
            if let (m, after) = month(at: k) { m1 = m; l = after }
            if let (m2, d2, y, end) = rangeEnd(at: l, monthFirst: false), let month2 = m2 {
                return resolveRange(m1: m1 ?? month2, d1: d1, m2: month2, d2: d2, year: y, end: end)
            }
        }
        return nil
    }

    /// The end of a range: a connector, then a day and month (or month and day), and a year.
    private func rangeEnd(at l: Int, monthFirst: Bool) -> (Int?, Int, Int?, Int)? {
        var m = l
        if let end = lexicon.rangeTo.match(in: tokens, at: m) ?? lexicon.and.match(in: tokens, at: m) {
            m = end
        } else if m < tokens.count, tokens[m].kind == .punctuation, ["-", "\u{2013}"].contains(tokens[m].folded) {
            m += 1
        } else {
            return nil
        }
        var month2: Int?
        if monthFirst, let (mm, after) = month(at: m) { month2 = mm; m = after }
        // « et le 25 mars »: an article may come before the day.
        if dayNumber(at: m) == nil, m + 1 < tokens.count, tokens[m].kind == .word, dayNumber(at: m + 1) != nil, tokens[m].folded.count <= 3 {
            m += 1
        }
        guard let (d2, n) = dayNumber(at: m) else { return nil }
        var end = n
        if !monthFirst {
            guard let (mm, after) = month(at: n) else { return nil }
            month2 = mm
            end = after
        }
        var year: Int?
        if let (y, after) = self.year(at: end) { year = y; end = after }
        return (month2, d2, year, end)
    }

    private func resolveRange(m1: Int, d1: Int, m2: Int, d2: Int, year: Int?, end: Int) -> (ValidTime?, DateKind, Int)? {
        guard let last = nearestDay(month: m2, day: d2, year: year) else { return nil }
        let firstYear = m1 > m2 ? last.year - 1 : last.year
        guard let first = Day(year: firstYear, month: m1, day: d1), first <= last else { return nil }
        return (first == last ? .day(first) : .range(first, last), first == last ? .day : .range, end)
    }

    /// « 11 mars », « 1er avril 2025 », « jeudi 13 mars 2025 », "March 11", "March 11th, 2025",
    /// "11 March 2025", "Thursday, March 13".
    func dayMonth(at i: Int) -> (ValidTime?, DateKind, Int)? {
        var j = i
        if j < tokens.count, may(j, wordBits.weekday), lexicon.weekdays[tokens[j].folded] != nil {
            j += 1
            if j < tokens.count, tokens[j].text == "," { j += 1 }
        }
        if let (d, k) = dayNumber(at: j) {
            var l = k
            if l < tokens.count, tokens[l].folded == "of" { l += 1 }
            if let (m, after) = month(at: l) {
                var end = after
                var y: Int?
                if let (yy, e) = year(at: end) { y = yy; end = e }
                guard let day = nearestDay(month: m, day: d, year: y) else { return nil }
                return (.day(day), .day, end)
            }
        }
        if let (m, k) = month(at: j), let (d, l) = dayNumber(at: k) {
            var end = l
            var y: Int?
            if let (yy, e) = year(at: end) { y = yy; end = e }
            guard let day = nearestDay(month: m, day: d, year: y) else { return nil }
            return (.day(day), .day, end)
        }
        return nil
    }

    /// « jeudi », « jeudi soir », « ce jeudi matin », « jeudi dernier », "on Thursday",
    /// "last Thursday", "next Friday".
    func weekday(at i: Int) -> (ValidTime?, DateKind, Int)? {
        var j = i
        var direction = 0  // -1 strictly before, 0 on or before, +1 after
        if let end = lexicon.last.match(in: tokens, at: j) { direction = -1; j = end }
        else if let end = lexicon.next.match(in: tokens, at: j) { direction = 1; j = end }
        else if let end = lexicon.this.match(in: tokens, at: j) { j = end }
        guard j < tokens.count, may(j, wordBits.weekday), let target = lexicon.weekdays[tokens[j].folded] else { return nil }
        if lexicon.monthsCapitalized, !tokens[j].isCapitalized { return nil }
        var end = j + 1
        if let after = lexicon.partsOfDay.match(in: tokens, at: skipJoiners(end)) { end = after }
        if direction == 0 {
            if let after = lexicon.last.match(in: tokens, at: end) { direction = -1; end = after }
            else if let after = lexicon.next.match(in: tokens, at: end) { direction = 1; end = after }
        }
        if let after = lexicon.partsOfDay.match(in: tokens, at: skipJoiners(end)) { end = after }
        let wanted = target - 1  // Day.weekday: 0 = Monday
        var day: Day
        switch direction {
        case 1:
            let ahead = (wanted - published.weekday + 7) % 7
            day = published.adding(days: ahead == 0 ? 7 : ahead)
        case -1:
            let back = (published.weekday - wanted + 7) % 7
            day = published.adding(days: back == 0 ? -7 : -back)
        default:
            day = published.adding(days: -((published.weekday - wanted + 7) % 7))
        }
        return (.day(day), .day, end)
    }

    /// The weekday (0 = Monday) of an expression that is a weekday with no « dernier » or
    /// « prochain » (a time of day allowed), else `nil`.
    func bareWeekday(at i: Int, end: Int) -> Int? {
        guard may(i, wordBits.weekday), let target = lexicon.weekdays[tokens[i].folded] else { return nil }
        let rest = (i + 1)..<end
        if rest.contains(where: { tokens[$0].isWord && lexicon.weekdays[tokens[$0].folded] == nil && !lexicon.partsOfDay.startsAt(tokens, $0) }) {
            return nil
        }
        return target - 1
    }

    /// « hier », « la veille », « la semaine dernière », « le mois dernier », « l'an dernier ».
    func relative(at i: Int) -> (ValidTime?, DateKind, Int)? {
        if let m = lexicon.days.longestMatch(in: tokens, at: i) {
            var end = m.range.upperBound
            if let after = lexicon.partsOfDay.match(in: tokens, at: skipJoiners(end)) { end = after }
            return (.day(published.adding(days: m.payload)), .day, end)
        }
        if let m = lexicon.fromReference.longestMatch(in: tokens, at: i) {
            return (.day((reference ?? published).adding(days: m.payload)), .day, m.range.upperBound)
        }
        if let m = lexicon.weeks.longestMatch(in: tokens, at: i) {
            let start = monday(of: published).adding(days: 7 * m.payload)
            let last = m.payload == 0 ? published : start.adding(days: 6)
            return (start == last ? .day(start) : .range(start, last), .range, m.range.upperBound)
        }
        if let m = lexicon.monthsRelative.longestMatch(in: tokens, at: i) {
            let index = published.year * 12 + (published.month - 1) + m.payload
            return (.month(year: index / 12, month: index % 12 + 1), .month, m.range.upperBound)
        }
        if let m = lexicon.years.longestMatch(in: tokens, at: i), let time = yearRange(published.year + m.payload) {
            return (time, .year, m.range.upperBound)
        }
        return nil
    }

    /// « il y a trois jours », "two weeks ago", « dans deux semaines », "in two weeks".
    func ago(at i: Int) -> (ValidTime?, DateKind, Int)? {
        var sign = -1
        var j = i
        if let end = lexicon.agoBefore.match(in: tokens, at: i) {
            j = end
        } else if let end = lexicon.in.match(in: tokens, at: i), count(at: end) != nil {
            j = end
            sign = 1
        }
        guard let (n, k) = count(at: j), k < tokens.count else { return nil }
        var end = k + 1
        var days: Int?
        var months: Int?
        if let unit = lexicon.units[tokens[k].folded] { days = unit * n }
        else if let after = lexicon.monthUnits.match(in: tokens, at: k) { months = n; end = after }
        else { return nil }
        let before = j != i
        if !before {
            // Only "N days ago" remains: the word after the unit must say so.
            guard let after = lexicon.agoAfter.match(in: tokens, at: end) else { return nil }
            end = after
        }
        if let days {
            let day = published.adding(days: sign * days)
            if days >= 7 {
                return (.range(day.adding(days: -3), day.adding(days: 3)), .range, end)
            }
            return (.day(day), .day, end)
        }
        if let months {
            let index = published.year * 12 + (published.month - 1) + sign * months
            return (.month(year: index / 12, month: index % 12 + 1), .month, end)
        }
        return nil
    }

    /// « en avril », « mi-mars », « février 2022 », "in April", "March 2024".
    func monthAlone(at i: Int) -> (ValidTime?, DateKind, Int)? {
        var j = i
        var lead = false
        if let end = lexicon.monthLead.match(in: tokens, at: i) {
            j = skipJoiners(end)
            lead = true
        }
        guard let (m, k) = month(at: j), dayNumber(at: k) == nil else { return nil }
        if let (y, end) = year(at: k) { return (recentMonth(m, year: y), .month, end) }
        guard lead else { return nil }
        return (recentMonth(m, year: nil), .month, k)
    }

    /// « en 2021 », "in 2021".
    func yearAlone(at i: Int) -> (ValidTime?, DateKind, Int)? {
        guard let lead = lexicon.monthLead.match(in: tokens, at: i), let (y, end) = year(at: lead), let time = yearRange(y) else { return nil }
        return (time, .year, end)
    }
}
