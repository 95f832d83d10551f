import Foundation
import Negotiation
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
        let bytes = try LogRecord.event(try sample()).encoded()
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
            #expect(try LogRecord.decode(try record.encoded()) == record)
        }
        let article = Article(id: "a", outlet: "o", title: "t", language: "fr", published: try #require(Day(iso: "2025-03-15")),
                              precision: .withinDays(1), sha256: String(repeating: "0", count: 64))
        #expect(try LogRecord.decode(try LogRecord.article(article).encoded()) == .article(article))
    }
}
