@testable import Corpus
import EventLog
import Foundation
import LMDB
import Negotiation
@testable import Store
import TestSupport
import Testing

@Suite("Ingesting the seed corpus")
struct IngestTests {
    @Test func theCorpusLoadsWithEveryArticleAndEvent() throws {
        let corpus = try Corpus.load(seeds: Fixtures.seeds, events: Fixtures.events)
        #expect(corpus.articles.map(\.article.id) == [
            "000_a1eb357bfc15af74", "001_f6e6249cbed6ca01", "002_8cb13a5d0c7818f1",
            "003_6cbc209735f62d8c", "004_66c97829100779b6",
        ])
        #expect((30...60).contains(corpus.events.count))
        #expect(Set(corpus.registry.tracks.map(\.id)) == ["truce-30-day", "energy", "black-sea"])
        let types = Set(corpus.events.map(\.event.type))
        #expect(types.isSuperset(of: [.proposal, .acceptance, .condition, .violation, .meeting]))
    }

    @Test func aSecondIngestAppendsNothing() throws {
        let corpus = try CorpusCopy()
        let first = try corpus.ingest()
        #expect(first.articlesAppended == 5)
        #expect(first.eventsAppended == (try corpus.load().events.count))
        let second = try corpus.ingest()
        #expect(second.appendedNothing)
        #expect(second.articlesAlreadyRecorded == 5)
        #expect(second.eventsAlreadyRecorded == first.eventsAppended)
        #expect(second.head == first.head)
    }

    @Test func aCorrectionMovingALoggedEventPastItsArticlesPublicationIsRefused() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        // The corpus now holds only the registries and a correction of an event of the log.
        for file in try FileManager.default.contentsOfDirectory(atPath: corpus.events) where !["parties.yaml", "tracks.yaml"].contains(file) {
            try FileManager.default.removeItem(atPath: corpus.events + "/" + file)
        }
        let fix = """
            events:
              - id: fix-logged-event-late
                type: correction
                corrects: us-proposes-temporary-truce-jeddah-000
                set: {on: 2025-04}
                reason: "a month the article could not know"
            """
        try fix.write(toFile: corpus.events + "/zz-fix.yaml", atomically: true, encoding: .utf8)
        let error = #expect(throws: CorpusError.self) { try corpus.ingest() }
        #expect(error.map(corpus.shown) == [
            "events/zz-fix.yaml:2: events[0].set.on: the correction moves 'us-proposes-temporary-truce-jeddah-000' to end on 2025-04-30, "
                + "after its article could have been published (by 2025-03-16); expected a date that ends by 2025-03-16",
        ])
        // Within what the article could know, the same correction is taken.
        try fix.replacingOccurrences(of: "{on: 2025-04}", with: "{on: 2025-03-10}").write(toFile: corpus.events + "/zz-fix.yaml", atomically: true, encoding: .utf8)
        #expect(try corpus.ingest().eventsAppended == 1)
    }

    @Test func twoNewLogsOfTheSameCorpusHaveTheSameHeadHash() throws {
        let a = try CorpusCopy()
        let b = try CorpusCopy()
        let headA = try a.ingest().head
        let headB = try b.ingest().head
        #expect(headA == headB)
        #expect(headA.sequence > 0)
    }

    @Test func theMeetingsTheArticlesReportAreRecorded() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        let store = try NegotiationStore(directory: corpus.db, readOnly: true)
        let meetings = try store.contents().events.filter { $0.event.type == .meeting && !$0.event.planned }
        let places = Set(meetings.compactMap(\.event.place))
        #expect(places.isSuperset(of: ["Riyadh", "Istanbul", "Jeddah", "Moscow", "Saint Petersburg"]))
        let riyadh = try #require(meetings.first { $0.event.place == "Riyadh" })
        #expect(riyadh.event.on == .day(try #require(Day(iso: "2025-02-18"))))
    }

    @Test func everyRecordedEventCarriesItsArticleAndAQuoteFoundThere() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        let store = try NegotiationStore(directory: corpus.db, readOnly: true)
        let (events, articles) = try store.contents()
        for recorded in events {
            let id = try #require(recorded.event.article)
            let article = try #require(articles[id])
            let text = try #require(try store.text(of: article))
            let quote = try #require(recorded.event.quote)
            #expect(QuoteMatcher(article: text).contains(quote))
        }
    }

    @Test func verifyNamesAnArticleWhoseStoredTextChanged() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        let text = try #require(FileManager.default.contents(atPath: corpus.seeds + "/002_8cb13a5d0c7818f1.txt"))
        let digest = SHA256.hash(data: text)
        do {
            let env = try Environment(path: corpus.db, databases: ["blobs": []])
            let blobs = try env.database("blobs")
            try env.write { txn in
                var bytes = try #require(try txn.get(digest, in: blobs))
                bytes[10] ^= 0x20
                try txn.put(bytes, forKey: digest, in: blobs)
            }
        }
        let report = try NegotiationStore(directory: corpus.db, readOnly: true).verify()
        #expect(!report.isIntact)
        #expect(report.firstBadSequence == nil)
        #expect(report.problems.map(\.message).contains { $0.hasPrefix("article 002_8cb13a5d0c7818f1:") })
    }

    /// The articles are read on verify's own walk when the chain is whole, and by their ids
    /// when it breaks: either way each text's problem names its article.
    @Test(arguments: [false, true])
    func verifyNamesAnArticleWhoseTextIsMissingAndOneWhoseTextChanged(breakingTheChain: Bool) throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        let changed = try #require(FileManager.default.contents(atPath: corpus.seeds + "/002_8cb13a5d0c7818f1.txt"))
        let missing = try #require(FileManager.default.contents(atPath: corpus.seeds + "/000_a1eb357bfc15af74.txt"))
        do {
            let env = try Environment(path: corpus.db, databases: ["blobs": [], "entries": []])
            let blobs = try env.database("blobs"), entries = try env.database("entries")
            try env.write { txn in
                let digest = SHA256.hash(data: changed)
                var bytes = try #require(try txn.get(digest, in: blobs))
                bytes[10] ^= 0x20
                try txn.put(bytes, forKey: digest, in: blobs)
                try txn.delete(SHA256.hash(data: missing), in: blobs)
                guard breakingTheChain else { return }
                var key = [UInt8](repeating: 0, count: 8)
                key[7] = 3
                var entry = try #require(try txn.get(key, in: entries))
                entry[entry.count - 3] ^= 0x01  // a character of the record's last text
                try txn.put(entry, forKey: key, in: entries)
            }
        }
        let report = try NegotiationStore(directory: corpus.db, readOnly: true).verify()
        #expect(report.firstBadSequence == (breakingTheChain ? 3 : nil))
        let messages = report.problems.map(\.message)
        #expect(messages.contains { $0.hasPrefix("article 002_8cb13a5d0c7818f1: its stored text changed") })
        #expect(messages.contains { $0 == "article 000_a1eb357bfc15af74: its text is missing from the log" })
    }

    @Test func aCorrectionOfARecordedEventIsAppendedLater() throws {
        let corpus = try CorpusCopy()
        let before = try corpus.ingest()
        let fix = """
            events:
              - id: fix-riyadh-day
                type: correction
                corrects: us-russia-talks-riyadh-004
                set: {place: "Riyadh, Saudi Arabia"}
                reason: "name the country"
            """
        try fix.write(toFile: corpus.events + "/zz-fixes.yaml", atomically: true, encoding: .utf8)
        let ids = try corpus.load().events.map(\.event.id)
        try #require(ids.contains("us-russia-talks-riyadh-004"), "the fixture names an event of the corpus")
        let after = try corpus.ingest()
        #expect(after.eventsAppended == 1)
        #expect(after.head.sequence == before.head.sequence + 1)
    }
}
