import EventLog
import Foundation
import Negotiation
@testable import Store
import TestSupport
import Testing

/// Writers in separate processes, each appending its own batches, with readers in a loop.
@Suite("Concurrent processes", .serialized)
struct ConcurrencyTests {
    /// The meetings `parley state --json --track 30-day` reports.
    static func meetings(_ output: String) -> Int? {
        guard let data = output.data(using: .utf8),
              let answer = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let states = answer["tracks"] as? [[String: Any]], let state = states.first else { return nil }
        return state["meetings"] as? Int
    }

    @Test func fourWritersAndTwoReadersLeaveTenThousandWholeEntries() throws {
        let dir = try TemporaryDirectory("parley-concurrent")
        let db = dir.appending("log")
        let seeded = try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path)
        try #require(seeded.succeeded, "\(seeded)")
        let base = try LogCensus(NegotiationStore(directory: db, readOnly: true)).head
        let before = try ParleyTool.run(["state", "--db", db, "--json", "--track", "truce-30-day"], in: dir.path)
        let baseMeetings = try #require(Self.meetings(before.stdout), "\(before)")

        let batchSize = 50
        let writers = try (0..<4).map { w in
            try ParleyTool.start(ParleyTool.write(db: db, writer: "w\(w)", batches: 2_500 / batchSize, batchSize: batchSize), in: dir.path)
        }

        // Two readers, each a loop of processes, until every writer is done.
        let findings = Findings()
        let reads = Counter()
        let done = Flag()
        let group = DispatchGroup()
        let readers: [(String, [String], @Sendable (Finished) -> String?)] = [
            ("state", ["state", "--db", db, "--json", "--track", "truce-30-day"], { run in
                guard let meetings = Self.meetings(run.stdout) else { return "no state in \(run)" }
                let added = meetings - baseMeetings
                return added % batchSize == 0 ? nil : "state saw \(added) new meetings: a partial batch"
            }),
            ("verify", ["verify", "--db", db, "--json"], { run in
                run.stdout.contains("\"intact\" : true") ? nil : "verify did not find the chain intact: \(run)"
            }),
        ]
        for (name, arguments, check) in readers {
            DispatchQueue.global().async(group: group) {
                while !done.isSet {
                    do {
                        let run = try ParleyTool.run(arguments, in: dir.path)
                        _ = reads.next()
                        if !run.succeeded {
                            findings.add("\(name) failed: \(run)")
                        } else if let problem = check(run) {
                            findings.add(problem)
                        }
                    } catch {
                        findings.add("\(name) could not start: \(error)")
                    }
                }
            }
        }
        let results = writers.map { $0.wait() }
        done.set()
        group.wait()

        for result in results { #expect(result.succeeded, "\(result)") }
        #expect(findings.all.isEmpty, "\(findings.all.prefix(5))")
        #expect(reads.next() > 4, "the readers should have run while the writers wrote")

        let store = try NegotiationStore(directory: db, readOnly: true)
        let census = try LogCensus(store)
        #expect(census.head == base + 10_000)
        #expect(census.gapless)
        #expect(census.stressEvents == 10_000)
        #expect(census.batches.count == 200 && census.batches.values.allSatisfy { $0 == batchSize })
        #expect(try store.verify().isIntact)
        #expect(try store.indexIsFresh(), "the last writer leaves the indexes covering the log")
        #expect(try store.indexDisagreement(on: [Day(ordinal: 20_240), Day(ordinal: 20_260), Day(ordinal: 20_400)]) == nil)
        let after = try ParleyTool.run(["state", "--db", db, "--json", "--track", "truce-30-day"], in: dir.path)
        #expect(Self.meetings(after.stdout) == baseMeetings + 10_000)
    }

    /// An ingest of many batches keeps its track rows aside and holds the indexes meanwhile;
    /// writers appending between its batches make it rebuild them. Either way they end right.
    @Test func aManyBatchIngestAndSmallWritersAtOnce() throws {
        let days = (0..<30).map { Day(ordinal: 20_100 + $0 * 10) }
        for round in 0..<4 {
            let dir = try TemporaryDirectory("parley-large-and-small")
            let db = dir.appending("log")
            let large = try ParleyTool.start(["test-harness", "ingest", "--db", db, "--batch-size", "2", Fixtures.seeds, Fixtures.events],
                                             in: dir.path)
            let small = try (0..<2).map { w in
                try ParleyTool.start(ParleyTool.write(db: db, writer: "s\(w)", batches: 10, batchSize: 5), in: dir.path)
            }
            for result in ([large] + small).map({ $0.wait() }) { #expect(result.succeeded, "round \(round): \(result)") }

            let store = try NegotiationStore(directory: db, readOnly: true)
            #expect(try store.verify().isIntact, "round \(round)")
            let census = try LogCensus(store)
            #expect(census.gapless)
            #expect(census.stressEvents == 100 && census.batches.values.allSatisfy { $0 == 5 }, "round \(round): \(census.batches)")
            #expect(try store.contents().events.count == 136, "round \(round)")
            #expect(try store.indexIsFresh(), "round \(round): the last writer leaves the indexes covering the log")
            #expect(try store.indexDisagreement(on: days) == nil, "round \(round)")
        }
    }

    @Test func twoWritersExpectingTheSameSequence() throws {
        let dir = try TemporaryDirectory("parley-occ")
        let db = dir.appending("log")
        let seeded = try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path)
        try #require(seeded.succeeded, "\(seeded)")

        // Three corpora, each the fixture corpus plus one retraction of its own.
        var corpora: [String] = []
        for (name, target) in [("a", "us-proposes-temporary-truce-jeddah-000"), ("b", "ua-accuses-ru-of-violating-energy-truce-002"),
                               ("c", "ua-accuses-ru-of-violating-energy-truce-002")] {
            corpora.append(try eventsWithRetraction(in: dir.appending("events-\(name)"), id: "writer-\(name)-retraction", of: target))
        }

        let head = try LogCensus(NegotiationStore(directory: db, readOnly: true)).head
        let racing = try corpora.prefix(2).map { events in
            try ParleyTool.start(["ingest", "--db", db, "--expect-sequence", "\(head)", Fixtures.seeds, events], in: dir.path)
        }
        let results = racing.map { $0.wait() }
        let winners = results.filter(\.succeeded)
        let losers = results.filter { !$0.succeeded }
        try #require(winners.count == 1 && losers.count == 1, "\(results)")
        #expect(losers[0].status == 75)
        #expect(losers[0].stderr.contains("conflict: expected the log to end at sequence \(head) but it ends at \(head + 1)"), "\(losers[0])")
        #expect(losers[0].stderr.contains("nothing was written"))

        let store = try NegotiationStore(directory: db, readOnly: true)
        #expect(try LogCensus(store).head == head + 1, "only the winner's one event was appended")
        let ids = Set(try store.contents().events.map(\.event.id))
        #expect(ids.contains("writer-a-retraction") != ids.contains("writer-b-retraction"))
        #expect(try store.verify().isIntact)

        // The loser, told, runs again against the log it now sees; a stale expectation alone
        // fails the same way.
        let stale = try ParleyTool.run(["ingest", "--db", db, "--expect-sequence", "\(head)", Fixtures.seeds, corpora[2]], in: dir.path)
        #expect(stale.status == 75 && stale.stderr.contains("expected the log to end at sequence \(head) but it ends at \(head + 1)"), "\(stale)")
        let retry = try ParleyTool.run(["ingest", "--db", db, "--expect-sequence", "\(head + 1)", Fixtures.seeds, corpora[2]], in: dir.path)
        #expect(retry.succeeded, "\(retry)")
        #expect(try LogCensus(store).head == head + 2)
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
