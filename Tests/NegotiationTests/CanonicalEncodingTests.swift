import Foundation
@testable import Negotiation
@testable import Corpus
import TestSupport
import Testing

@Suite("Canonical encoding")
struct CanonicalEncodingTests {
    func sample() throws -> Event {
        var event = Event(id: "ru-conditions-000", type: .acceptance)
        event.tracks = ["truce-30-day"]
        event.on = try ValidTime(parsing: "2025-03-13")
        event.actor = "RU"
        event.counterparts = ["US"]
        event.proposal = "truce-30-day/us-jeddah"
        event.conditions = [Term(label: "Ukraine stops mobilising", words: ["fr": "cesse de mobiliser des troupes"])]
        event.article = "000_a1eb357bfc15af74"
        event.quote = "Moscou/Kremlin « prêt »"
        return event
    }

    @Test func anEventHasTheseExactBytes() throws {
        let bytes = LogRecord.event(try sample()).encoded()
        let expected = #"{"actor":"RU","article":"000_a1eb357bfc15af74","conditions":[{"fr":"cesse de mobiliser des troupes","label":"Ukraine stops mobilising"}],"counterparts":["US"],"id":"ru-conditions-000","kind":"event","on":"2025-03-13","proposal":"truce-30-day/us-jeddah","quote":"Moscou/Kremlin « prêt »","tracks":["truce-30-day"],"type":"acceptance"}"#
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func recordsDecodeToWhatWasEncoded() throws {
        var correction = Event(id: "fix", type: .correction)
        correction.corrects = "ru-conditions-000"
        var changes = EventChanges()
        changes.on = try ValidTime(parsing: "2025-03")
        changes.counterparts = []
        changes.planned = false
        correction.changes = changes
        correction.reason = "month only"
        for record in [LogRecord.event(try sample()), .event(correction)] {
            #expect(try LogRecord.decode(record.encoded()) == record)
        }
        let article = Article(id: "a", outlet: "o", title: "t", language: "fr", published: try #require(Day(iso: "2025-03-15")),
                              precision: .withinDays(1), sha256: String(repeating: "0", count: 64),
                              url: "https://example.org/a", retrieved: try #require(Day(iso: "2026-12-07")))
        #expect(try LogRecord.decode(LogRecord.article(article).encoded()) == .article(article))
    }
}

@Suite("The fast canonical writer and reader")
struct FastCodecTests {
    static let texts = ["plain", "« guillemets » et l’apostrophe", "slash/back\\slash \"quoted\"", "tab\tnew\nline\r\u{08}\u{0C}\u{01}\u{1F}\u{7F}",
                        "emoji 🕊️ and 中文", "\u{2028}\u{2029}", ""]

    func records() throws -> [LogRecord] {
        let corpus = try Corpus.load(seeds: TestSupport.Fixtures.seeds, events: TestSupport.Fixtures.events)
        var records: [LogRecord] = [.registry(corpus.registry)]
        records += corpus.articles.map { .article($0.article) }
        records += corpus.events.map { .event($0.event) }
        var generator = SystemRandomNumberGenerator()
        for i in 0..<300 {
            let pick = { Self.texts.randomElement(using: &generator) ?? "" }
            var e = Event(id: "e\(i)", type: EventType.allCases.randomElement(using: &generator) ?? .meeting)
            e.tracks = Bool.random(using: &generator) ? [pick(), pick()] : []
            e.on = Bool.random(using: &generator) ? try ValidTime(parsing: "2025-03-01..2025-03-09") : nil
            e.actor = Bool.random(using: &generator) ? pick() : nil
            e.conditions = Bool.random(using: &generator) ? [Term(label: pick(), words: ["fr": pick(), "uk": pick(), "de": pick()])] : []
            e.planned = Bool.random(using: &generator)
            e.unconditional = Bool.random(using: &generator)
            e.quote = pick()
            e.note = Bool.random(using: &generator) ? pick() : nil
            // A reviewed draft's provenance.
            e.extractor = Bool.random(using: &generator) ? pick() : nil
            e.confidence = Bool.random(using: &generator) ? "0.\(Int.random(in: 10...99, using: &generator))" : nil
            e.reviewedBy = Bool.random(using: &generator) ? pick() : nil
            // A meeting on no track is general (a record of an older log is read so).
            e.general = e.type == .meeting && e.tracks.isEmpty
            e.format = Bool.random(using: &generator) ? MeetingFormat.allCases.randomElement(using: &generator) : nil
            e.duration = Bool.random(using: &generator) ? Int.random(in: 1...3_653, using: &generator) : nil
            e.starts = Bool.random(using: &generator) ? Day(ordinal: Int.random(in: 18_000...22_000, using: &generator)) : nil
            e.until = Bool.random(using: &generator) ? Day(ordinal: Int.random(in: 18_000...22_000, using: &generator)) : nil
            e.days = Bool.random(using: &generator) ? Int.random(in: 1...365, using: &generator) : nil
            e.of = e.type == .source ? pick() : nil
            e.reason = e.type == .end ? EndReason.allCases.randomElement(using: &generator)?.rawValue : nil
            if Bool.random(using: &generator) {
                var c = EventChanges()
                c.format = Bool.random(using: &generator) ? .video : nil
                c.duration = Bool.random(using: &generator) ? 30 : nil
                c.until = Bool.random(using: &generator) ? Day(ordinal: 20_200) : nil
                c.days = Bool.random(using: &generator) ? 7 : nil
                c.starts = Bool.random(using: &generator) ? Day(ordinal: 20_100) : nil
                c.counterparts = []
                c.planned = false
                c.quote = pick()
                c.terms = [Term(label: pick())]
                e.changes = c
            }
            records.append(.event(e))
        }
        return records
    }

    @Test func theWriterProducesJSONEncodersBytes() throws {
        for record in try records() {
            #expect(record.encoded() == (try record.referenceEncoded()), "\(record)")
        }
    }

    @Test func theReaderReadsBackWhatWasWritten() throws {
        for record in try records() {
            #expect(try LogRecord.decode(record.encoded()) == record)
        }
    }

    /// Verify reads an article's id and digest past its other fields: it must read what the
    /// whole decode reads, and refuse what it refuses.
    @Test func anArticlesTextIsReadAsTheWholeDecodeReadsIt() throws {
        for record in try records() {
            let fast = try record.encoded().withUnsafeBytes { try LogRecord.articleText($0) }
            if case .article(let article) = record {
                #expect(fast?.id == article.id)
                #expect(fast?.sha256 == article.sha256)
            } else {
                #expect(fast == nil)
            }
        }
        let read: [(String, (id: String, sha256: String)?)] = [
            (#" { "title" : "a \"b\" {c}" , "kind":"article", "n": [1, {"x": null}], "id":"x\u0031", "sha256":"ab", "t": true, "f": -1.5e3 } "#, ("x1", "ab")),
            (#"{"kind":"article","id":"a","id":"b","sha256":"c"}"#, ("b", "c")),
            (#"{"k\u0069nd":"article","id":"a","sha256":"c"}"#, ("a", "c")),
            (#"{"kind":"event","id":"a"}"#, nil),
        ]
        for (text, expected) in read {
            let fast = try Array(text.utf8).withUnsafeBytes { try LogRecord.articleText($0) }
            #expect(fast?.id == expected?.id, "\(text)")
            #expect(fast?.sha256 == expected?.sha256, "\(text)")
        }
        for text in ["", "[]", "{}", #"{"kind":"article","id":"a"}"#, #"{"kind":"article","id":1,"sha256":"c"}"#,
                     #"{"kind":"article","id":"a","sha256":"c"} x"#, #"{"kind":"article","title":"unterminated}"#,
                     #"{"kind":"article","title":"a" "id":"b","sha256":"c"}"#, #"{"kind":"article","n":[1,}"#] {
            #expect(throws: RecordDecodingError.self, "\(text)") {
                try Array(text.utf8).withUnsafeBytes { try LogRecord.articleText($0) }
            }
        }
    }

    @Test func theReaderRefusesBrokenJSON() {
        for text in ["", "{", #"{"kind":"event""#, #"{"kind":"nope"}"#, #"{"kind":"event","id":"x","type":"proposl"}"#,
                     #"{"kind":"event","id":"x","type":"meeting","on":"2025-02-30"}"#, "[" + String(repeating: "[", count: 100),
                     #"{"kind":"event","id":"\ud800","type":"meeting"}"#, "{\"kind\":\"article\"}"] {
            #expect(throws: RecordDecodingError.self) { try LogRecord.decode(Array(text.utf8)) }
        }
    }
}
