import EventLog
import Foundation
import Negotiation
import Testing
import TestSupport

/// A writer killed with SIGKILL at any moment leaves a log that verifies, gapless, holding every
/// batch it reported committed, and no batch in part.
@Suite("Crashes", .serialized)
struct CrashTests {
    static let batchSize = 25

    @Test func aWriterKilledThirtyTimesAtRandomMomentsLosesNoCommittedBatch() throws {
        let dir = try TemporaryDirectory("parley-crash")
        let db = dir.appending("log")
        let seeded = try ParleyTool.run(["ingest", "--db", db, Repository.seeds, Repository.events], in: dir.path)
        try #require(seeded.succeeded, "\(seeded)")

        // Seeded, so that a failure reproduces; the delays span start-up, the appends and the
        // index upkeep between them.
        var random = SplitMix64(seed: 0xC0FFEE)
        var reported: Set<CommittedBatch> = []
        var killedWhileRunning = 0
        var nextBatch = 0
        for round in 0..<34 {
            let writer = try ParleyTool.start([
                "test-harness", "write", "--db", db, "--seeds", Repository.seeds, "--events", Repository.events,
                "--writer", "r\(round)", "--batches", "100000", "--batch-size", "\(Self.batchSize)",
                "--first-batch", "\(nextBatch)",
            ], in: dir.path)
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
        let after = try ParleyTool.run([
            "test-harness", "write", "--db", db, "--seeds", Repository.seeds, "--events", Repository.events,
            "--writer", "last", "--batches", "2", "--batch-size", "\(Self.batchSize)", "--first-batch", "\(nextBatch)",
        ], in: dir.path)
        #expect(after.succeeded, "\(after)")
        let store = try NegotiationStore(directory: db, readOnly: true)
        #expect(try store.indexIsFresh())
        #expect(try store.indexDisagreement(on: [Day(ordinal: 20_300), Day(ordinal: 22_000)]) == nil)
    }
}
