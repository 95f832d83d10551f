import EventLog
import Foundation
import Negotiation
@testable import Store
import TestSupport
import Testing

/// `--expect-sequence` over an ingest of several batches: when another writer appends between
/// two of them, the tool says what it committed, and leaves the indexes whole.
@Suite("Expected sequence across batches")
struct ExpectSequenceTests {
    @Test func aWriterBetweenTwoBatchesStopsTheIngestAndItSaysWhatItCommitted() throws {
        let dir = try TemporaryDirectory("parley-expect")
        let corpus = dir.appending("corpus"), db = dir.appending("log"), resume = dir.appending("resume")
        let synth = try ParleyTool.run(["synth", "--events", "60", "--seed", "5", "--output", corpus], in: dir.path)
        try #require(synth.succeeded, "\(synth)")
        let seeds = corpus + "/seeds", events = corpus + "/events"

        let ingest = try ParleyTool.start(["test-harness", "ingest", "--db", db, "--batch-size", "10", "--expect-sequence", "0",
                                           "--pause-after-first-batch", resume, seeds, events], in: dir.path)
        let deadline = Date().addingTimeInterval(60)
        while !ingest.lines().contains("paused"), Date() < deadline { usleep(20_000) }
        try #require(ingest.lines().contains("paused"), "the ingest never committed its first batch")
        let writer = try ParleyTool.run(["test-harness", "write", "--db", db, "--seeds", seeds, "--events", events,
                                         "--writer", "w", "--batches", "1", "--batch-size", "3", "--track", "synth-00"], in: dir.path)
        try #require(writer.succeeded, "\(writer)")
        #expect(FileManager.default.createFile(atPath: resume, contents: nil))
        let stopped = ingest.wait(atMost: 60)

        #expect(stopped.status == 75, "\(stopped)")
        #expect(!stopped.stderr.contains("nothing was written"), "\(stopped)")
        let store = try NegotiationStore(directory: db, readOnly: true)
        let census = try LogCensus(store)
        #expect(census.gapless && census.stressEvents == 3)
        // What it says it committed is what the log holds before the writer's three meetings.
        let committedThrough = census.head - 3
        let (recorded, articles) = try store.contents()
        let synthEvents = recorded.filter { $0.event.id.hasPrefix("s5-") }.count
        #expect(stopped.stderr.contains("committed \(articles.count) articles and \(synthEvents) events, through sequence \(committedThrough)"), "\(stopped)")
        #expect(stopped.stderr.contains("run it again (with --expect-sequence \(census.head))"), "\(stopped)")
        #expect(synthEvents > 0 && synthEvents < 60)
        // No mark is left behind: the indexes cover the log and answer as a replay does.
        #expect(try store.indexIsFresh())
        #expect(try store.indexDisagreement(on: [Day(ordinal: 17_000), Day(ordinal: 18_000), Day(ordinal: 19_500)]) == nil)
        #expect(try store.verify().isIntact)

        // Told where the log ends, the rerun appends the rest.
        let rerun = try ParleyTool.run(["ingest", "--db", db, "--expect-sequence", "\(census.head)", seeds, events], in: dir.path)
        #expect(rerun.succeeded, "\(rerun)")
        #expect(try store.contents().events.filter { $0.event.id.hasPrefix("s5-") }.count == 60)
    }
}
