@testable import Corpus
import EventLog
import Foundation
@testable import Store
import Synthetic
import TestSupport
import Testing

@testable import Negotiation

/// The derived indexes must answer exactly as a replay of the log, and a rebuild from the log
/// alone must give the same bytes as indexes kept up to date ingest by ingest.
@Suite("Derived indexes")
struct IndexTests {
    func dump(_ store: NegotiationStore) throws -> [String: [[UInt8]]] {
        try store.log.readIndexes { r in
            var result: [String: [[UInt8]]] = [:]
            for name in ProjectionIndex.names {
                var rows: [[UInt8]] = []
                try r.scan(name, from: []) { key, value in
                    rows.append([UInt8](key) + [0xFF] + [UInt8](value))
                    return true
                }
                result[name] = rows
            }
            return result
        }
    }

    func expectIndexAgreesWithReplay(_ store: NegotiationStore, days: [Day], knownOn: [Day]) throws {
        let history = try store.history()
        for day in days {
            let answer = try store.states(Query(asOf: day))
            #expect(answer.fromIndex)
            #expect(answer.states == (try history.states(Query(asOf: day))), "as of \(day)")
        }
        // The rows hold events as every fix left them: a known-on day before the evidence of
        // some correction or retraction is answered by a replay.
        let evidence = history.fixes.compactMap { $0.event.article.flatMap(history.published) }.max()
        for (day, known) in zip(days, knownOn) {
            let answer = try store.states(Query(asOf: day, knownOn: known))
            #expect(answer.fromIndex == (evidence.map { known >= $0 } ?? true), "as of \(day) known on \(known)")
            #expect(answer.states == (try history.states(Query(asOf: day, knownOn: known))), "as of \(day) known on \(known)")
        }
        var streamed: [[TrackState]] = []
        _ = try store.forEachDay(days, knownOn: nil) { _, states in streamed.append(states) }
        #expect(streamed == (try history.series(days, knownOn: nil)).map(\.1))
    }

    @Test func theSeedCorpusWithFixesAnswersAsAReplay() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        try corpus.addFixes()
        try corpus.ingest()
        let store = try NegotiationStore(directory: corpus.db)
        let first = try #require(Day(iso: "2025-01-01"))
        let days = (0..<260).map { first.adding(days: $0) }
        try expectIndexAgreesWithReplay(store, days: days, knownOn: days.map { $0.adding(days: -3) })
        let incremental = try dump(store)
        try store.reindex()
        #expect(try dump(store) == incremental)
    }

    @Test func aSyntheticCorpusIngestedInPartsAnswersAsAReplayAndRebuildsToTheSameBytes() throws {
        let directory = try TemporaryDirectory("synthetic")
        _ = try SyntheticCorpus(events: 3_000, seed: 11).write(to: directory.path)
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: directory.path + "/events").filter { $0.hasPrefix("synth-") }.sorted()
        #expect(files.count == 3)
        // First the registries and the first file, then everything: back-dated events and fixes
        // of events already indexed.
        let partial = directory.appending("events-part")
        try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
        for name in ["parties.yaml", "tracks.yaml", files[0]] {
            try fm.copyItem(atPath: directory.path + "/events/" + name, toPath: partial + "/" + name)
        }
        let store = try NegotiationStore(directory: directory.appending("db"))
        try store.ingest(try Corpus.load(seeds: directory.path + "/seeds", events: partial))
        try store.ingest(try Corpus.load(seeds: directory.path + "/seeds", events: directory.path + "/events"))
        let history = try store.history()
        #expect(history.reports.count + history.fixes.count == 3_000)
        #expect(!history.fixes.isEmpty)

        var rng = SplitMix64(seed: 5)
        let start = try #require(Day(iso: "2015-01-01"))
        let days = (0..<150).map { _ in start.adding(days: Int(rng.next(below: 3_700))) }.sorted()
        try expectIndexAgreesWithReplay(store, days: days, knownOn: days.prefix(15).map { $0.adding(days: -Int(rng.next(below: 60))) })

        let incremental = try dump(store)
        #expect((incremental["checkpoints"]?.count ?? 0) > 100)
        try store.reindex()
        #expect(try dump(store) == incremental)
    }

    @Test func anIngestOfManyBatchesWritesTheSameIndexesAsARebuild() throws {
        // More than one batch: the track index is written in key order once every batch is in,
        // with fixes of events from the first ingest and of events of the same ingest.
        let directory = try TemporaryDirectory("deferred")
        _ = try SyntheticCorpus(events: 3_000, seed: 12).write(to: directory.path)
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: directory.path + "/events").filter { $0.hasPrefix("synth-") }.sorted()
        let partial = directory.appending("events-part")
        try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
        for name in ["parties.yaml", "tracks.yaml", files[0]] {
            try fm.copyItem(atPath: directory.path + "/events/" + name, toPath: partial + "/" + name)
        }
        let store = try NegotiationStore(directory: directory.appending("db"))
        try store.ingest(seeds: directory.path + "/seeds", events: partial, batchSize: 97)
        let report = try store.ingest(seeds: directory.path + "/seeds", events: directory.path + "/events", batchSize: 97)
        #expect(report.eventsAppended == 2_000)

        var rng = SplitMix64(seed: 8)
        let start = try #require(Day(iso: "2015-01-01"))
        let days = (0..<60).map { _ in start.adding(days: Int(rng.next(below: 3_700))) }.sorted()
        try expectIndexAgreesWithReplay(store, days: days, knownOn: days.prefix(10).map { $0.adding(days: -Int(rng.next(below: 60))) })
        let deferred = try dump(store)
        try store.reindex()
        #expect(try dump(store) == deferred)
    }

    @Test func staleIndexesFallBackToAReplay() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        // The same log opened without the indexes, appended to: the indexes no longer cover it.
        do {
            let bare = NegotiationStore(log: try EventLog(directory: corpus.db))
            let extra = """
                events:
                  - id: fix-riyadh
                    type: correction
                    corrects: us-russia-talks-riyadh-004
                    set: {place: "Riyadh, Saudi Arabia"}
                    reason: "test"
                """
            try extra.write(toFile: corpus.events + "/zz-extra.yaml", atomically: true, encoding: .utf8)
            try bare.ingest(try corpus.load())
        }
        let store = try NegotiationStore(directory: corpus.db, readOnly: true)
        #expect(try !store.indexIsFresh())
        let day = try #require(Day(iso: "2025-04-12"))
        let answer = try store.states(Query(asOf: day))
        #expect(!answer.fromIndex)
        #expect(answer.states.first { $0.track == "truce-30-day" }?.lastMeeting?.place == "Saint Petersburg")
        let writer = try NegotiationStore(directory: corpus.db)
        try writer.reindex()
        #expect(try writer.indexIsFresh())
        #expect(try writer.states(Query(asOf: day)).fromIndex)
    }
}

@Suite("Ingest in batches")
struct BatchIngestTests {
    @Test func smallBatchesGiveTheSameLogAndIndexesAsOne() throws {
        let directory = try TemporaryDirectory("batches")
        _ = try SyntheticCorpus(events: 1_200, seed: 4).write(to: directory.path)
        let seeds = directory.path + "/seeds", events = directory.path + "/events"
        let one = try NegotiationStore(directory: directory.appending("one"), clock: CorpusCopy.fixedClock)
        let many = try NegotiationStore(directory: directory.appending("many"), clock: CorpusCopy.fixedClock)
        let a = try one.ingest(seeds: seeds, events: events)
        let b = try many.ingest(seeds: seeds, events: events, batchSize: 97)
        #expect(a.head == b.head)
        #expect(b.eventsAppended == 1_200)
        let again = try many.ingest(seeds: seeds, events: events, batchSize: 97)
        #expect(again.appendedNothing)
        let day = try #require(Day(iso: "2020-06-30"))
        #expect(try many.states(Query(asOf: day)).states == (try one.states(Query(asOf: day)).states))
        #expect(try many.states(Query(asOf: day)).fromIndex)
        #expect(try many.verify().isIntact)
    }
}
