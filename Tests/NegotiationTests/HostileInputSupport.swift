import Foundation
@testable import Negotiation
@testable import Corpus
import PropertyBased
import TestSupport
import Testing

/// Hostile inputs for the corpus reader, drawn from one fixed seed: every run sees the same
/// cases, and a failure names the case (and the seed) that reproduces it.
///
/// The generators are swift-property-based's (`Gen`, `zip`, `frequency`), run here with
/// `Generator.run(using:)` rather than `propertyCheck`: that one draws a new random seed on
/// every run, and its `.fixedSeed` trait replays a single case and always records an issue,
/// so it is not meant to be committed.
///
/// `PARLEY_FUZZ_SEED=<number> swift test --filter HostileInput` explores other cases; a
/// failure then names that seed, which reproduces it the same way.
enum Hostile {
    /// The seed every hostile-input test draws from unless `PARLEY_FUZZ_SEED` says otherwise.
    static let defaultSeed: UInt64 = 0x7_0005_2025_0311
    static let seed: UInt64 = ProcessInfo.processInfo.environment["PARLEY_FUZZ_SEED"].flatMap { UInt64($0) } ?? defaultSeed

    /// Calls `body` with `count` values of `generator`. Case `i` draws from its own generator
    /// state, made from the seed and `i`, so that a case reproduces without the ones before it.
    static func check<T>(_ count: Int, _ generator: Generator<T, some Sequence>, salt: UInt64 = 0,
                         _ body: (T, Case) throws -> Void) rethrows {
        for index in 0..<count {
            var rng = Self.randomness(seed, UInt64(index), salt)
            try body(generator.run(using: &rng), Case(index: index))
        }
    }

    /// A generator state from the seed, the case and a salt, each word mixed with SplitMix64:
    /// xoshiro's first outputs from nearby states are alike.
    static func randomness(_ words: UInt64...) -> Xoshiro {
        var state = words.reduce(0x9E37_79B9_7F4A_7C15) { ($0 ^ $1) &* 0xBF58_476D_1CE4_E5B9 }
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Xoshiro(seed: (next(), next(), next(), next()))
    }

    /// One generated case, named in every failure it causes.
    struct Case: CustomStringConvertible {
        var index: Int
        var description: String { index < 0 ? "a fixed input" : "case \(index) of seed \(Hostile.seed)" }

        /// For an input written out in the test rather than generated.
        static let fixed = Case(index: -1)
        var comment: Comment { Comment(rawValue: description) }
    }

    /// How long `body` took, in seconds.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let elapsed = try ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

// MARK: Byte mutations

/// One change to a file's bytes. Positions are taken modulo the file's length, so a
/// mutation does not depend on the file it is applied to.
enum Mutation: Sendable, CustomStringConvertible {
    case replace(at: Int, with: UInt8)
    case truncate(at: Int)
    case insert(at: Int, [UInt8])
    case delete(at: Int, count: Int)
    case duplicateLine(at: Int)
    /// Replaces the value of the `field: value` line at or after the position.
    case setValue(at: Int, [UInt8])
    /// Adds bytes at the end: an event to the file's list.
    case append([UInt8])

    var description: String {
        switch self {
        case .replace(let at, let byte): "replace(\(at), 0x\(String(byte, radix: 16)))"
        case .truncate(let at): "truncate(\(at))"
        case .insert(let at, let bytes): "insert(\(at), \(bytes.count) bytes: \(String(decoding: bytes.prefix(40), as: UTF8.self).debugDescription))"
        case .delete(let at, let count): "delete(\(at), \(count))"
        case .duplicateLine(let at): "duplicateLine(\(at))"
        case .setValue(let at, let bytes): "setValue(\(at), \(String(decoding: bytes.prefix(40), as: UTF8.self).debugDescription))"
        case .append(let bytes): "append(\(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription))"
        }
    }

    func apply(to bytes: inout [UInt8]) {
        let n = bytes.count
        switch self {
        case .replace(let at, let byte):
            guard n > 0 else { return }
            bytes[at % n] = byte
        case .truncate(let at):
            bytes.removeSubrange((at % (n + 1))...)
        case .insert(let at, let inserted):
            bytes.insert(contentsOf: inserted, at: at % (n + 1))
        case .delete(let at, let count):
            let start = at % (n + 1)
            bytes.removeSubrange(start..<min(n, start + count))
        case .duplicateLine(let at):
            let lines = Self.lineRanges(bytes)
            guard !lines.isEmpty else { return }
            let line = lines[at % lines.count]
            bytes.insert(contentsOf: bytes[line], at: line.lowerBound)
        case .setValue(let at, let value):
            // A `key: value` line: the bytes after the first ": " up to the end of the line.
            let lines = Self.lineRanges(bytes)
            guard !lines.isEmpty else { return }
            for k in 0..<lines.count {
                let line = lines[(at + k) % lines.count]
                let text = Array(bytes[line])
                guard let colon = text.indices.first(where: { text[$0] == UInt8(ascii: ":") && $0 + 1 < text.count && text[$0 + 1] == 0x20 }),
                      !text.prefix(colon).contains(UInt8(ascii: "\"")), !text.prefix(colon).contains(UInt8(ascii: "#"))
                else { continue }
                let end = text.last == 0x0A ? line.upperBound - 1 : line.upperBound
                bytes.replaceSubrange((line.lowerBound + colon + 2)..<end, with: value)
                return
            }
        case .append(let tail):
            if bytes.last != 0x0A { bytes.append(0x0A) }
            bytes.append(contentsOf: tail)
        }
    }

    /// Each line with its newline.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            ranges.append(start..<(i + 1))
            start = i + 1
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }
}

// MARK: Generators

enum HostileGen {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Bytes that are not UTF-8: a lone continuation, a cut sequence, a surrogate, an
    /// over-long encoding, beyond U+10FFFF, 0xFE/0xFF.
    static let invalidUTF8: [[UInt8]] = [
        [0x80], [0xBF], [0xC3], [0xE2, 0x80], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF],
        [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF],
    ]

    /// What YAML gives meaning to, and some Unicode the reader must take as text.
    static let yamlTokens: [String] = [
        "&a ", "*a", "&x [1]", "*x", "\n---\n", "\n...\n", "? ", ": ", "- ", "!!binary ", "!tag ", "%YAML 1.1\n",
        "%TAG ! tag:x,2000:\n", "\t", "\"", "'", "{", "}", "[", "]", ",", "#", "|", ">", "|-\n", "\n", "  ", "\r",
        "\r\n", "\u{FEFF}", "\u{2028}", "\u{0085}", "\u{00A0}", "\u{202F}", "\u{2019}", "e\u{0301}", "\\", "\\u0000",
        "\"\\x00\"", "\"\\uD800\"", "~", "null", "<<: ", "@", "`", "%", "0x1F", "1e999", "-.inf", ".nan", "true", "no",
    ]

    /// Values a field might be given.
    static let values: [String] = [
        "", " ", "~", "null", "[]", "{}", "[a, b]", "{a: b}", "\"\"", "''", "2025-03-11", "2025-03", "2025-03-18..2025-03-25",
        "2025-02-29", "2025-13-01", "2025-03-25..2025-03-18", "+2025-03", "2025-+3", "0000-01-01", "9999-12-31", "10000-01-01",
        "2025-03-11T10:00", "١٢٣٤-٠٣-١١", "UA", "RU", "US", "XX", "ua", "truce-30-day", "truce-30-day/us-jeddah", "energy/",
        "/x", "proposal", "acceptance", "correction", "retraction", "meeting", "Proposal", "true", "false", "yes", "maybe",
        "\"Kiev a accepté un cessez-le-feu temporaire\"", "\"not in the article\"", "a\\nb", "\"a\\nb\\tc\"",
        "000_a1eb357bfc15af74", "999_nope", "../../etc/passwd", "±1 day", "±9223372036854775807 days", "±0 days",
        "-5 days", "month", "day", "week", "\u{2019}\u{00A0}\u{202F}", "e\u{0301}", "🙂", String(repeating: "x", count: 300),
    ]

    /// `[[[[…` or `{a: {a: …`, closed or not.
    static func nesting(depth: Int, flow: Bool, closed: Bool) -> [UInt8] {
        let open = flow ? "[" : "{a: "
        let close = flow ? "]" : "}"
        return bytes(String(repeating: open, count: depth) + (closed ? String(repeating: close, count: depth) : ""))
    }

    /// What gets inserted: NULs, bytes that are not UTF-8, YAML tokens, nesting, a long line,
    /// random bytes.
    static let insertion: Generator<[UInt8], some SendableSequenceType> = Gen<[UInt8]>.frequency(
        (2, Gen.always([0])),
        (3, Gen.element(of: invalidUTF8).map { $0 ?? [0xFF] }),
        (5, Gen.element(of: yamlTokens).map { bytes($0 ?? "") }),
        (3, Gen.element(of: values).map { bytes($0 ?? "") }),
        (2, zip(Gen.int(in: 1...300), Gen.bool, Gen.bool).map { nesting(depth: $0, flow: $1, closed: $2) }),
        (1, zip(Gen.int(in: 1_000...60_000), Gen.element(of: ["a", "é", " ", "\"", "- ", "[", "e\u{0301}"])).map {
            bytes(String(repeating: $1 ?? "a", count: $0))
        }),
        (3, bytes(from: Array(0...255), count: 1...16))
    )

    static let mutation: Generator<Mutation, some SendableSequenceType> = Gen<Mutation>.frequency(
        (4, zip(Gen.int(in: 0...Int.max), Gen<UInt8>.value(in: 0...255)).map { Mutation.replace(at: $0, with: $1) }),
        (2, Gen.int(in: 0...Int.max).map { Mutation.truncate(at: $0) }),
        (6, zip(Gen.int(in: 0...Int.max), insertion).map { Mutation.insert(at: $0, $1) }),
        (2, zip(Gen.int(in: 0...Int.max), Gen.int(in: 1...80)).map { Mutation.delete(at: $0, count: $1) }),
        (1, Gen.int(in: 0...Int.max).map { Mutation.duplicateLine(at: $0) }),
        (5, zip(Gen.int(in: 0...Int.max), Gen.frequency((4, Gen.element(of: values).map { bytes($0 ?? "") }), (1, insertion))).map {
            Mutation.setValue(at: $0, $1)
        }),
        (2, appendedEvent)
    )

    static let eventFields = EventFileParser.eventFields + ["set", "label", "fr", "events", "Type", ""]

    /// An event for the end of a file's list: an id, a type, and some fields (a correction's
    /// `set` among them), with values from ``values``.
    static let appendedEvent: Generator<Mutation, some SendableSequenceType> = zip(
        Gen.element(of: ["new-event", "us-ua-talks-jeddah-000", "Bad ID", "x", String(repeating: "a", count: 130)]),
        Gen.element(of: EventType.allCases.map(\.rawValue) + ["unknown"]),
        zip(Gen.element(of: eventFields), Gen.element(of: values)).array(of: 0...8),
        Gen.bool
    ).map { id, type, fields, nested in
        var text = "  - id: \(id ?? "x")\n    type: \(type ?? "proposal")\n"
        for (field, value) in fields {
            let key = field ?? "note"
            text += key == "set" && nested ? "    set:\n      on: \(value ?? "")\n" : "    \(key): \(value ?? "")\n"
        }
        return Mutation.append(bytes(text))
    }

    /// One to four mutations, applied in order.
    static let mutations: Generator<[Mutation], some SendableSequenceType> = mutation.array(of: 1...4)

    /// Random bytes: uniformly, or mostly the characters YAML is written with.
    /// `count` bytes drawn from `alphabet`, eight to a random word: drawing them one by one
    /// through the generator library is slow in a debug build.
    static func bytes(from alphabet: [UInt8], count: ClosedRange<Int>) -> Generator<[UInt8], Shrink.None<[UInt8]>> {
        Generator { rng in
            let n = Int.random(in: count, using: &rng)
            var out: [UInt8] = []
            out.reserveCapacity(n + 8)
            while out.count < n {
                var word = rng.next()
                for _ in 0..<8 {
                    out.append(alphabet[Int(word & 0xFF) % alphabet.count])
                    word >>= 8
                }
            }
            return Array(out.prefix(n))
        }
    }

    /// Random bytes: uniformly, or mostly the characters YAML is written with.
    static let randomFile: Generator<[UInt8], some SendableSequenceType> = Gen<[UInt8]>.frequency(
        (1, bytes(from: Array(0...255), count: 0...2_048)),
        (2, bytes(from: Array("abc-:[]{},#&*!|>'\"\n  \t?.0123456789".utf8) + [0xC3, 0xA9, 0x00], count: 0...2_048)),
        (2, Gen.element(of: yamlTokens + values + ["events:", "article:", "id:", "type:", "\n  - ", "\n    "])
            .map { $0 ?? "" }.array(of: 0...120).map { bytes($0.joined()) })
    )
}

// MARK: The reader on its own

/// The event-file reader with the curated registries and catalog, reading one file at a time.
struct EventFileReader {
    let registry: Registry
    let articles: [CatalogArticle]
    let directory: TemporaryDirectory
    /// Each article's matcher, by id: to check what the reader accepted.
    let matchers: [String: QuoteMatcher]

    init() throws {
        let scan = Corpus.scan(seeds: Fixtures.seeds, events: Fixtures.events) { _, _ in }
        guard scan.issues.isEmpty else { throw CorpusError(scan.issues) }
        registry = scan.registry
        articles = scan.articles
        directory = try TemporaryDirectory("hostile-events")
        var matchers: [String: QuoteMatcher] = [:]
        for article in scan.articles {
            matchers[article.article.id] = QuoteMatcher(article: try String(contentsOfFile: article.path, encoding: .utf8))
        }
        self.matchers = matchers
    }

    /// The events read and the problems found; the file is shown as `events/<name>`.
    func read(_ bytes: [UInt8], name: String = "hostile.yaml") throws -> (events: [SourceEvent], issues: [CorpusIssue]) {
        let path = directory.appending(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let diagnostics = Diagnostics()
        var parser = EventFileParser(registry: registry, articles: CatalogIndex(articles), refusedArticles: [])
        var reader = EventReader(diagnostics: diagnostics)
        var events: [SourceEvent] = []
        reader.merge(parser.parse(path: path, shownAs: "events/" + name)) { event, _ in events.append(event) }
        _ = reader.checkTargets()
        return (events, diagnostics.issues)
    }

    var curatedFiles: [(name: String, bytes: [UInt8])] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.events)) ?? [])
            .filter { $0.hasSuffix(".yaml") && !Corpus.registryFiles.contains($0) }.sorted()
        return names.compactMap { name in
            FileManager.default.contents(atPath: Fixtures.events + "/" + name).map { (name, [UInt8]($0)) }
        }
    }
}

/// Problems that concern the whole file, so name no line.
let wholeFileProblems: Set<String> = ["the file is empty", "the file holds no YAML document", "cannot read the file", "no such file"]

/// Checks that each problem is one clear line naming `file` and, unless it concerns the whole
/// file, a line of it.
func expectClear(_ issues: [CorpusIssue], file: String, lines: Int, _ c: Hostile.Case,
                 sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for issue in issues where issue.file != file {
        Issue.record("\(c): a problem in \(issue.file), not \(file): \(issue.description.prefix(300))", sourceLocation: sourceLocation)
    }
    expectClear(issues, lines: [file: lines], c, sourceLocation: sourceLocation)
}

/// Checks that each problem is one clear line naming its file and, unless it concerns the whole
/// file, a line of it (within the file's number of lines, when `lines` has it).
func expectClear(_ issues: [CorpusIssue], lines: [String: Int], _ c: Hostile.Case,
                 sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for issue in issues {
        let text = issue.description
        // A file the corpus names (a catalog's `file:`) may be none of them: its lines are not known.
        let count = lines[issue.file] ?? Int.max - 1
        #expect(!issue.file.isEmpty, "\(c)", sourceLocation: sourceLocation)
        #expect(text.hasPrefix(issue.file), "\(c): \(text)", sourceLocation: sourceLocation)
        #expect(!issue.problem.isEmpty, "\(c)", sourceLocation: sourceLocation)
        #expect(!text.contains("\n") && !text.contains("\r"), "\(c): a message on more than one line: \(text.prefix(300).debugDescription)",
                sourceLocation: sourceLocation)
        #expect(text.count <= 1_500, "\(c): a message of \(text.count) characters: \(text.prefix(300))", sourceLocation: sourceLocation)
        if let line = issue.line {
            #expect((1...(count + 1)).contains(line), "\(c): line \(line) of a file of \(count) lines: \(text)", sourceLocation: sourceLocation)
        } else {
            #expect(wholeFileProblems.contains(issue.problem), "\(c): no line: \(text)", sourceLocation: sourceLocation)
        }
    }
}

/// Each file of a corpus's `seeds` and `events` folders, with its number of lines.
func corpusLines(seeds: String, events: String) -> [String: Int] {
    var lines: [String: Int] = [:]
    for folder in [seeds, events] {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = (folder as NSString).appendingPathComponent(name)
            lines[path] = FileManager.default.contents(atPath: path).map { lineCount([UInt8]($0)) } ?? 1
        }
    }
    return lines
}

/// The most lines the file can have: libyaml also breaks lines at a lone CR, U+0085, U+2028
/// and U+2029.
func lineCount(_ bytes: [UInt8]) -> Int {
    bytes.withUnsafeBufferPointer { b in
        var lines = 1
        var i = 0
        while i < b.count {
            switch b[i] {
            case 0x0A, 0x0D: lines += 1
            case 0x85 where i > 0 && b[i - 1] == 0xC2: lines += 1
            case 0xA8 where i > 1 && b[i - 1] == 0x80 && b[i - 2] == 0xE2, 0xA9 where i > 1 && b[i - 1] == 0x80 && b[i - 2] == 0xE2:
                lines += 1
            default: break
            }
            i += 1
        }
        return lines
    }
}
