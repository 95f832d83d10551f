import Foundation
@testable import Negotiation
@testable import Corpus
import PropertyBased
@testable import Store
import Synthetic
import TestSupport
import Testing

/// The streaming scan's shortcuts against the plain ways they replace: compact events against
/// whole ones, reading a file straight into an array against `FileManager`, checking UTF-8 in
/// place against `String(validating:)`, the byte-wise normal form against one built scalar by
/// scalar, a quote looked for as it is against one looked for in the normal forms.
@Suite("Scan shortcuts agree with the plain ways")
struct ScanShortcutTests {
    /// The fixture corpus and a synthetic one with corrections and retractions.
    static func corpora() throws -> (directory: TemporaryDirectory, [(seeds: String, events: String)]) {
        let directory = try TemporaryDirectory("scan-shortcuts")
        _ = try SyntheticCorpus(events: 1_000, seed: 11).write(to: directory.path)
        return (directory, [(Fixtures.seeds, Fixtures.events), (directory.appending("seeds"), directory.appending("events"))])
    }

    @Test func compactEventsCarryWhatWholeEventsGive() throws {
        let (directory, corpora) = try Self.corpora()
        _ = directory
        for (seeds, events) in corpora {
            var whole: [(event: SourceEvent, payload: [UInt8])] = []
            let wholeScan = Corpus.scan(seeds: seeds, events: events) { whole.append(($0, $1)) }
            var compact: [ScannedEvent] = []
            let compactScan = Corpus.scan(seeds: seeds, events: events, keepingEvents: false) { compact.append($0) }
            var kept: [ScannedEvent] = []
            _ = Corpus.scan(seeds: seeds, events: events, keepingEvents: true) { kept.append($0) }
            #expect(wholeScan.issues.isEmpty && compactScan.issues.isEmpty)
            #expect(wholeScan.unresolvedTargets.map(\.target) == compactScan.unresolvedTargets.map(\.target))
            #expect(compact.count == whole.count && kept.count == whole.count && !whole.isEmpty)
            for ((item, keptItem), source) in zip(zip(compact, kept), whole) {
                #expect(item.event == nil)
                #expect(keptItem.event == source.event.event)
                #expect(item.id == source.event.event.id && item.type == source.event.event.type)
                #expect(item.location == source.event.location)
                #expect(item.payload == source.payload && item.payload == LogRecord.event(source.event.event).encoded())
                #expect(item.fold == FoldRecord.indexing(source.event.event))
            }
            #expect(whole.contains { $0.event.event.type.isRecordFix } || seeds == Fixtures.seeds)
        }
    }

    @Test func aCompactScanFindsTheSameProblems() throws {
        let directory = try TemporaryDirectory("scan-shortcuts-bad")
        _ = try SyntheticCorpus(events: 1_000, seed: 5).write(to: directory.path)
        // A duplicate id with other content, an unknown fix target and a quote not in its article.
        let file = directory.appending("events/zz-bad.yaml")
        let first = try #require(FileManager.default.contentsOfDirectory(atPath: directory.appending("events"))
            .filter { $0.hasPrefix("synth-") }.sorted().first)
        let text = try String(contentsOfFile: directory.appending("events/" + first), encoding: .utf8)
        let id = try #require(text.split(separator: "\n").first { $0.contains("- id: ") }?.split(separator: " ").last)
        try """
            events:
              - id: \(id)
                type: meeting
                on: 2020-01-01
                actor: PA
                article: s5-a0
                quote: "not in the article at all"
              - id: fix-1
                type: retraction
                retracts: nowhere
                reason: test
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let whole = Corpus.scan(seeds: directory.appending("seeds"), events: directory.appending("events")) { _, _ in }
        let compact = Corpus.scan(seeds: directory.appending("seeds"), events: directory.appending("events"), keepingEvents: false) { _ in }
        #expect(!whole.issues.isEmpty)
        #expect(whole.issues == compact.issues)
        #expect(whole.unresolvedTargets.map(\.target) == ["nowhere"] && compact.unresolvedTargets.map(\.target) == ["nowhere"])
    }

    /// Fields are looked up in the mapping itself, most absent ones by a mask: a repeated field
    /// keeps its first value, unknown and non-text keys are reported and never read, and a name
    /// sharing its mask bit with one present (`note` and `retracts`) is still absent.
    @Test func fieldsAreReadAsTheMappingGivesThem() throws {
        let directory = try TemporaryDirectory("scan-shortcuts-fields")
        _ = try SyntheticCorpus(events: 1_000, seed: 5).write(to: directory.path)
        let article = try String(contentsOfFile: directory.appending("seeds/s5-a0.txt"), encoding: .utf8)
        let quote = String(try #require(article.split(separator: ".").first))
        try """
            events:
              - id: fields-1
                type: meeting
                tracks: [synth-01]
                on: 2000-01-01
                actor: PA
                counterparts: [PB]
                note: a note
                actor: PZ
                colour: red
                [x]: y
                article: s5-a0
                quote: "\(quote)"
            """.write(toFile: directory.appending("events/zz-fields.yaml"), atomically: true, encoding: .utf8)
        var read: [SourceEvent] = []
        let scan = Corpus.scan(seeds: directory.appending("seeds"), events: directory.appending("events")) { event, _ in
            if event.event.id == "fields-1" { read.append(event) }
        }
        let found = scan.issues.map { "\($0.line ?? 0) \($0.field ?? "") \($0.problem)" }
        #expect(found == [
            "9 events[0].actor the field is given twice",
            "10 events[0].colour unknown field 'colour'",
            "11 events[0] a key is a list",
        ])
        #expect(scan.issues.allSatisfy { $0.file.hasSuffix("zz-fields.yaml") })
        let event = try #require(read.first?.event)
        #expect(read.count == 1)
        #expect(event.actor == "PA" && event.counterparts == ["PB"] && event.note == "a note" && event.retracts == nil)
        #expect(event.tracks == ["synth-01"] && event.article == "s5-a0" && event.quote == quote)
    }

    /// `Fields` finds a name among the keys of its code only (a byte a key, for the first 16):
    /// over random mappings of up to 24 keys, allowed and unknown names among them, some of
    /// the latter sharing a code with the former, what it reads and reports must be what a
    /// plain search of the keys gives.
    @Test func fieldsFindByCodeWhatAPlainSearchFinds() {
        let allowed = EventFileParser.eventFields
        // Unknown names: four of the same length and first letter as an allowed one (the same
        // code: trucks, nope, quota, actin), and others.
        let unknown = ["trucks", "nope", "quota", "actin", "idx", "o", "", "counterpartsz", "placed", "Type"]
        let names = allowed + unknown
        let key = Gen<YAMLNode>.frequency(
            (12, Gen.element(of: names).map { .scalar($0 ?? "id", line: 1) }),
            (1, Gen.always(YAMLNode.sequence([], line: 1))))
        Hostile.check(3_000, key.array(of: 0...24), salt: 0xF1E1D5) { keys, c in
            let mapping = keys.enumerated().map { (key: $0.element, value: YAMLNode.scalar("v\($0.offset)", line: $0.offset + 2)) }
            let diagnostics = Diagnostics()
            guard let fields = Fields(.mapping(mapping, line: 1), file: "f", path: "p", allowed: FieldNames(allowed), diagnostics: diagnostics) else {
                Issue.record("\(c): a mapping was refused")
                return
            }
            var expected: [String] = []
            for (i, entry) in mapping.enumerated() {
                guard case .scalar(let name, _) = entry.key else {
                    expected.append("p a key is a list")
                    continue
                }
                let earlier = mapping[..<i].contains { if case .scalar(name, _) = $0.key { true } else { false } }
                if !allowed.contains(name) {
                    expected.append("p.\(quoted(name, mark: "")) unknown field \(quoted(name))")
                } else if earlier {
                    expected.append("p.\(name) the field is given twice")
                }
            }
            #expect(diagnostics.issues.map { "\($0.field ?? "") \($0.problem)" } == expected, "\(c)")
            for name in names {
                let first = mapping.first { if case .scalar(name, _) = $0.key { true } else { false } }
                let want = allowed.contains(name) ? first?.value : nil
                #expect(describe(fields.node(name) ?? .scalar("none", line: 0)) == describe(want ?? .scalar("none", line: 0)), "\(c): \(name)")
                #expect(fields.has(name) == (want != nil), "\(c): \(name)")
            }
        }
    }

    @Test func filesAreReadAsFileManagerReadsThem() throws {
        let directory = try TemporaryDirectory("scan-shortcuts-files")
        let empty = directory.appending("empty")
        let large = directory.appending("large")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let bytes = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: large))
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.events).map { Fixtures.events + "/" + $0 }
        for path in names + [empty, large] {
            #expect(readFileBytes(atPath: path) == FileManager.default.contents(atPath: path).map { [UInt8]($0) }, "\(path)")
        }
        #expect(readFileBytes(atPath: large) == bytes)
        #expect(readFileBytes(atPath: directory.appending("missing")) == nil)
        #expect(readFileBytes(atPath: directory.path) == nil)
        // One array read into again and again, as a worker reads event files: each read holds
        // exactly its file, after a larger one, a smaller one, an empty one and a failed one.
        var reused: [UInt8] = []
        for path in [large] + names + [empty, directory.appending("missing"), large] + names.reversed() {
            let expected = FileManager.default.contents(atPath: path).map { [UInt8]($0) }
            #expect((readFileBytes(atPath: path, into: &reused) == nil) == (expected != nil), "\(path)")
            if let expected { #expect(reused == expected, "\(path)") }
        }
    }

    @Test func utf8IsCheckedAsStringsCheckIt() {
        let tricky: [[UInt8]] = [[], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x80], [0xF0, 0x9F, 0x95, 0x8A],
                                 [0xC3, 0xA9], [0x80], [0xFF], [0xEF, 0xBB, 0xBF], [0xE0, 0x9F, 0xBF]]
        for bytes in tricky {
            #expect(isValidUTF8(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
        let byte = Gen<UInt8>.frequency((3, Gen<UInt8>.value(in: 0x20...0x7E)), (4, Gen<UInt8>.value(in: 0x80...0xFF)), (1, Gen<UInt8>.value(in: 0...0x1F)))
        Hostile.check(5_000, byte.array(of: 0...40)) { bytes, c in
            #expect(isValidUTF8(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(c): \(bytes)")
        }
        // Long ASCII runs (read eight bytes at a time) around valid and invalid sequences, at
        // every offset from the start of a word.
        let piece = Gen<[UInt8]>.frequency(
            (6, Gen.int(in: 1...24).map { [UInt8](repeating: UInt8(ascii: "a"), count: $0) }),
            (4, Gen.element(of: ["é", "’", "🙂", "ж", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}"]).map { Array(($0 ?? "é").utf8) }),
            (1, Gen.element(of: HostileGen.invalidUTF8).map { $0 ?? [0xFF] }))
        Hostile.check(5_000, piece.array(of: 0...12), salt: 0x0DF8) { pieces, c in
            let bytes = Array(pieces.joined())
            #expect(isValidUTF8(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(c): \(bytes)")
        }
    }

    /// The normal form as the matcher's documentation states it, scalar by scalar.
    static func plainNormalForm(_ text: String) -> String {
        let spaces: Set<UInt32> = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if spaces.contains(scalar.value) || (0x2000...0x200A).contains(scalar.value) {
                pendingSpace = true
                continue
            }
            if pendingSpace, !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(scalar == "\u{2019}" ? "'" : scalar)
        }
        return String(out)
    }

    @Test func theNormalFormIsTheDocumentedOne() {
        let pieces: [String] = ["a", "é", "e\u{0301}", " ", "\t", "\n", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2005}", "\u{200A}",
                                "\u{200B}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{2026}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}",
                                "\u{3000}", "\u{3001}", "ж", "漢", "🙂", "\u{E1}", "\u{1E9B}\u{0323}", "'", "x"]
        let text = Gen.element(of: pieces).map { $0 ?? "a" }.array(of: 0...50).map { $0.joined() }
        Hostile.check(5_000, text) { text, c in
            #expect(QuoteMatcher.normalize(text) == Self.plainNormalForm(text), "\(c): \(text.debugDescription)")
        }
    }

    /// The word-wise test for text that is its own normal form, which then skips normalising:
    /// it must never say so of text that is not, and must say so of plain prose.
    @Test func textTakenAsItsOwnNormalFormIs() {
        let pieces: [String] = ["a", "é", "Z", ",", "-", " ", "\u{200B}", "  ", "\t", "\n", "\u{85}", "\u{A0}", "\u{1680}", "\u{2005}", "\u{2019}",
                                "\u{202F}", "\u{3000}", "\u{800}", "«", "ж", "🙂", "\u{1}", "abcdefg", "dépêche ", "x"]
        // Mostly pieces of plain prose, so that many texts pass the test and are checked.
        let plain = ["a", "é", "Z", ",", "-", " ", "abcdefg", "dépêche ", "x"]
        let piece = Gen<String>.frequency((12, Gen.element(of: plain).map { $0 ?? "a" }), (1, Gen.element(of: pieces).map { $0 ?? "a" }))
        let text = piece.array(of: 0...40).map { $0.joined() }
        var taken = 0
        Hostile.check(10_000, text, salt: 0x0F0F) { text, c in
            var copy = text
            let own = copy.withUTF8(QuoteMatcher.isOwnNormalForm)
            if own {
                taken += 1
                #expect(Self.plainNormalForm(text) == text, "\(c): \(text.debugDescription)")
            }
        }
        #expect(taken > 2_000)
        for prose in ["Selon la dépêche s42-e1000, maritime discussions ministre réunion.", "a b", "x", "abcdefgh ijklmnop qrstuvwx yz"] {
            var copy = prose
            let own = copy.withUTF8(QuoteMatcher.isOwnNormalForm)
            #expect(own, "\(prose)")
        }
        for notOwn in [" a", "a ", "a  b", "abcdefg  h", "abcdefgh  ijklmnop", "abcdefg \u{A0}x", "l\u{2019}accord", "a\tb", "abcdefgh\nijklmnop"] {
            var copy = notOwn
            let own = copy.withUTF8(QuoteMatcher.isOwnNormalForm)
            #expect(!own, "\(notOwn.debugDescription)")
        }
    }

    /// Pieces whose neighbours change them: combining marks alone or after a letter, Hangul
    /// jamo that compose, spaces and apostrophes that normalise.
    static let joiningPieces: [String] = ["a", "e", " ", "é", "\u{0301}", "\u{0323}", "\u{1100}", "\u{1161}", "\u{A0}", "\u{2019}", "'", "\n", "ж"]

    @Test func aQuoteFoundAsItIsIsFoundWhereTheNormalFormsSayIt() {
        let text = Gen.element(of: Self.joiningPieces).map { $0 ?? "a" }
        Hostile.check(6_000, zip(text.array(of: 0...40), text.array(of: 0...6))) { input, c in
            let article = input.0.joined(), quote = input.1.joined()
            let haystack = Array(QuoteMatcher.normalize(article).utf8), needle = Array(QuoteMatcher.normalize(quote).utf8)
            let expected = !needle.isEmpty && haystack.firstRange(of: needle) != nil
            let search = QuoteSearch(article: Array(article.utf8))
            #expect(search.contains(quote) == expected, "\(c): \(quote.debugDescription) in \(article.debugDescription)")
            // Asked again, now that the article may have been normalised.
            #expect(search.contains(quote) == expected, "\(c), again")
        }
    }

    @Test func aQuoteWhoseLastLetterTheArticleCombinesIsNotFound() {
        // "cafe" is in the bytes, but the article's normal form has "café".
        let search = QuoteSearch(article: Array("un cafe\u{0301} noir".utf8))
        #expect(!search.contains("cafe"))
        #expect(search.contains("café noir"))
        #expect(search.contains("noir"))
        // A jamo pair composes into one syllable: its first half is not in the normal form.
        #expect(!QuoteSearch(article: Array("x \u{1100}\u{1161}".utf8)).contains("x \u{1100}"))
    }
}
