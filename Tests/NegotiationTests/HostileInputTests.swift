import EventLog
import Foundation
@testable import Negotiation
@testable import Corpus
import PropertyBased
@testable import Store
import TestSupport
import Testing

// Generated hostile input (issue #7, item 5): the reader, the date parser, quote matching and
// ingest either give a valid result or a clear error, never crash or hang, and a refused
// ingest leaves the log as it was. Every case comes from `Hostile.seed` (see
// HostileInputSupport.swift) and a failure names its case.

/// Checks what the reader accepted: each event is what a person could have written by hand.
func expectValid(_ events: [SourceEvent], _ reader: EventFileReader, _ c: Hostile.Case) {
    let articles = Dictionary(reader.articles.map { ($0.article.id, $0) }, uniquingKeysWith: { a, _ in a })
    for source in events {
        let e = source.event
        #expect(isSlug(e.id), "\(c): id \(e.id.prefix(200).debugDescription)")
        #expect(source.location.line != nil, "\(c)")
        #expect((try? LogRecord.decode(LogRecord.event(e).encoded())) == .event(e), "\(c): \(e.id) does not survive encoding")
        if e.type.amendsAnother {
            #expect(e.target != nil && (e.type == .source || e.reason != nil), "\(c): \(e.id)")
            continue
        }
        #expect(e.actor.flatMap(reader.registry.party) != nil, "\(c): \(e.id) actor \(e.actor ?? "nil")")
        #expect(e.tracks.allSatisfy { reader.registry.track($0) != nil }, "\(c): \(e.id) tracks \(e.tracks)")
        #expect(e.counterparts.allSatisfy { reader.registry.party($0) != nil }, "\(c): \(e.id)")
        guard let on = e.on, let id = e.article, let article = articles[id], let quote = e.quote else {
            Issue.record("\(c): \(e.id) was accepted without a date, an article or a quote")
            continue
        }
        #expect(on.first <= on.last, "\(c): \(e.id)")
        #expect(on.first <= article.article.published.adding(days: 31), "\(c): \(e.id) on \(on)")
        #expect(reader.matchers[id]?.contains(quote) == true, "\(c): \(e.id)'s quote is not in \(id)")
    }
}

@Suite("Hostile input: event files")
struct HostileEventFileTests {
    let reader: EventFileReader
    init() throws { reader = try EventFileReader() }

    @Test func curatedFilesReadWithoutAProblem() throws {
        let files = reader.curatedFiles
        #expect(files.count == 5)
        for (name, bytes) in files {
            let (events, issues) = try reader.read(bytes, name: name)
            #expect(issues.isEmpty, "\(name): \(issues)")
            #expect(!events.isEmpty)
        }
    }

    @Test func randomBytesAreRefusedClearlyOrRead() throws {
        var refused = 0
        try Hostile.check(3_000, HostileGen.randomFile) { bytes, c in
            let (events, issues) = try reader.read(bytes)
            if issues.isEmpty {
                expectValid(events, reader, c)
                return
            }
            refused += 1
            expectClear(issues, file: "events/hostile.yaml", lines: lineCount(bytes), c)
            if String(validating: bytes, as: UTF8.self) == nil {
                #expect(issues.count == 1 && issues[0].problem.hasSuffix("is not valid UTF-8"), "\(c): \(issues)")
            } else if bytes.contains(0) {
                #expect(issues.count == 1 && issues[0].problem.hasPrefix("the file contains a NUL byte"), "\(c): \(issues)")
            }
        }
        #expect(refused > 2_900)
    }

    @Test func mutatedEventFilesAreRefusedClearlyOrRead() throws {
        let files = reader.curatedFiles
        var refused = 0, unchanged = 0
        try Hostile.check(1_500, zip(Gen.int(in: 0...4), HostileGen.mutations)) { input, c in
            let (index, mutations) = input
            let original = files[index % files.count].bytes
            var bytes = original
            for m in mutations { m.apply(to: &bytes) }
            let (events, issues) = try reader.read(bytes)
            if bytes == original {
                unchanged += 1
                #expect(issues.isEmpty, "\(c): \(issues)")
            }
            if issues.isEmpty {
                expectValid(events, reader, c)
            } else {
                refused += 1
                expectClear(issues, file: "events/hostile.yaml", lines: lineCount(bytes), c)
                if issues.contains(where: { $0.description.count > 1_500 || $0.description.contains("\n") }) {
                    Issue.record("\(c) came from \(mutations)")
                }
            }
        }
        #expect(refused > 900, "most mutations break the file")
        #expect(unchanged < 150)
    }

    @Test func nestingIsRefusedBeyondSixtyFourLevels() throws {
        try Hostile.check(400, zip(Gen.frequency((3, Gen.int(in: 1...100)), (1, Gen.int(in: 100...3_000))), Gen.bool)) { input, c in
            let (depth, flow) = input
            // The root mapping is one level, `events` one more, so `depth` lists inside it.
            let bytes = HostileGen.bytes("article: 000_a1eb357bfc15af74\nevents:\n  - ") + HostileGen.nesting(depth: depth, flow: flow, closed: true)
            let (events, issues) = try reader.read(bytes)
            #expect(events.isEmpty, "\(c)")
            expectClear(issues, file: "events/hostile.yaml", lines: lineCount(bytes), c)
            let tooDeep = issues.contains { $0.problem == "YAML syntax error: nesting deeper than 64 levels" && $0.line == 3 }
            #expect(tooDeep == (depth + 2 > 64), "\(c): depth \(depth): \(issues.first?.description ?? "")")
        }
    }

    @Test func aProposalIDIsAKnownTrackAndANameOrRefused() throws {
        func event(proposal: String) -> [UInt8] {
            HostileGen.bytes("""
            article: 000_a1eb357bfc15af74
            events:
              - id: us-proposes-temporary-truce-jeddah-000
                type: proposal
                tracks: [truce-30-day]
                on: 2025-03-11
                actor: US
                counterparts: [UA, RU]
                proposal: "\(proposal)"
                quote: "Kiev a accepté un cessez-le-feu temporaire proposé par Washington lors des négociations de Djeddah le 11 mars, à condition que la Russie s'y conforme."

            """)
        }
        let notAnID = "is not a proposal id"
        let cases: [(proposal: String, problem: String?)] = [
            ("truce-30-day/us-jeddah", nil),
            ("truce-30-day/a", nil),
            ("truce-30-day", notAnID),
            ("truce-30-day/", notAnID),
            ("/us-jeddah", notAnID),
            ("truce-30-day/us/jeddah", notAnID),
            ("truce-30-day//", notAnID),
            ("no-such-track/us-jeddah", notAnID),
            ("truce-30-day/US-Jeddah", notAnID),
            ("truce-30-day /us-jeddah", notAnID),
            // A prepended mark makes the slash part of its character: no track is cut before it.
            ("truce-30-day\u{0600}/us-jeddah", notAnID),
            ("truce-30-day/\u{0301}us-jeddah", notAnID),
            ("energy/us-jeddah", "the proposal's track 'energy' is not among the event's tracks (truce-30-day)"),
        ]
        for c in cases {
            let (events, issues) = try reader.read(event(proposal: c.proposal))
            let problems = issues.filter { $0.field == "events[0].proposal" }.map(\.problem)
            if let problem = c.problem {
                #expect(problems.count == 1 && problems[0].contains(problem), "\(c.proposal): \(problems)")
                #expect(issues.allSatisfy { $0.line == 9 }, "\(c.proposal): \(issues)")
            } else {
                #expect(issues.isEmpty, "\(c.proposal): \(issues)")
                #expect(events.first?.event.proposal == c.proposal)
            }
        }
    }

    @Test func longValuesAreReadInLinearTime() throws {
        // A quote, an id, a type, a date… of a megabyte each: an error naming the field, quickly.
        let long = "\"" + String(repeating: "aé’ ", count: 250_000) + "\""
        let original = String(decoding: reader.curatedFiles[0].bytes, as: UTF8.self)
        let count = try reader.read(reader.curatedFiles[0].bytes).events.count
        for field in ["quote", "id", "type", "on", "actor", "tracks", "proposal", "place", "note"] {
            let bytes = Array(replacingValue(of: field, in: original, with: long).utf8)
            var result: (events: [SourceEvent], issues: [CorpusIssue]) = ([], [])
            let seconds = try Hostile.seconds { result = try reader.read(bytes) }
            #expect(seconds < 20, "\(field): \(seconds) s")
            if field == "note" || field == "place" {
                // Free text: long is not wrong.
                #expect(result.issues.isEmpty && result.events.count == count, "\(field): \(result.issues)")
                expectValid(result.events, reader, Hostile.Case.fixed)
            } else {
                #expect(result.issues.contains { $0.field?.hasSuffix(".\(field)") == true }, "\(field): \(result.issues)")
            }
            expectClear(result.issues, file: "events/hostile.yaml", lines: lineCount(bytes), Hostile.Case.fixed)
        }
    }
}

/// `text` with the value of the first `field:` line of an event replaced.
func replacingValue(of field: String, in text: String, with value: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for (i, line) in lines.enumerated() {
        let key = line.hasPrefix("  - \(field): ") ? "  - \(field): " : line.hasPrefix("    \(field): ") ? "    \(field): " : nil
        guard let key else { continue }
        lines[i] = key + value
        break
    }
    return lines.joined(separator: "\n")
}

@Suite("Hostile input: dates")
struct HostileDateTests {
    static let dateCharacters: [Character] = Array("0123456789--..+ /:T") + ["٣", "０", "²", "\u{0301}", "e", "Z", "\n", "\u{00A0}"]

    static let dateLike: Generator<String, some SendableSequenceType> = Gen<String>.frequency(
        (3, Gen.element(of: dateCharacters).map { $0 ?? "0" }.array(of: 0...24).map { String($0) }),
        (3, validTimeText),
        (4, zip(validTimeText, Gen.int(in: 0...Int.max), Gen.frequency((4, Gen.element(of: dateCharacters)), (1, Gen.always("+"))), Gen.int(in: 0...2))
            .map { text, at, c, kind in
            var chars = Array(text)
            let i = at % (chars.count + 1)
            switch kind {
            case 0: chars.insert(c ?? "0", at: i)
            case 1: if i < chars.count { chars[i] = c ?? "0" }
            default: if i < chars.count { chars.remove(at: i) }
            }
            return String(chars)
        })
    )

    /// 0001-01-01 through 9999-12-31.
    static let ordinals = -719_162...2_932_896
    static let day: Generator<Day, some SendableSequenceType> = Gen.int(in: ordinals).map { Day(ordinal: $0) }

    static let validTimeText: Generator<String, some SendableSequenceType> = zip(day, Gen.int(in: 0...400), Gen.int(in: 0...2)).map { d, span, kind in
        switch kind {
        case 0: d.description
        case 1: String(d.description.prefix(7))
        default: "\(d)..\(d.adding(days: span))"
        }
    }

    @Test func anyTextIsAValidTimeOrAClearError() {
        var valid = 0
        Hostile.check(6_000, Self.dateLike) { text, c in
            do throws(ValidTime.ParseError) {
                let time = try ValidTime(parsing: text)
                valid += 1
                #expect(time.first <= time.last, "\(c)")
                #expect(Day(year: time.first.year, month: time.first.month, day: time.first.day) == time.first, "\(c)")
                #expect(Day(year: time.last.year, month: time.last.month, day: time.last.day) == time.last, "\(c)")
                // What was accepted is exactly what is printed (a one-day range is that day).
                if case .day(let d) = time, text.contains("..") {
                    #expect(text == "\(d)..\(d)", "\(c): \(text.debugDescription)")
                } else {
                    #expect(time.description == text, "\(c): \(text.debugDescription) was read as \(time)")
                }
                #expect((try? ValidTime(parsing: time.description)) == time, "\(c)")
            } catch {
                #expect(!error.problem.isEmpty, "\(c)")
                #expect(error.problem.unicodeScalars.first == "'" || error.problem.hasPrefix("the range ends"), "\(c): \(error.problem)")
                #expect(!error.problem.contains("\n") && error.problem.count < 200, "\(c): \(error.problem)")
            }
        }
        #expect(valid > 1_000)
    }

    @Test func everyDayMonthAndRangeRoundTrips() throws {
        #expect(Day(ordinal: Self.ordinals.lowerBound) == Day(year: 1, month: 1, day: 1))
        #expect(Day(ordinal: Self.ordinals.upperBound) == Day(year: 9999, month: 12, day: 31))
        try Hostile.check(3_000, zip(Self.day, Gen.int(in: 1...400))) { input, c in
            let (d, span) = input
            #expect(Day(iso: d.description) == d, "\(c)")
            #expect(try ValidTime(parsing: d.description) == .day(d), "\(c)")
            let month = try ValidTime(parsing: String(d.description.prefix(7)))
            #expect(month.first == Day(year: d.year, month: d.month, day: 1), "\(c)")
            #expect(month.last.ordinal - month.first.ordinal + 1 == Day.daysIn(month: d.month, year: d.year), "\(c)")
            #expect((month.first...month.last).contains(d), "\(c)")
            let end = d.adding(days: span)
            guard end.year <= 9999 else { return }
            let range = try ValidTime(parsing: "\(d)..\(end)")
            #expect(range == .range(d, end) && range.first == d && range.last == end, "\(c)")
            #expect(throws: ValidTime.ParseError.self, "\(c)") { try ValidTime(parsing: "\(end)..\(d)") }
        }
    }

    @Test func precisionIsADayAFewDaysOrAMonth() {
        let precisionText: Generator<String, some SendableSequenceType> = Gen<String>.frequency(
            (2, Gen.element(of: ["day", "month", " day ", "±1 day", "±3 days", "+-2 days", "±0 days", "±-1 days", "± 1 day", "week", ""]).map { $0 ?? "" }),
            (2, zip(Gen.element(of: ["±", "+-", "-", ""]), Gen.int(in: Int.min...Int.max), Gen.element(of: ["day", "days", "jours"]))
                .map { "\($0 ?? "")\($1) \($2 ?? "")" }),
            (1, zip(Gen.element(of: ["±", "+-"]), Gen.int(in: 0...100_000)).map { "\($0 ?? "")\($1) days" })
        )
        Hostile.check(3_000, precisionText) { text, c in
            guard let precision = DatePrecision(parsing: text) else { return }
            #expect(DatePrecision(parsing: precision.description) == precision, "\(c): \(text)")
            if case .withinDays(let n) = precision {
                #expect((1...DatePrecision.maximumDays).contains(n), "\(c): \(text)")
            }
        }
    }
}

@Suite("Hostile input: quote matching")
struct HostileQuoteTests {
    static let articles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.seeds)) ?? [])
        .filter { $0.hasSuffix(".txt") }.sorted()
        .compactMap { try? String(contentsOfFile: Fixtures.seeds + "/" + $0, encoding: .utf8) }

    /// A typographic variant of one character, which the matcher must not tell apart.
    static func variant(of c: Character, _ choice: Int) -> String {
        switch c {
        case " ", "\u{00A0}", "\u{202F}", "\n", "\t":
            ["\u{00A0}", "\u{202F}", "  ", " \n ", "\t", "\u{2009}", "\u{3000}", " "][choice % 8]
        case "’", "'": choice % 2 == 0 ? "’" : "'"
        default: String(c).decomposedStringWithCanonicalMapping
        }
    }

    @Test func aQuoteCutFromAnArticleIsFoundWhateverItsTypography() {
        let input = zip(Gen.int(in: 0...Int.max), Gen.int(in: 0...Int.max), Gen.int(in: 1...400), Gen.int(in: 0...Int.max).array(of: 0...30))
        #expect(Self.articles.count == 5)
        Hostile.check(2_500, input) { input, c in
            let (which, start, length, variants) = input
            let article = Self.articles[which % Self.articles.count]
            let characters = Array(article)
            let from = start % characters.count
            var quote = Array(characters[from..<min(characters.count, from + length)])
            for v in variants where !quote.isEmpty {
                let i = v % quote.count
                quote.replaceSubrange(i...i, with: Array(Self.variant(of: quote[i], v / 7)))
            }
            let text = String(quote)
            let matcher = QuoteMatcher(article: article)
            let blank = text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
            #expect(matcher.contains(text) == !blank, "\(c): \(text.debugDescription)")
        }
    }

    @Test func aQuoteWithACharacterTheArticleLacksIsNotFound() {
        let strangers: [Character] = ["Ω", "ж", "漢", "☃", "🙂", "#", "~", "ß", "Ø", "\u{2026}", "“", "q\u{0307}", "\u{00AD}"]
        let input = zip(Gen.int(in: 0...Int.max), Gen.int(in: 0...Int.max), Gen.int(in: 0...300), Gen.int(in: 0...Int.max), Gen.element(of: strangers))
        Hostile.check(2_500, input) { input, c in
            let (which, start, length, at, stranger) = input
            let article = Self.articles[which % Self.articles.count]
            guard let stranger, !QuoteMatcher.normalize(article).contains(QuoteMatcher.normalize(String(stranger))) else { return }
            var quote = Array(article.dropFirst(start % article.count).prefix(length))
            quote.insert(stranger, at: at % (quote.count + 1))
            #expect(!QuoteMatcher(article: article).contains(String(quote)), "\(c): \(String(quote).debugDescription)")
        }
    }

    /// Short texts over a small alphabet, so that many quotes occur and many nearly do.
    static let smallAlphabet: [String] = ["a", "b", " ", "\u{00A0}", "’", "'", "e\u{0301}", "é", "\n", "\u{202F}", "\u{2028}"]
    static let smallText: Generator<String, some SendableSequenceType> = Gen.element(of: smallAlphabet).map { $0 ?? "a" }

    @Test func matchingAgreesWithAPlainSearchOfTheNormalForms() {
        Hostile.check(4_000, zip(Self.smallText.array(of: 0...60), Self.smallText.array(of: 0...8))) { input, c in
            let article = input.0.joined(), quote = input.1.joined()
            let haystack = Array(QuoteMatcher.normalize(article).utf8), needle = Array(QuoteMatcher.normalize(quote).utf8)
            let expected = !needle.isEmpty && haystack.firstRange(of: needle) != nil
            #expect(QuoteMatcher(article: article).contains(quote) == expected, "\(c): \(quote.debugDescription) in \(article.debugDescription)")
        }
    }

    @Test func bothByteSearchesAgreeWithAPlainSearch() {
        // Two letters, so that near misses are the rule; long needles exhaust the fast
        // search's budget and hand over to the linear one.
        let bytes = Gen<UInt8>.value(in: 0x61...0x62)
        Hostile.check(3_000, zip(bytes.array(of: 0...200), bytes.array(of: 1...40), Gen.int(in: 0...Int.max))) { input, c in
            var (haystack, needle, at) = input
            if at % 3 == 0, needle.count <= haystack.count {
                // Plant it, so that about a third occur.
                let start = at % (haystack.count - needle.count + 1)
                haystack.replaceSubrange(start..<(start + needle.count), with: needle)
            }
            let expected = haystack.firstRange(of: needle) != nil
            haystack.withUnsafeBytes { h in
                needle.withUnsafeBytes { n in
                    #expect(QuoteMatcher.occurs(n, in: h) == expected, "\(c)")
                    #expect(QuoteMatcher.occursInLinearTime(n, in: h) == expected, "\(c)")
                }
            }
        }
    }

    @Test func theNormalFormIsStableAndPlain() {
        let text = Gen<String>.frequency(
            (2, Self.smallText.array(of: 0...40).map { $0.joined() }),
            (1, Gen.unicodeScalar(in: "\u{0}"..."\u{3100}").array(of: 0...40).map { String(String.UnicodeScalarView($0)) })
        )
        Hostile.check(4_000, text) { text, c in
            let normal = QuoteMatcher.normalize(text)
            #expect(QuoteMatcher.normalize(normal) == normal, "\(c): \(text.debugDescription)")
            #expect(normal == normal.precomposedStringWithCanonicalMapping, "\(c)")
            #expect(!normal.contains("  ") && !normal.hasPrefix(" ") && !normal.hasSuffix(" "), "\(c): \(normal.debugDescription)")
            #expect(!normal.unicodeScalars.contains { $0 != " " && $0.properties.isWhitespace }, "\(c): \(normal.debugDescription)")
            #expect(!normal.contains("’"), "\(c)")
        }
    }
}

@Suite("Hostile input: articles and the catalog")
struct HostileArticleTests {
    let corpus: CorpusCopy
    let catalogPath: String
    let catalog: String
    let names: [String]
    let originals: [[UInt8]]

    init() throws {
        let corpus = try CorpusCopy()
        let seeds = corpus.seeds
        self.corpus = corpus
        catalogPath = seeds + "/catalog.yaml"
        catalog = try String(contentsOfFile: seeds + "/catalog.yaml", encoding: .utf8)
        let names = try FileManager.default.contentsOfDirectory(atPath: seeds).filter { $0.hasSuffix(".txt") }.sorted()
        self.names = names
        originals = try names.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: seeds + "/" + $0))) }
    }

    func scan() -> CorpusScan { Corpus.scan(seeds: corpus.seeds, events: corpus.events) { _, _ in } }

    func restore() throws {
        try Data(catalog.utf8).write(to: URL(fileURLWithPath: catalogPath))
        for (name, bytes) in zip(names, originals) {
            try Data(bytes).write(to: URL(fileURLWithPath: corpus.seeds + "/" + name))
        }
    }

    /// The catalog's line where article `index`'s entry starts.
    func entryLine(_ index: Int) -> Int? {
        let lines = catalog.split(separator: "\n", omittingEmptySubsequences: false)
        let starts = lines.indices.filter { lines[$0].hasPrefix("  - id: ") }
        return index < starts.count ? starts[index] + 1 : nil
    }

    /// The catalog's line with article `index`'s `sha256`.
    func shaLine(_ index: Int) -> Int? {
        let sha = hexString(SHA256.hash(data: originals[index]))
        return catalog.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(sha) }.map { $0 + 1 }
    }

    @Test func changedArticleBytesAreRefusedByTheirHashOrReadAsText() throws {
        #expect(names.count == 5)
        let input = zip(Gen.int(in: 0...4), HostileGen.mutations, Gen.bool)
        try Hostile.check(100, input) { input, c in
            let (which, mutations, rehash) = input
            try restore()
            var bytes = originals[which]
            for m in mutations { m.apply(to: &bytes) }
            let path = corpus.seeds + "/" + names[which]
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let sha = hexString(SHA256.hash(data: bytes))
            if rehash {
                let old = hexString(SHA256.hash(data: originals[which]))
                try Data(catalog.replacingOccurrences(of: old, with: sha).utf8).write(to: URL(fileURLWithPath: catalogPath))
            }
            let issues = scan().issues
            expectClear(issues, lines: corpusLines(seeds: corpus.seeds, events: corpus.events), c)
            let about = issues.filter { $0.file == path || $0.file == catalogPath }
            // The text is read before its hash is checked.
            let unreadable: String? = if bytes.isEmpty {
                "the file is empty"
            } else if String(validating: bytes, as: UTF8.self) == nil {
                "is not valid UTF-8"
            } else if bytes.contains(0) {
                "the file contains a NUL byte at offset \(bytes.firstIndex(of: 0) ?? -1)"
            } else {
                nil
            }
            if bytes == originals[which] {
                #expect(issues.isEmpty, "\(c): \(issues)")
            } else if let unreadable {
                #expect(issues.count == 1 && about.count == 1, "\(c): \(issues)")
                #expect(about.first?.file == path && about.first?.problem.contains(unreadable) == true, "\(c): \(issues)")
            } else if !rehash {
                #expect(issues.count == 1 && about.count == 1, "\(c): \(issues)")
                #expect(about.first?.field == "articles[\(which)].sha256", "\(c)")
                #expect(about.first?.line == shaLine(which), "\(c)")
                #expect(about.first?.problem == "\(names[which]) hashes to \(sha), not \(hexString(SHA256.hash(data: originals[which]))): the article's bytes changed", "\(c)")
            } else {
                // Read as text: only quotes that are no longer in it may be refused, in the event files.
                #expect(about.isEmpty, "\(c): \(about)")
                #expect(issues.allSatisfy { $0.problem.hasPrefix("the quote is not in article \(names[which].dropLast(4))") }, "\(c): \(issues)")
            }
        }
        try restore()
    }

    @Test func aCatalogEntryWithABadHashIsRefusedOnItsLine() throws {
        let sha = Gen<String>.frequency(
            (2, Gen.element(of: Array("0123456789abcdef")).map { $0 ?? "0" }.array(of: 64).map { String($0) }),
            (1, Gen.element(of: Array("0123456789abcdefABCDEFxyz -")).map { $0 ?? "0" }.array(of: 0...80).map { String($0) }),
            (1, Gen.element(of: HostileGen.values).map { $0 ?? "" })
        )
        try Hostile.check(60, zip(Gen.int(in: 0...4), sha)) { input, c in
            let (which, value) = input
            try restore()
            let old = hexString(SHA256.hash(data: originals[which]))
            try Data(catalog.replacingOccurrences(of: old, with: value).utf8).write(to: URL(fileURLWithPath: catalogPath))
            let issues = scan().issues
            expectClear(issues, lines: corpusLines(seeds: corpus.seeds, events: corpus.events), c)
            guard value != old else {
                #expect(issues.isEmpty, "\(c)")
                return
            }
            #expect(!issues.isEmpty, "\(c): the hash \(value.debugDescription) was taken")
            #expect(issues.allSatisfy { $0.file == catalogPath }, "\(c): \(issues)")
        }
        try restore()
    }

    @Test func hostileCatalogFieldsAreRefusedClearly() throws {
        let fields = ["id", "file", "outlet", "title", "language", "published", "precision", "sha256", "basis", "url"]
        let values = HostileGen.values + ["±366 days", "±367 days", "±100000 days", "±4611686018427387904 days", "+-9223372036854775807 days"]
        try Hostile.check(120, zip(Gen.int(in: 0...4), Gen.element(of: fields), Gen.element(of: values))) { input, c in
            let (which, field, value) = input
            try restore()
            var lines = catalog.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let start = try #require(entryLine(which)) - 1
            let key = "    \(field ?? "id"): "
            if let i = lines[start...].firstIndex(where: { $0.hasPrefix(key) }) {
                lines[i] = key + (value ?? "")
            } else {
                lines.insert(key + (value ?? ""), at: start + 1)
            }
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: catalogPath))
            let scan = scan()
            expectClear(scan.issues, lines: corpusLines(seeds: corpus.seeds, events: corpus.events), c)
            for article in scan.articles {
                if case .withinDays(let n) = article.article.precision {
                    #expect(n <= DatePrecision.maximumDays, "\(c)")
                }
            }
        }
        try restore()
    }

    /// A precision of ±N days once let ingest add N days to the publication date: near
    /// `Int.max` that overflowed and crashed the reader (`Day.adding(days:)`).
    @Test(arguments: ["±9223372036854775807 days", "+-9223372036854775000 days", "±4611686018427387904 days", "±367 days", "±366 days"])
    func aPrecisionOfAbsurdlyManyDaysIsRefused(_ precision: String) throws {
        try restore()
        var text = catalog
        let first = try #require(text.range(of: "precision: ±1 day"))
        text.replaceSubrange(first, with: "precision: \(precision)")
        try Data(text.utf8).write(to: URL(fileURLWithPath: catalogPath))
        let issues = scan().issues
        try restore()
        if precision == "±366 days" {
            #expect(issues.isEmpty, "\(issues)")
        } else {
            #expect(issues.map(\.field) == ["articles[0].precision"], "\(issues)")
            #expect(issues.first?.problem == "'\(precision)' is not a precision")
        }
    }

    @Test func mutatedCatalogsAreRefusedClearlyOrRead() throws {
        var refused = 0
        try Hostile.check(150, HostileGen.mutations) { mutations, c in
            var bytes = Array(catalog.utf8)
            for m in mutations { m.apply(to: &bytes) }
            try Data(bytes).write(to: URL(fileURLWithPath: catalogPath))
            let scan = scan()
            if !scan.issues.isEmpty { refused += 1 }
            expectClear(scan.issues, lines: corpusLines(seeds: corpus.seeds, events: corpus.events), c)
            #expect(scan.issues.isEmpty || scan.issues.allSatisfy { !$0.description.isEmpty }, "\(c)")
        }
        try restore()
        #expect(refused > 75)
    }
}

@Suite("Hostile input: files of 10 MB")
struct HostileLargeFileTests {
    static let tenMegabytes = 10 << 20

    /// Seconds allowed for reading one 10 MB file in a debug build on a busy machine: a
    /// quadratic step takes hours.
    static let budget = 60.0

    @Test func tenMegabyteEventFilesAreReadOrRefusedInTime() throws {
        let reader = try EventFileReader()
        var rng = Hostile.randomness(Hostile.seed, 10)
        let event = """
              - id: ID
                type: meeting
                tracks: [truce-30-day]
                on: 2025-03-11
                actor: US
                counterparts: [UA]
                place: Jeddah
                quote: "Les négociations en Arabie saoudite ont également conduit à la reprise de l'aide militaire et de renseignement américaine cruciale à l'Ukraine."

            """
        let halves = event.components(separatedBy: "ID").map { Array($0.utf8) }
        var manyEvents = Array("article: 000_a1eb357bfc15af74\nevents:\n".utf8)
        manyEvents.reserveCapacity(Self.tenMegabytes + 1_000)
        var n = 0
        while manyEvents.count < Self.tenMegabytes {
            manyEvents += halves[0] + Array("meeting-\(n)".utf8) + halves[1]
            n += 1
        }
        let filler = [UInt8](repeating: UInt8(ascii: "a"), count: Self.tenMegabytes)
        var words = [UInt64](repeating: 0, count: Self.tenMegabytes / 8)
        for i in words.indices { words[i] = rng.next() }
        let shapes: [(name: String, bytes: [UInt8], valid: Bool)] = [
            ("random bytes", words.withUnsafeBytes { Array($0) }, false),
            ("one plain line", filler, false),
            ("one quote", Array("article: 000_a1eb357bfc15af74\nevents:\n  - id: x\n    type: meeting\n    quote: \"".utf8) + filler + Array("\"\n".utf8), false),
            ("one key", filler + Array(": x\n".utf8), false),
            ("nesting", [UInt8](repeating: UInt8(ascii: "["), count: Self.tenMegabytes), false),
            ("a NUL at the end", manyEvents + [0], false),
            ("events", manyEvents, true),
        ]
        for shape in shapes {
            var result: (events: [SourceEvent], issues: [CorpusIssue]) = ([], [])
            let seconds = try Hostile.seconds { result = try reader.read(shape.bytes) }
            #expect(seconds < Self.budget, "\(shape.name): \(seconds) s")
            let c = Hostile.Case.fixed
            expectClear(result.issues, file: "events/hostile.yaml", lines: lineCount(shape.bytes), c)
            if shape.valid {
                #expect(result.issues.isEmpty && result.events.count == n, "\(shape.name): \(result.issues.prefix(3))")
            } else {
                // Events read besides the problems are not recorded: the corpus is refused.
                #expect(!result.issues.isEmpty, "\(shape.name)")
            }
        }
    }

    @Test func aTenMegabyteArticleIsSearchedInLinearTime() throws {
        let corpus = try CorpusCopy()
        let name = "000_a1eb357bfc15af74"
        let path = corpus.seeds + "/\(name).txt"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        // The article repeated to 10 MB: every curated quote is still in it.
        let big = String(repeating: original + "\n", count: Self.tenMegabytes / original.utf8.count + 1)
        try setArticle(name, to: Array(big.utf8), in: corpus)
        var issues: [CorpusIssue] = []
        var seconds = Hostile.seconds { issues = Corpus.scan(seeds: corpus.seeds, events: corpus.events) { _, _ in }.issues }
        #expect(issues.isEmpty, "\(issues)")
        #expect(seconds < Self.budget, "\(seconds) s")

        // Ten megabytes of one letter and a long quote that nearly matches everywhere: a
        // naive search compares it at every offset.
        try setArticle(name, to: [UInt8](repeating: UInt8(ascii: "a"), count: Self.tenMegabytes), in: corpus)
        let near = String(repeating: "a", count: 300_000)
        let events = """
            article: \(name)
            events:
              - id: near-miss
                type: meeting
                tracks: [truce-30-day]
                on: 2025-03-11
                actor: US
                quote: "\(near)b"
              - id: found
                type: meeting
                tracks: [truce-30-day]
                on: 2025-03-11
                actor: US
                quote: "\(near)"

            """
        try FileManager.default.removeItem(atPath: corpus.events + "/\(name).yaml")
        try Data(events.utf8).write(to: URL(fileURLWithPath: corpus.events + "/\(name).yaml"))
        seconds = Hostile.seconds { issues = Corpus.scan(seeds: corpus.seeds, events: corpus.events) { _, _ in }.issues }
        // Comparing the quote at every offset took minutes.
        #expect(seconds < Self.budget / 2, "\(seconds) s")
        // 001's file also cites this article (a second source of a meeting, and a correction):
        // their quotes are no longer in it either.
        #expect(issues.filter { $0.file.hasSuffix("\(name).yaml") }.map(\.field) == ["events[0].quote"], "\(issues.map { $0.description.prefix(200) })")
        #expect(issues.filter { !$0.file.hasSuffix("\(name).yaml") }.map(\.field) == ["events[2].quote", "events[3].quote"])
        #expect(issues.allSatisfy { $0.description.count < 1_000 })
    }

    func setArticle(_ name: String, to bytes: [UInt8], in corpus: CorpusCopy) throws {
        let catalogPath = corpus.seeds + "/catalog.yaml"
        let old = hexString(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: corpus.seeds + "/\(name).txt"))))
        let catalog = try String(contentsOfFile: catalogPath, encoding: .utf8)
        try Data(catalog.replacingOccurrences(of: old, with: hexString(SHA256.hash(data: bytes))).utf8)
            .write(to: URL(fileURLWithPath: catalogPath))
        try Data(bytes).write(to: URL(fileURLWithPath: corpus.seeds + "/\(name).txt"))
    }
}

@Suite("Hostile input: ingest")
struct HostileIngestTests {
    @Test func aRefusedIngestLeavesTheLogByteForByte() throws {
        let template = try CorpusCopy()
        try template.ingest()
        let before = try #require(FileManager.default.contents(atPath: template.db + "/data.mdb"))
        let files = ["seeds", "events"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: template.directory.appending(folder))) ?? []).sorted()
                .filter { $0.hasSuffix(".txt") || $0.hasSuffix(".yaml") }.map { "\(folder)/\($0)" }
        }
        #expect(files.count == 13)
        var refused = 0
        try Hostile.check(80, zip(Gen.int(in: 0...Int.max), HostileGen.mutations)) { input, c in
            let (which, mutations) = input
            let copy = try TemporaryDirectory("hostile-ingest")
            for folder in ["seeds", "events", "db"] {
                try FileManager.default.copyItem(atPath: template.directory.appending(folder), toPath: copy.appending(folder))
            }
            let file = copy.appending(files[which % files.count])
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            for m in mutations { m.apply(to: &bytes) }
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let lines = corpusLines(seeds: copy.appending("seeds"), events: copy.appending("events"))
            do {
                let store = try NegotiationStore(directory: copy.appending("db"))
                let report = try store.ingest(seeds: copy.appending("seeds"), events: copy.appending("events"))
                // Accepted: the mutation left a valid corpus (a comment, a note of a new event…).
                #expect(Corpus.scan(seeds: copy.appending("seeds"), events: copy.appending("events")) { _, _ in }.issues.isEmpty, "\(c)")
                #expect(report.head.sequence > 0, "\(c)")
            } catch let error as CorpusError {
                refused += 1
                #expect(!error.issues.isEmpty, "\(c)")
                expectClear(error.issues, lines: lines, c)
                #expect(FileManager.default.contents(atPath: copy.appending("db/data.mdb")) == before, "\(c): \(files[which % files.count]) \(mutations): the log changed")
            } catch {
                Issue.record("\(c): not a CorpusError: \(error)")
            }
        }
        #expect(refused >= 60)
    }
}
