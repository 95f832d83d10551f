import EventLog
import Foundation
import Negotiation
@testable import Store
import TestSupport
import Testing

/// One byte changed in `data.mdb`, where the log keeps an event, a hash or an article, and
/// `parley verify` fails naming what changed; a rolled-back file is caught by the head seen before.
@Suite("Tampering")
struct TamperingTests {
    /// A copy of the seed log, with what a tamperer would aim at.
    struct Target {
        let dir: TemporaryDirectory
        let db: String
        var data: String { db + "/data.mdb" }
        let event: Entry
        let article: Article
        let articleText: [UInt8]

        init() throws {
            dir = try TemporaryDirectory("parley-tamper")
            db = dir.appending("log")
            let ingest = try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path)
            try #require(ingest.succeeded, "\(ingest)")
            let store = try NegotiationStore(directory: db, readOnly: true)
            let (events, articles) = try store.contents()
            let middle = events[events.count / 2]
            event = try #require(try store.log.entry(at: middle.sequence))
            article = try #require(articles.values.sorted { $0.id < $1.id }.dropFirst(2).first)
            articleText = Array(try #require(try store.text(of: article)).utf8)
        }

        /// Flips one bit of the byte `offset` into every copy of `needle` in data.mdb (old
        /// copies of a page may linger in free pages: changing them all reaches the live one).
        func flip(_ needle: [UInt8], at offset: Int) throws -> Int {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: data))
            var copies = 0
            var from = bytes.startIndex
            while let range = bytes.range(of: Data(needle), in: from..<bytes.endIndex) {
                bytes[range.lowerBound + offset] ^= 0x01
                copies += 1
                from = range.upperBound
            }
            try bytes.write(to: URL(fileURLWithPath: data))
            return copies
        }

        func verify(_ extra: [String] = []) throws -> Finished {
            try ParleyTool.run(["verify", "--db", db] + extra, in: dir.path)
        }
    }

    @Test func theUntouchedLogVerifies() throws {
        let target = try Target()
        let run = try target.verify()
        #expect(run.succeeded && run.stdout.contains("chain intact"), "\(run)")
    }

    @Test func aByteOfAStoredEventIsFoundAndItsSequenceNamed() throws {
        let target = try Target()
        #expect(try target.flip(target.event.payload, at: target.event.payload.count / 2) >= 1)
        let run = try target.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("first bad sequence: \(target.event.sequence)"), "\(run)")
        #expect(run.stdout.contains("verification FAILED"))
    }

    @Test func aByteOfAStoredHashIsFoundAndItsSequenceNamed() throws {
        let target = try Target()
        #expect(try target.flip(target.event.hash, at: 7) >= 1)
        let run = try target.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("first bad sequence: \(target.event.sequence)"), "\(run)")
    }

    @Test func aByteOfAStoredArticleIsFoundAndTheArticleNamed() throws {
        let target = try Target()
        // Inside a word of the text, so the change is a letter, as an edit would be.
        #expect(try target.flip(target.articleText, at: target.articleText.count / 2) >= 1)
        let run = try target.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("article \(target.article.id): its stored text changed"), "\(run)")
        #expect(!run.stdout.contains("first bad sequence"), "the chain itself is intact: \(run)")
    }

    @Test func aRollbackIsCaughtByTheHeadSeenBefore() throws {
        let target = try Target()
        let old = target.dir.appending("data.mdb.old")
        try FileManager.default.copyItem(atPath: target.data, toPath: old)

        // The log grows by one event; the user notes the head.
        let events = try eventsWithRetraction(in: target.dir.appending("events"), id: "later-retraction",
                                              of: "us-proposes-temporary-truce-jeddah-000")
        let grown = try ParleyTool.run(["ingest", "--db", target.db, Fixtures.seeds, events], in: target.dir.path)
        try #require(grown.succeeded, "\(grown)")
        let seen = try target.verify(["--json"])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(seen.stdout.utf8)) as? [String: Any])
        let head = (answer["head"] as? [String: Any])?["hash"] as? String
        let noted = try #require(head)

        // Someone copies the old file back: on its own the log is consistent…
        let newer = target.dir.appending("newer.mdb")
        try FileManager.default.moveItem(atPath: target.data, toPath: newer)
        try FileManager.default.copyItem(atPath: old, toPath: target.data)
        #expect(try target.verify().succeeded)
        // …but not with the head seen before.
        let caught = try target.verify(["--expect-head", noted])
        #expect(caught.status == 1, "\(caught)")
        #expect(caught.stdout.contains("is not in this log: it was rolled back"), "\(caught)")
        // On the log as it was, the same head is found. (Ingesting the same corpus again would
        // not give it: entries' recorded times are under the chain.)
        try FileManager.default.removeItem(atPath: target.data)
        try FileManager.default.moveItem(atPath: newer, toPath: target.data)
        #expect(try target.verify(["--expect-head", noted]).succeeded)
    }
}
