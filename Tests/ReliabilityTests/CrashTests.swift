import EventLog
import Foundation
import Negotiation
@testable import Store
import Synthetic
import TestSupport
import Testing

/// A writer killed with SIGKILL at any moment leaves a log that verifies, gapless, holding every
/// batch it reported committed, and no batch in part.
@Suite("Crashes", .serialized)
struct CrashTests {
    static let batchSize = 25

    @Test func aWriterKilledThirtyTimesAtRandomMomentsLosesNoCommittedBatch() throws {
        let dir = try TemporaryDirectory("parley-crash")
        let db = dir.appending("log")
        let seeded = try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path)
        try #require(seeded.succeeded, "\(seeded)")

        // Seeded, so that a failure reproduces; the delays span start-up, the appends and the
        // index upkeep between them.
        var random = SplitMix64(seed: 0xC0FFEE)
        var reported: Set<CommittedBatch> = []
        var killedWhileRunning = 0
        var nextBatch = 0
        for round in 0..<34 {
            let writer = try ParleyTool.start(
                ParleyTool.write(db: db, writer: "r\(round)", batches: 100_000, batchSize: Self.batchSize, firstBatch: nextBatch),
                in: dir.path)
            usleep(UInt32.random(in: 30_000...900_000, using: &random))
            if writer.kill() { killedWhileRunning += 1 }
            let committed = writer.lines().compactMap(CommittedBatch.init(line:))
            reported.formUnion(committed)
            nextBatch += committed.count + 1

            let store = try NegotiationStore(directory: db, readOnly: true)
            let report = try store.verify()
            #expect(report.isIntact, "round \(round): \(report.problems)")
            let census = try LogCensus(store)
            #expect(census.gapless, "round \(round): the sequence has a gap")
            #expect(census.head == report.head.sequence)
            for batch in reported {
                #expect(census.batches[batch] == Self.batchSize, "round \(round): committed batch \(batch) holds \(census.batches[batch] ?? 0) events")
            }
            for (batch, count) in census.batches where count != Self.batchSize {
                Issue.record("round \(round): batch \(batch) is there in part (\(count) of \(Self.batchSize) events)")
            }
            if let disagreement = try store.indexDisagreement(on: [Day(ordinal: 20_200), Day(ordinal: 20_400), Day(ordinal: 22_000)]) {
                Issue.record("round \(round): \(disagreement)")
            }
        }
        #expect(killedWhileRunning >= 30)
        #expect(reported.count > 30, "the writers should have committed batches between kills")

        // The tool agrees, and the next writer carries on from where the last one died.
        let verify = try ParleyTool.run(["verify", "--db", db], in: dir.path)
        #expect(verify.succeeded, "\(verify)")
        let after = try ParleyTool.run(
            ParleyTool.write(db: db, writer: "last", batches: 2, batchSize: Self.batchSize, firstBatch: nextBatch), in: dir.path)
        #expect(after.succeeded, "\(after)")
        let store = try NegotiationStore(directory: db, readOnly: true)
        #expect(try store.indexIsFresh())
        #expect(try store.indexDisagreement(on: [Day(ordinal: 20_300), Day(ordinal: 22_000)]) == nil)
    }
}

/// An ingest of many batches killed part-way: the log holds whole batches, the indexes never
/// answer wrongly, and running the ingest again completes both.
@Suite("Crashes during a large ingest", .serialized)
struct LargeIngestCrashTests {
    @Test func anIngestKilledBetweenBatchesCompletesWhenRunAgain() throws {
        let dir = try TemporaryDirectory("parley-crash-ingest")
        let days = (0..<40).map { Day(ordinal: 20_100 + $0 * 3) }
        var random = SplitMix64(seed: 0xBA7C4)
        var killed = 0
        var round = 0
        var latest: UInt32 = 150_000
        // Until eight ingests died part-way; on a fast machine, kill sooner.
        while killed < 8, round < 40 {
            defer { round += 1 }
            let db = dir.appending("log-\(round)")
            let ingest = ["test-harness", "ingest", "--db", db, "--batch-size", "1", Fixtures.seeds, Fixtures.events]
            let first = try ParleyTool.start(ingest, in: dir.path)
            usleep(UInt32.random(in: 2_000...latest, using: &random))
            if first.kill() { killed += 1 } else { latest = max(10_000, latest / 2) }

            // Killed before it wrote the log's format, there is no log yet; otherwise:
            if let store = try? NegotiationStore(directory: db, readOnly: true) {
                #expect(try store.verify().isIntact, "round \(round)")
                let census = try LogCensus(store)
                #expect(census.gapless, "round \(round)")
                // The registry comes in the first batch: with none, there is nothing to answer.
                if census.head > 0, let disagreement = try store.indexDisagreement(on: days) { Issue.record("round \(round), killed: \(disagreement)") }
            }
            let again = try ParleyTool.run(ingest, in: dir.path)
            #expect(again.succeeded, "\(again)")
            let store = try NegotiationStore(directory: db, readOnly: true)
            #expect(try store.indexIsFresh(), "round \(round): the second ingest leaves the indexes fresh")
            #expect(try store.indexDisagreement(on: days) == nil, "round \(round)")
            #expect(try store.contents().events.count == 36, "round \(round)")
        }
        #expect(killed >= 8, "eight ingests should have died part-way")
    }
}
