import EventLog
import Foundation
@testable import Store
import Synthetic
import TestSupport
import Testing

@testable import Negotiation

/// The streaming replay must answer exactly as the fold over the whole history read into
/// memory: every day, every track or one, known-on days, logs read up to a sequence, with
/// corrections that move events between tracks and days and retractions.
@Suite("Streaming replay")
struct ReplayTests {
    func expectReplayAgreesWithHistory(_ store: NegotiationStore, days: [Day], knownOn: [Day], tracks: [String]) throws {
        let history = try store.history()
        let all = try store.replay(days)
        #expect(all.head == history.head)
        #expect(all.registry == history.registry)
        #expect(all.series.map(\.day) == days)
        for (day, states) in all.series {
            #expect(states == (try history.states(Query(asOf: day))), "as of \(day)")
        }
        for track in tracks {
            let one = try store.replay(days, track: track)
            for (day, states) in one.series {
                #expect(states == (try history.states(Query(asOf: day), track: track)), "\(track) as of \(day)")
            }
        }
        for (day, known) in zip(days, knownOn) {
            let replay = try store.replay([day], knownOn: known)
            #expect(replay.series.first?.states == (try history.states(Query(asOf: day, knownOn: known))), "as of \(day) known on \(known)")
        }
        // Read as the log stood at earlier sequences: before and after the fixes, say.
        let step = max(1, history.head.sequence / 7)
        for through in stride(from: UInt64(1), through: history.head.sequence, by: Int(step)) {
            guard let day = days.last else { break }
            let replay = try store.replay([day], throughSequence: through)
            #expect(replay.series.first?.states == (try history.states(Query(asOf: day, throughSequence: through))), "through \(through)")
        }
    }

    @Test func theSeedCorpusWithFixesReplaysAsTheHistory() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        try corpus.addFixes()
        try corpus.ingest()
        let store = try NegotiationStore(directory: corpus.db, readOnly: true)
        let first = try #require(Day(iso: "2025-01-01"))
        let days = (0..<260).map { first.adding(days: $0) }
        try expectReplayAgreesWithHistory(store, days: days, knownOn: days.map { $0.adding(days: -3) },
                                          tracks: ["energy", "black-sea", "truce-30-day"])
    }

    @Test func aSyntheticCorpusReplaysAsTheHistory() throws {
        let directory = try TemporaryDirectory("synthetic-replay")
        _ = try SyntheticCorpus(events: 3_000, seed: 11).write(to: directory.path)
        let store = try NegotiationStore(directory: directory.appending("db"))
        _ = try store.ingest(seeds: directory.path + "/seeds", events: directory.path + "/events")
        let history = try store.history()
        #expect(!history.fixes.isEmpty)
        var rng = SplitMix64(seed: 8)
        let start = try #require(Day(iso: "2015-01-01"))
        let days = (0..<120).map { _ in start.adding(days: Int(rng.next(below: 3_700))) }.sorted()
        try expectReplayAgreesWithHistory(store, days: days, knownOn: days.prefix(12).map { $0.adding(days: -Int(rng.next(below: 60))) },
                                          tracks: ["synth-00", "synth-03"])
    }

    @Test func anUnknownTrackAndALogWithoutRegistryAreTheHistorysErrors() throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        let store = try NegotiationStore(directory: corpus.db, readOnly: true)
        let day = try #require(Day(iso: "2025-04-12"))
        #expect(throws: ProjectionError.self) { try store.replay([day], track: "no-such-track") }
        let empty = try TemporaryDirectory("empty-log")
        let bare = try NegotiationStore(directory: empty.path)
        #expect(throws: ProjectionError.noRegistry) { try bare.replay([day]) }
    }
}
