import Foundation
@testable import Corpus
import Negotiation
import PropertyBased
import Synthetic
import TestSupport
import Testing

/// ``YAMLShortcut`` against libyaml: whatever the shortcut reads, libyaml reads to the same tree,
/// texts and lines included; whatever else it leaves to libyaml. The corpora's files must be
/// read by the shortcut, or it would speed nothing up.
@Suite("The YAML shortcut reads files as libyaml does, or leaves them to it")
struct YAMLShortcutTests {
    /// A tree written out whole, lines included, so that two trees are equal when their texts are.
    static func render(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let text, let line): "\(line):\(text.debugDescription)"
        case .mapping(let pairs, let line): "\(line){" + pairs.map { render($0.key) + " => " + render($0.value) }.joined(separator: ", ") + "}"
        case .sequence(let items, let line): "\(line)[" + items.map(render).joined(separator: ", ") + "]"
        }
    }

    /// Whether the shortcut read `bytes`; when it did, libyaml must have read them the same way.
    @discardableResult
    static func compare(_ bytes: [UInt8], _ what: @autoclosure () -> String) -> Bool {
        guard let shortcut = bytes.withUnsafeBufferPointer(YAMLShortcut.read) else { return false }
        do {
            let libyaml = try YAMLNode.parseWithLibYAML(bytes)
            #expect(libyaml.map(render) == render(shortcut), "\(what()): \(String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription)")
        } catch {
            Issue.record("\(what()): the shortcut read what libyaml refuses (line \(error.line ?? 0): \(error.problem)): \(String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription)")
        }
        return true
    }

    static func yamlFiles(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
    }

    @Test func theCorporasEventFilesAreReadByTheShortcutAsLibYAMLReadsThem() throws {
        let directory = try TemporaryDirectory("yaml-shortcut")
        _ = try SyntheticCorpus(events: 2_000, seed: 5).write(to: directory.path)
        let registries = ["tracks.yaml", "parties.yaml"]
        let eventFiles = try (Self.yamlFiles(in: Fixtures.events) + Self.yamlFiles(in: directory.appending("events")))
            .filter { path in !registries.contains { path.hasSuffix("/" + $0) } }
        #expect(eventFiles.count >= 7)
        for path in eventFiles {
            let bytes = try #require(FileManager.default.contents(atPath: path).map(Array.init))
            let read = Self.compare(bytes, path)
            #expect(read, "\(path) was left to libyaml")
        }
        // The other files (parties.yaml has flow lists over several lines): read alike when the
        // shortcut reads them.
        for path in try registries.map({ Fixtures.events + "/" + $0 }) + Self.yamlFiles(in: Fixtures.events + "/lexicons")
            + [Fixtures.seeds + "/catalog.yaml"] {
            let bytes = try #require(FileManager.default.contents(atPath: path).map(Array.init))
            Self.compare(bytes, path)
        }
    }

    @Test func generatedDocumentsAreReadAsLibYAMLReadsThemOrLeftToIt() {
        var read = 0
        let count = 4_000
        for index in 0..<count {
            var writer = DocumentWriter(rng: Hostile.randomness(Hostile.seed, UInt64(index), 0x5A11))
            let bytes = Array(writer.document().utf8)
            if Self.compare(bytes, "case \(index) of seed \(Hostile.seed)") { read += 1 }
        }
        // Both ways are taken often: the cases are neither all plain nor all odd.
        #expect(read > count / 5 && read < count * 4 / 5, "\(read) of \(count) read by the shortcut")
    }

    @Test func mutatedEventFilesAreReadAsLibYAMLReadsThemOrLeftToIt() throws {
        let directory = try TemporaryDirectory("yaml-shortcut-mutations")
        _ = try SyntheticCorpus(events: 60, seed: 9).write(to: directory.path)
        let files = try (Self.yamlFiles(in: Fixtures.events) + Self.yamlFiles(in: directory.appending("events"))).map {
            try #require(FileManager.default.contents(atPath: $0).map(Array.init))
        }
        var read = 0
        Hostile.check(3_000, zip(Gen.int(in: 0...1_000), HostileGen.mutations), salt: 0x5A12) { input, c in
            var bytes = files[input.0 % files.count]
            for m in input.1 { m.apply(to: &bytes) }
            if Self.compare(bytes, "\(c), \(input.1)") { read += 1 }
        }
        #expect(read > 300, "\(read) mutated files read by the shortcut")
    }

    /// Each piece of the usual shape, which the shortcut must go on reading (a change that
    /// declined one would only show as a slower ingest).
    @Test(arguments: [
        "a: b\n",
        "a: b",
        "# comment\n\na: b   # after a value\n  # indented comment\nc: 'it''s'\n",
        "a: \"say \\\"no\\\" \\\\ a\\/b\\nc\\td\"\n",
        "a: \"\"\nb: ''\nc: []\nd: {}\ne: [ ]\n",
        "events:\n- id: x\n  tracks:\n  - a\n  - b\n  on: 2025-03\n- id: y\n",
        "events:\n  - id: x\n    set:\n      on: 2025-03-11..2025-03-14\n      quote: \"«\u{00A0}là\u{00A0}» ’ 🙂\"\n",
        "a: [x, \"y, z\", 'w', {label: l'aide, fr: \"é\"}]\nb: {k: v w, k2: \"q\"}\n",
        "a: value with [brackets], commas, {braces} and a#hash\nb: ~\nc: null\nd: 2025-03-11\n",
        "key-with.dots_and-dashes: 1\n9: nine\n",
    ])
    func theUsualShapeIsReadByTheShortcut(_ text: String) {
        let read = Self.compare(Array(text.utf8), text.debugDescription)
        #expect(read, "\(text.debugDescription) was left to libyaml")
    }

    @Test func eightBytesAtATimeAgreeWithOneAtATime() {
        func plain(_ b: UInt8) -> Bool { b == 0x0A || (0x20...0x7E).contains(b) }
        func word(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
        for value in UInt8.min...UInt8.max {
            for place in 0..<8 {
                for filler in [UInt8(ascii: "a"), 0x0A, 0x20, 0x7E] {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[place] = value
                    #expect(YAMLShortcut.isPlainASCII(word(bytes)) == plain(value), "0x\(String(value, radix: 16)) at \(place) among 0x\(String(filler, radix: 16))")
                }
            }
        }
        var rng = Hostile.randomness(Hostile.seed, 0x5A13)
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in UInt8.random(in: 0...0x90, using: &rng) }
            #expect(YAMLShortcut.isPlainASCII(word(bytes)) == bytes.allSatisfy(plain), "\(bytes)")
        }
        // Where a double-quoted scalar's plain run stops.
        func stops(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b == 0x0A }
        for value in UInt8.min...UInt8.max {
            for place in 0..<8 {
                for filler in [UInt8(ascii: "a"), 0x00, 0x21, 0x5B, 0x5D, 0x0B, 0xFF] {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[place] = value
                    #expect(YAMLShortcut.continuesDoubleQuoted(word(bytes)) == !stops(value), "0x\(String(value, radix: 16)) at \(place) among 0x\(String(filler, radix: 16))")
                }
            }
        }
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in [0x22, 0x5C, 0x0A, 0x23, 0x5D, 0x09][Int.random(in: 0..<6, using: &rng)] ^ (Bool.random(using: &rng) ? 0 : UInt8.random(in: 0...0xFF, using: &rng)) }
            #expect(YAMLShortcut.continuesDoubleQuoted(word(bytes)) == !bytes.contains(where: stops), "\(bytes)")
        }
    }

    @Test func whatTheShortcutLeavesToLibYAMLIsStillReadOrRefusedByIt() throws {
        // Shapes the shortcut declines, read through `YAMLNode.parse` as every file is.
        let cases: [(text: String, reads: Bool)] = [
            ("a: |\n  block\n", true),
            ("a: b\n  c\n", true),
            ("a:\n", true),
            ("- a\n", true),
            ("a: \"x\n  y\"\n", true),
            ("a: [b,\n  c]\n", true),
            ("a:\tb\n", true),
            ("a: b\r\nc: d\r\n", true),
            ("\u{FEFF}a: b\n", true),
            ("a: &x b\nc: *x\n", false),
            ("a: b: c\n", false),
            ("a: \"b\" c\n", false),
        ]
        for (text, reads) in cases {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer(YAMLShortcut.read) == nil, "\(text.debugDescription)")
            let parsed = Result { () throws(YAMLNode.SyntaxError) in try YAMLNode.parse(bytes) }
            let libyaml = Result { () throws(YAMLNode.SyntaxError) in try YAMLNode.parseWithLibYAML(bytes) }
            let wasRead = (try? parsed.get()) != nil
            #expect(wasRead == reads, "\(text.debugDescription)")
            #expect((try? parsed.get()).flatMap { $0 }.map(Self.render) == (try? libyaml.get()).flatMap { $0 }.map(Self.render))
        }
    }
}

/// Writes YAML documents of the shape event files have, with odd pieces mixed in: indents off
/// by one, comments, empty values, quotes, escapes and the characters libyaml treats apart.
struct DocumentWriter {
    var rng: Xoshiro
    private var lines: [String] = []

    init(rng: Xoshiro) {
        self.rng = rng
    }

    static let keys = ["id", "type", "tracks", "on", "a", "b-c", "x.y", "_k", "9", "no", "quote", "set"]
    static let oddKeys = ["key with space", "\"q\"", "'q'", "k#", "-k", "?k", "k:", String(repeating: "k", count: 1_100)]
    static let words = [
        "word", "two words", "2025-03-11", "UA", "truce-30-day/us-jeddah", "é", "«», ’", "Djeddah", "12", "~", "null",
        "a,b", "a, b", "x]", "y}", "c[", "d{", "a#b", "a:b", "https://x.org/a", "l'aide", "\u{00A0}", "🙂", "\u{2019}",
    ]
    static let odd = [
        ": ", ":", " #c", "#", "\"", "'", "''", "\\", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\x41", "\\u00e9", "\\ ", "-", "- ",
        "? ", "&a", "*a", "!t ", "|", ">", "%", "@", "`", "[", "]", "{", "}", ",", "\t", "\r", "\u{0085}", "\u{2028}",
        "\u{FEFF}", "\u{7F}", "\u{1}", "  ", "e\u{0301}",
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func text(quotes: Bool) -> String {
        var pieces: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            pieces.append(chance(12) ? pick(Self.odd) : pick(Self.words))
        }
        var text = pieces.joined(separator: chance(50) ? " " : "")
        if quotes { text = text.replacingOccurrences(of: "\"", with: chance(50) ? "\\\"" : "'") }
        return text
    }

    mutating func scalar(flow: Bool) -> String {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...4: text(quotes: false)
        case 5...7: "\"" + text(quotes: true) + "\""
        case 8: "'" + text(quotes: false).replacingOccurrences(of: "'", with: chance(80) ? "''" : "'") + "'"
        default: flow ? text(quotes: false) : pick(HostileGen.values)
        }
    }

    mutating func inline() -> String {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...5: return scalar(flow: false)
        case 6...7:
            let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in chance(15) ? "{" + pick(Self.keys) + ": " + scalar(flow: true) + "}" : scalar(flow: true) }
            return "[" + items.joined(separator: chance(80) ? ", " : ",") + (chance(5) ? ",]" : "]")
        default:
            let pairs = (0..<Int.random(in: 0...3, using: &rng)).map { _ in pick(Self.keys) + (chance(90) ? ": " : ":") + scalar(flow: true) }
            return "{" + pairs.joined(separator: ", ") + "}"
        }
    }

    mutating func key() -> String { chance(4) ? pick(Self.oddKeys) : pick(Self.keys) }

    mutating func comment(_ indent: Int) -> String? {
        switch Int.random(in: 0..<30, using: &rng) {
        case 0: ""
        case 1: String(repeating: " ", count: Int.random(in: 0...6, using: &rng)) + "# note: x"
        case 2: String(repeating: " ", count: indent + 1)
        default: nil
        }
    }

    /// A little off, now and then: an indent one space out.
    mutating func shifted(_ indent: Int) -> Int { chance(3) ? max(0, indent + pick([-1, 1])) : indent }

    mutating func mapping(indent: Int, depth: Int, firstLinePrefix: String? = nil) {
        for index in 0..<Int.random(in: 1...5, using: &rng) {
            if let line = comment(indent) { lines.append(line) }
            let lead = index == 0 ? firstLinePrefix ?? String(repeating: " ", count: indent)
                                  : String(repeating: " ", count: shifted(indent))
            let k = key()
            switch Int.random(in: 0..<10, using: &rng) {
            case 0 where depth < 5:
                lines.append(lead + k + ":" + (chance(20) ? " # c" : ""))
                mapping(indent: indent + pick([1, 2, 2, 4]), depth: depth + 1)
            case 1 where depth < 5:
                lines.append(lead + k + ":")
                sequence(indent: indent + pick([0, 0, 2, 4]), depth: depth + 1)
            case 2 where chance(20):
                lines.append(lead + k + ":")
            default:
                lines.append(lead + k + ": " + inline() + (chance(10) ? "  # c" : "") + (chance(5) ? "  " : ""))
                if chance(3) { lines.append(String(repeating: " ", count: indent + 2) + text(quotes: false)) }
            }
        }
    }

    mutating func sequence(indent: Int, depth: Int) {
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            if let line = comment(indent) { lines.append(line) }
            let lead = String(repeating: " ", count: shifted(indent)) + (chance(95) ? "- " : chance(50) ? "-" : "-  ")
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...4 where depth < 5:
                mapping(indent: lead.count, depth: depth + 1, firstLinePrefix: lead)
            case 5 where chance(20):
                lines.append(lead + "- " + scalar(flow: false))
            default:
                lines.append(lead + inline())
            }
        }
    }

    mutating func document() -> String {
        lines = chance(10) ? ["# Events, generated."] : []
        if chance(3) { lines.append(pick(["---", "%YAML 1.1\n---", "- a"])) }
        mapping(indent: 0, depth: 1)
        if chance(5) { lines.append(pick(["...", "---", "- x", "  y"])) }
        return lines.joined(separator: "\n") + (chance(90) ? "\n" : "")
    }
}
