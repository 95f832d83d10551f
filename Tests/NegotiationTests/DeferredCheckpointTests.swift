@testable import Corpus
import EventLog
import Foundation
@testable import Store
import Synthetic
import TestSupport
import Testing

@testable import Negotiation

/// The checkpoints an ingest of many batches folds while it writes its set-aside rows must be
/// those a rebuild from the index writes.
@Suite("Checkpoints folded from set-aside rows")
struct DeferredCheckpointTests {
    struct Abort: Error {}

    /// A store whose indexes were kept up ingest by ingest (checkpoints by ``CheckpointRebuild``).
    func store(_ directory: TemporaryDirectory) throws -> NegotiationStore {
        _ = try SyntheticCorpus(events: 2_000, seed: 21).write(to: directory.path)
        let store = try NegotiationStore(directory: directory.appending("db"))
        try store.ingest(try Corpus.load(seeds: directory.path + "/seeds", events: directory.path + "/events"))
        #expect(try store.indexIsFresh())
        return store
    }

    typealias Row = (day: UInt32, sequence: UInt64, value: [UInt8])

    func rows(of prefix: [UInt8], from: Day, _ w: inout IndexWriter) throws -> [Row] {
        var rows: [Row] = []
        try w.scan("track-days", from: prefix + ProjectionIndex.dayBytes(from)) { key, value in
            guard key.count == 20, key.starts(with: prefix) else { return false }
            rows.append((key[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, ProjectionIndex.sequence(from: key.suffix(8)), [UInt8](value)))
            return true
        }
        return rows
    }

    func checkpoints(of prefix: [UInt8], from: Day, _ w: inout IndexWriter) throws -> [(day: UInt32, state: [UInt8])] {
        var result: [(day: UInt32, state: [UInt8])] = []
        try w.scan("checkpoints", from: prefix + ProjectionIndex.dayBytes(from)) { key, value in
            guard key.starts(with: prefix) else { return false }
            result.append((key[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, [UInt8](value)))
            return true
        }
        return result
    }

    func key(_ prefix: [UInt8], _ row: Row) -> [UInt8] {
        prefix + withUnsafeBytes(of: row.day.bigEndian) { [UInt8]($0) } + ProjectionIndex.sequenceBytes(row.sequence)
    }

    @Test func setAsideRowsFoldedWithTheIndexsOwnGiveTheCheckpointsOfARebuild() throws {
        let directory = try TemporaryDirectory("deferred-checkpoints")
        let store = try store(directory)
        let registry = try #require(try store.log.readIndexes { try ProjectionIndex.registry($0) })
        #expect(registry.tracks.count > 1)
        var compared = 0
        for track in registry.tracks {
            let prefix = ProjectionIndex.trackKey(track.id)
            // Nothing is kept: the transaction is aborted.
            #expect(throws: Abort.self) {
                try store.log.updateIndexes { w in
                    let all = try rows(of: prefix, from: Day(ordinal: Int(Int32.min) / 2), &w)
                    guard all.count > 20 else { throw Abort() }
                    // From a day in the middle of the track: a checkpoint to start from, and rows after.
                    let fromRaw = all[all.count * 2 / 5].day
                    let from = try #require(ProjectionIndex.day(from: withUnsafeBytes(of: fromRaw.bigEndian) { Array($0) }))
                    let expected = try checkpoints(of: prefix, from: from, &w)
                    let later = try rows(of: prefix, from: from, &w)
                    #expect(!expected.isEmpty && !later.isEmpty)
                    // Every third row is set aside (out of the index), some twice, and one also as
                    // first read (replaced by its final form); the others stay in the index.
                    var setAside: [(day: UInt32, sequence: UInt64, final: Bool, value: [UInt8])] = []
                    let replacedSequence = later[0].sequence
                    for (i, row) in later.enumerated() where i % 3 == 0 {
                        try w.delete(key(prefix, row), in: "track-days")
                        if i == 0 {
                            setAside.append((row.day, row.sequence, false, [0xFF]))
                            setAside.append((row.day, row.sequence, true, row.value))
                        } else {
                            setAside.append((row.day, row.sequence, false, row.value))
                            if i % 2 == 0 { setAside.append((row.day, row.sequence, false, row.value)) }
                        }
                    }
                    var bytes: [UInt8] = []
                    var set = DeferredRows.Rows(track: prefix, bytes: [])
                    for row in setAside {
                        let start = bytes.count
                        bytes.append(contentsOf: row.value)
                        set.rows.append((row.day, row.sequence, row.final, start..<bytes.count))
                    }
                    let rows = DeferredRows.Rows(track: prefix, bytes: bytes, rows: set.rows)
                    let fold = try DeferredCheckpoints(track: track, from: from, rows: rows, replaced: [replacedSequence], &w)
                    #expect(fold.existing.rows.count == later.count - setAside.filter { $0.final || $0.sequence != replacedSequence }
                        .reduce(into: Set<UInt64>()) { $0.insert($1.sequence) }.count)
                    let folded = try fold.fold()
                    #expect(folded.days == expected.map(\.day))
                    #expect(folded.values == expected.map(\.state))
                    compared += 1
                    throw Abort()
                }
            }
        }
        #expect(compared > 1)
        #expect(try store.indexIsFresh())
    }

    @Test func aFoldIsNotWrittenWhenItsStartingCheckpointChanged() throws {
        let directory = try TemporaryDirectory("deferred-checkpoints-race")
        let store = try store(directory)
        let registry = try #require(try store.log.readIndexes { try ProjectionIndex.registry($0) })
        let track = try #require(registry.tracks.first)
        let prefix = ProjectionIndex.trackKey(track.id)
        #expect(throws: Abort.self) {
            try store.log.updateIndexes { w in
                let all = try rows(of: prefix, from: Day(ordinal: Int(Int32.min) / 2), &w)
                let fromRaw = all[all.count / 2].day
                let from = try #require(ProjectionIndex.day(from: withUnsafeBytes(of: fromRaw.bigEndian) { Array($0) }))
                let expected = try checkpoints(of: prefix, from: from, &w)
                let fold = try DeferredCheckpoints(track: track, from: from, rows: DeferredRows.Rows(track: prefix, bytes: []), replaced: [], &w)
                let folded = try fold.fold()
                #expect(folded.values == expected.map(\.state))
                // Another process rebuilt the checkpoint it started from: nothing is written.
                let start = try #require(fold.start)
                try w.put(Array("{}".utf8), forKey: start.key, in: "checkpoints")
                var other = FoldedCheckpoints()
                other.append(fromRaw, TrackState(track: track).encoded())
                #expect(try !fold.write(other, &w))
                #expect(try checkpoints(of: prefix, from: from, &w).map(\.state) == expected.map(\.state))
                // As read: written, in place of the track's checkpoints from `from` on.
                try w.put(start.value, forKey: start.key, in: "checkpoints")
                #expect(try fold.write(other, &w))
                #expect(try checkpoints(of: prefix, from: from, &w).map(\.state) == [TrackState(track: track).encoded()])
                throw Abort()
            }
        }
    }

    @Test func aSequenceSetHoldsExactlyItsSequences() {
        let set = SequenceSet([700, 5, 64, 69, 5])
        #expect([5, 64, 69, 700].allSatisfy { set.contains($0) })
        #expect(![0, 4, 6, 63, 65, 68, 70, 128, 699, 701, 1_000_000].contains { set.contains($0) })
        let empty: SequenceSet = []
        #expect(!empty.contains(0) && !empty.contains(5))
    }

    @Test func foldedCheckpointsGiveBackEachValueAcrossBlocks() {
        // Values of many sizes, one larger than a block and one empty: more than three blocks.
        let sizes = [0, 1, 300_000, FoldedCheckpoints.blockSize + 17, 5, 700_000, 999_999, 2, 400_000]
        let values = sizes.enumerated().map { i, size in (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) } }
        var folded = FoldedCheckpoints()
        for (i, value) in values.enumerated() { folded.append(UInt32(1_000 + i), value) }
        #expect(folded.days == values.indices.map { UInt32(1_000 + $0) })
        #expect(folded.values == values)
        var seen: [(UInt32, [UInt8])] = []
        folded.forEach { day, value in seen.append((day, [UInt8](value))) }
        #expect(seen.map(\.0) == folded.days)
        #expect(seen.map(\.1) == values)
    }

    /// Work handed off is let go once it has run: a fold's closure holds a track's rows.
    @Test func handedOffWorkIsLetGoOnceDone() throws {
        final class Held: Sendable {}
        weak var weakHeld: Held?
        let handed: HandedOff<Int> = {
            let held = Held()
            weakHeld = held
            return HandedOff { withExtendedLifetime(held) { 42 } }
        }()
        #expect(try handed.value() == 42)
        #expect(weakHeld == nil)
        #expect(try handed.value() == 42)
    }

    @Test func chainHashesWorkedOutAheadAreThoseOfTheAppend() throws {
        let directory = try TemporaryDirectory("chained")
        let records = (1...5).map { Record(id: "r\($0)", payload: Array("payload \($0)".utf8)) }
        var options = EventLog.Options()
        options.clock = CorpusCopy.fixedClock
        let now = CorpusCopy.fixedClock()
        let a = try EventLog(directory: directory.appending("a"), options: options)
        let b = try EventLog(directory: directory.appending("b"), options: options)
        // Worked out from the right head, from a wrong one, and with a record already there.
        try a.append(ChainedRecords(Array(records[0..<2]), after: .empty, recordedAt: now), blobs: [])
        try b.append(Array(records[0..<2]))
        let head = try a.head()
        try a.append(ChainedRecords(Array(records[1..<4]), after: head, recordedAt: now), blobs: [])
        try a.append(ChainedRecords(Array(records[4...]), after: .empty, recordedAt: now), blobs: [])
        try b.append(Array(records[1..<4]))
        try b.append(Array(records[4...]))
        let more = (6...8).map { Record(id: "r\($0)", payload: Array("more \($0)".utf8)) }
        let chained = ChainedRecords(more, after: try a.head(), recordedAt: now)
        try a.append(chained, blobs: [])
        try b.append(more)
        #expect(chained.end == (try a.head()))
        #expect(try a.head() == b.head())
        #expect(try a.verify().isIntact)
    }

    @Test func rowsSetAsideOnTheirOwnThreadAreThoseSetAsideInPlaceAndAFailureComesBackAtTheEnd() throws {
        let directory = try TemporaryDirectory("aside")
        let store = try store(directory)
        let registry = try store.log.readIndexes { r in try ProjectionIndex.registry(r) }
        var reports: [(fold: [UInt8], sequence: UInt64)] = []
        try store.log.forEachEntry(withIDPrefix: "event/") { view in
            if case .event(let event) = try ProjectionIndex.decodeRecord(view), !event.type.isRecordFix {
                reports.append((FoldRecord.encoded(event), view.sequence))
            }
        }
        #expect(reports.count > 1_000)

        // In place, as a transaction would; then in batches on the thread of a ``RowsAside``.
        let inPlace = try DeferredRows(loggedBefore: 0)
        var maintenance = IndexMaintenance()
        maintenance.registry = registry
        maintenance.deferred = inPlace
        try store.log.readIndexes { r in
            for report in reports { try maintenance.setAside(fold: report.fold, at: report.sequence, r) }
        }
        let onThread = try DeferredRows(loggedBefore: 0)
        let aside = RowsAside(log: store.log, rows: onThread)
        for start in stride(from: 0, to: reports.count, by: 97) {
            aside.add(Array(reports[start..<min(start + 97, reports.count)]), registry: registry)
        }
        let dirty = try aside.finish()
        #expect(!dirty.isEmpty)
        #expect(dirty == maintenance.dirty)
        let keys = inPlace.trackKeys.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(onThread.trackKeys.sorted { $0.lexicographicallyPrecedes($1) } == keys)
        for key in keys {
            let a = try inPlace.sortedRows(of: key), b = try onThread.sortedRows(of: key)
            #expect(a.rows.count == b.rows.count)
            #expect(a.rows.map { [UInt8](a.bytes[$0.value]) } == b.rows.map { [UInt8](b.bytes[$0.value]) })
            #expect(a.rows.map(\.sequence) == b.rows.map(\.sequence))
        }

        // A record that cannot be read stops the work, and `finish()` throws what it threw.
        let broken = RowsAside(log: store.log, rows: try DeferredRows(loggedBefore: 0))
        broken.add([([200], 1)], registry: registry)
        broken.add(Array(reports.prefix(10)), registry: registry)
        #expect(throws: RecordDecodingError.self) { try broken.finish() }
    }
}
