import EventLog
import Foundation
import Negotiation
import Store
import Synthetic
import TestSupport
import Testing

/// The seam between the plain ingest and the fast one: whatever corpus, whatever batch size,
/// whatever the log held before, ``IngestMethod/reference`` and ``IngestMethod/pipelined``
/// leave the same log and the same derived indexes, byte for byte.
@Suite("Ingest methods")
struct IngestMethodTests {
    /// Everything a log holds that a reader can see: every entry whole, and every row of every
    /// derived index.
    struct Contents: Equatable {
        var entries: [[UInt8]] = []
        var indexes: [String: [[UInt8]]] = [:]
    }

    static func contents(of db: String) throws -> Contents {
        let store = try NegotiationStore(directory: db, readOnly: true)
        var contents = Contents()
        try store.log.forEachEntry { view in
            var bytes = withUnsafeBytes(of: view.sequence.bigEndian) { [UInt8]($0) }
            withUnsafeBytes(of: view.recordedAtMicroseconds.bigEndian) { bytes += $0 }
            bytes += view.hash
            bytes += [0] + view.id + [0] + view.payload
            contents.entries.append(bytes)
            return true
        }
        try store.log.readIndexes { r in
            for name in NegotiationStore.indexNames {
                var rows: [[UInt8]] = []
                try r.scan(name, from: []) { key, value in
                    rows.append(Array(key) + [0xFF] + Array(value))
                    return true
                }
                contents.indexes[name] = rows
            }
        }
        return contents
    }

    /// Expects the same entries and index rows, saying where they first differ.
    static func expectSame(_ reference: Contents, _ pipelined: Contents, sourceLocation: SourceLocation = #_sourceLocation) {
        func firstDifference(_ a: [[UInt8]], _ b: [[UInt8]]) -> String? {
            guard a != b else { return nil }
            let at = a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? a.count
            return "\(a.count) against \(b.count) rows; first difference at row \(at)"
        }
        if let difference = firstDifference(reference.entries, pipelined.entries) {
            Issue.record("the entries differ: \(difference)", sourceLocation: sourceLocation)
        }
        for name in NegotiationStore.indexNames {
            if let difference = firstDifference(reference.indexes[name] ?? [], pipelined.indexes[name] ?? []) {
                Issue.record("index \(name) differs: \(difference)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Ingests each of `corpora` in turn into a new log, once with each method, and returns the
    /// two logs' contents.
    static func ingestBothWays(_ corpora: [(seeds: String, events: String)], batchSize: Int,
                               in directory: TemporaryDirectory) throws -> (reference: Contents, pipelined: Contents) {
        var results: [IngestMethod: Contents] = [:]
        for method in IngestMethod.allCases {
            let db = directory.appending("\(method)")
            let store = try NegotiationStore(directory: db, clock: CorpusCopy.fixedClock)
            for corpus in corpora {
                try store.ingest(seeds: corpus.seeds, events: corpus.events, method: method, batchSize: batchSize)
            }
            results[method] = try contents(of: db)
        }
        return (try #require(results[.reference]), try #require(results[.pipelined]))
    }

    @Test(arguments: [NegotiationStore.batchSize, 7, 1])
    func theSeedCorpusGivesTheSameLogAndIndexes(batchSize: Int) throws {
        let corpus = try CorpusCopy()
        try corpus.addFixes()
        let (reference, pipelined) = try Self.ingestBothWays([(corpus.seeds, corpus.events)], batchSize: batchSize, in: corpus.directory)
        #expect(reference.entries.count > 40)
        #expect(reference.indexes["track-days", default: []].count > 20)
        #expect(reference.indexes["checkpoints", default: []].isEmpty == false)
        Self.expectSame(reference, pipelined)
    }

    /// Fixes of events the log already held, appended by a later ingest.
    @Test(arguments: [NegotiationStore.batchSize, 1])
    func fixesOfRecordedEventsGiveTheSameLogAndIndexes(batchSize: Int) throws {
        let corpus = try CorpusCopy()
        let before = corpus.directory.appending("events-before")
        try FileManager.default.copyItem(atPath: corpus.events, toPath: before)
        try corpus.addFixes()
        let (reference, pipelined) = try Self.ingestBothWays([(corpus.seeds, before), (corpus.seeds, corpus.events)],
                                                             batchSize: batchSize, in: corpus.directory)
        // The two fixes added, and the seed corpus's own amendments: two sources, a correction.
        #expect(reference.indexes["fixes", default: []].count == 2 + 3)
        Self.expectSame(reference, pipelined)
    }

    /// Synthetic corpora of many batches (the fast path sets their rows aside and writes them
    /// at the end), with their own corrections and retractions: one into an empty log, one onto it.
    @Test func largeCorporaOfManyBatchesGiveTheSameLogAndIndexes() throws {
        let directory = try TemporaryDirectory("ingest-methods")
        var corpora: [(seeds: String, events: String)] = []
        for (seed, events) in [(UInt64(11), 6_000), (12, 2_500)] {
            let folder = directory.appending("synthetic-\(seed)")
            _ = try SyntheticCorpus(events: events, seed: seed).write(to: folder)
            corpora.append((folder + "/seeds", folder + "/events"))
        }
        let (reference, pipelined) = try Self.ingestBothWays(corpora, batchSize: 700, in: directory)
        #expect(reference.entries.count > 8_500)
        #expect(reference.indexes["fixes", default: []].isEmpty == false)
        Self.expectSame(reference, pipelined)
    }
}
