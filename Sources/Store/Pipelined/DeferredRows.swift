import EventLog
import FileIO
import Foundation
import Negotiation
import Synchronization

/// The `track-days` rows of an ingest of many batches, set aside until every batch is in.
///
/// Written batch by batch, rows land at random places in the index (events come in log
/// order, the index is by track and day), so each batch copied and wrote again most of the
/// index's pages, and kept them all dirty in its transaction. Here they wait in a temporary
/// file, by track, and are then written track by track in key order, each page once
/// (``IndexMaintenance/writeDeferred(_:)``). Until then the indexes do not cover the log
/// (`through` is written last), so an ingest interrupted before leaves them stale, never wrong.
///
/// Memory: a buffer per track, and one track's rows when they are sorted. A row set aside
/// twice (a transaction run again after the map grew) is written twice, to the same effect.
final class DeferredRows: Sendable {
    /// The log's last sequence before this ingest: fixes of events up to it remove their rows.
    let loggedBefore: UInt64

    /// One track's rows, read back: their bytes, and each row's place in them, in key order.
    struct Rows: Sendable {
        let track: [UInt8]
        let bytes: [UInt8]
        /// Day and sequence as the key has them (big-endian), and where the value is.
        var rows: [(day: UInt32, sequence: UInt64, final: Bool, value: Range<Int>)] = []

        func key(_ i: Int) -> [UInt8] {
            track + withUnsafeBytes(of: rows[i].day.bigEndian) { [UInt8]($0) } + ProjectionIndex.sequenceBytes(rows[i].sequence)
        }

        /// Puts the rows at `range` into `track-days`: those that are written, and of a key's
        /// rows only the last (which a put of each would leave). When the index holds no key past
        /// the first of them (an ingest into an empty log, tracks taken in key order), they are
        /// appended.
        func write(_ range: Range<Int>, replaced: SequenceSet, _ w: inout IndexWriter) throws {
            guard let first = range.first else { return }
            let appending = try w.lastKey(in: "track-days").map { $0.lexicographicallyPrecedes(key(first)) } ?? true
            var rowKey = track + [UInt8](repeating: 0, count: 12)
            try bytes.withUnsafeBytes { bytes in
                for i in range where rows[i].final || !replaced.contains(rows[i].sequence) {
                    if i + 1 < rows.count, (rows[i + 1].day, rows[i + 1].sequence) == (rows[i].day, rows[i].sequence) { continue }
                    rowKey.withUnsafeMutableBytes { [at = track.count] key in
                        key.storeBytes(of: rows[i].day.bigEndian, toByteOffset: at, as: UInt32.self)
                        key.storeBytes(of: rows[i].sequence.bigEndian, toByteOffset: at + 4, as: UInt64.self)
                    }
                    try rowKey.withUnsafeBytes { key in
                        try w.put(UnsafeRawBufferPointer(rebasing: bytes[rows[i].value]), forKey: key, in: "track-days", appending: appending)
                    }
                }
            }
        }
    }

    private let file: ScratchFile
    /// What is set aside so far: the ingest's appending thread and the thread that sets rows
    /// aside (``RowsAside``) each reach it through the mutex, though never at the same time.
    private let state = Mutex(State())
    private static let bufferSize = 1 << 18

    private struct State {
        var fileLength: UInt64 = 0
        /// Per track (by its place in `trackKeys`): rows not yet written to the file, and where
        /// its earlier ones are.
        var places: [UInt64: Int] = [:]
        var trackKeys: [[UInt8]] = []
        var buffers: [[UInt8]] = []
        var chunks: [[(offset: UInt64, length: Int)]] = []
        var rowCounts: [Int] = []

        mutating func place(of track: [UInt8]) -> Int {
            let id = track.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if let known = places[id] { return known }
            let place = trackKeys.count
            places[id] = place
            trackKeys.append(Array(track.prefix(8)))
            buffers.append([])
            chunks.append([])
            rowCounts.append(0)
            return place
        }

        mutating func append(_ place: Int, day: UInt32, sequence: UInt64, final: Bool, _ length: Int, value: (inout [UInt8]) -> Void) {
            rowCounts[place] += 1
            withUnsafeBytes(of: day.bigEndian) { buffers[place].append(contentsOf: $0) }
            withUnsafeBytes(of: sequence.bigEndian) { buffers[place].append(contentsOf: $0) }
            buffers[place].append(final ? 1 : 0)
            withUnsafeBytes(of: UInt32(length).littleEndian) { buffers[place].append(contentsOf: $0) }
            value(&buffers[place])
        }

        /// Writes the track's buffer to the end of the file once it is full.
        mutating func flushIfFull(_ place: Int, to file: ScratchFile) throws(FileError) {
            guard buffers[place].count >= DeferredRows.bufferSize else { return }
            try file.write(buffers[place], at: Int(fileLength))
            chunks[place].append((fileLength, buffers[place].count))
            fileLength += UInt64(buffers[place].count)
            buffers[place].removeAll(keepingCapacity: true)
        }
    }

    init(loggedBefore: UInt64) throws(FileError) {
        self.loggedBefore = loggedBefore
        file = try ScratchFile(name: "the temporary index file", prefix: "parley-rows")
    }

    /// What the file takes on its file system: the rows set aside, less those read back.
    var allocatedBytes: Int? { file.allocatedBytes }

    /// The 8-byte keys of the tracks with rows set aside, in the order first met.
    var trackKeys: [[UInt8]] { state.withLock { $0.trackKeys } }

    /// Where the rows of `track` (its 8-byte key) are set aside: what
    /// ``add(place:day:sequence:published:fold:final:)`` takes.
    func place(of track: [UInt8]) -> Int {
        state.withLock { $0.place(of: track) }
    }

    /// Sets a row aside: the row of `track` (its 8-byte key), `day` (as the key has it) and
    /// `sequence`.
    func add(track: [UInt8], day: UInt32, sequence: UInt64, value: [UInt8], final: Bool) throws(FileError) {
        try state.withLock { state throws(FileError) in
            let place = state.place(of: track)
            value.withUnsafeBytes { value in
                state.append(place, day: day, sequence: sequence, final: final, value.count) { $0.append(contentsOf: value) }
            }
            try state.flushIfFull(place, to: file)
        }
    }

    /// ``add(track:day:sequence:value:final:)`` at a track's `place`, of the value a
    /// `track-days` row holds (``ProjectionIndex``): the length of `published`, `published`,
    /// then the fold record, written straight into the track's buffer.
    func add(place: Int, day: UInt32, sequence: UInt64, published: [UInt8], fold: UnsafeRawBufferPointer, final: Bool) throws(FileError) {
        try state.withLock { state throws(FileError) in
            state.append(place, day: day, sequence: sequence, final: final, 1 + published.count + fold.count) { buffer in
                buffer.append(UInt8(truncatingIfNeeded: published.count / 4))
                buffer.append(contentsOf: published)
                buffer.append(contentsOf: fold)
            }
            try state.flushIfFull(place, to: file)
        }
    }

    /// The rows of one track, sorted by key.
    func sortedRows(of track: [UInt8]) throws(FileError) -> Rows {
        // The track's rows are taken out: what is read back is no longer the set-aside rows'.
        let taken = state.withLock { state -> (pending: [UInt8], chunks: [(offset: UInt64, length: Int)], count: Int)? in
            guard let place = state.places[track.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }] else { return nil }
            defer {
                state.buffers[place] = []
                state.chunks[place] = []
                state.rowCounts[place] = 0
            }
            return (state.buffers[place], state.chunks[place], state.rowCounts[place])
        }
        guard let (pending, chunks, rowCount) = taken else { return Rows(track: track, bytes: []) }
        // Read straight into one array of the track's size: grown chunk by chunk, it was
        // allocated (and its pages touched) afresh at each doubling.
        let total = chunks.reduce(pending.count) { $0 + $1.length }
        var complete = true
        var failure: FileError?
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            for chunk in chunks {
                guard complete else { break }
                do throws(FileError) {
                    complete = try file.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: chunk.length),
                                             at: Int(chunk.offset)) == chunk.length
                } catch {
                    failure = error
                    complete = false
                }
                if complete { file.release(Int(chunk.offset)..<(Int(chunk.offset) + chunk.length)) }
                count += chunk.length
            }
            guard complete else {
                count = 0
                return
            }
            pending.withUnsafeBufferPointer { pending in
                if let source = pending.baseAddress { (base + count).update(from: source, count: pending.count) }
            }
            count += pending.count
        }
        if let failure { throw failure }
        // Shorter than what was written to it, or not as written: the system failed us.
        let damaged = FileError(path: file.name, operation: "read back", reason: .system(.ioError))
        guard complete else { throw damaged }
        var result = Rows(track: track, bytes: bytes)
        result.rows.reserveCapacity(rowCount)
        var offset = 0
        while offset < bytes.count {
            guard offset + 17 <= bytes.count else { throw damaged }
            let day = bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let sequence = ProjectionIndex.sequence(from: bytes[(offset + 4)..<(offset + 12)])
            let final = bytes[offset + 12] == 1
            let length = bytes[(offset + 13)..<(offset + 17)].reversed().reduce(0) { $0 << 8 | Int($1) }
            let start = offset + 17
            guard start + length <= bytes.count else { throw damaged }
            result.rows.append((day, sequence, final, start..<(start + length)))
            offset = start + length
        }
        // Key order is day, then sequence, order. A row's final form sorts after the same key
        // as first read, so that it is the one written last.
        result.rows.sort { a, b in
            (a.day, a.sequence) == (b.day, b.sequence) ? !a.final && b.final : (a.day, a.sequence) < (b.day, b.sequence)
        }
        return result
    }
}

/// A set of log sequences, as bits from the least: asked once per set-aside row, which a hash
/// set made a noticeable part of folding them.
struct SequenceSet: Sendable, ExpressibleByArrayLiteral {
    private let base: UInt64
    private let words: [UInt64]

    init(_ sequences: some Sequence<UInt64>) {
        let all = Array(sequences)
        guard let least = all.min(), let most = all.max() else {
            base = 0
            words = []
            return
        }
        base = least
        var words = [UInt64](repeating: 0, count: Int((most - least) / 64) + 1)
        for sequence in all {
            let bit = sequence - least
            words[Int(bit / 64)] |= 1 << (bit % 64)
        }
        self.words = words
    }

    init(arrayLiteral sequences: UInt64...) { self.init(sequences) }

    func contains(_ sequence: UInt64) -> Bool {
        guard sequence >= base else { return false }
        let bit = sequence - base
        let word = bit / 64
        guard word < UInt64(words.count) else { return false }
        return words[Int(word)] & (1 << (bit % 64)) != 0
    }
}

/// Sets the track rows of an ingest's reports aside (``IndexMaintenance/setAside(fold:at:final:_:)``)
/// on a thread of its own, batch after batch, once each batch is committed, so that the thread
/// that appends, which the ingest waits on, does not.
///
/// Owns an ``IndexMaintenance`` of its own, touched only on its queue, sharing the ingest's
/// ``DeferredRows`` (to which only it adds rows until ``finish()``). Each batch is read in a
/// snapshot taken after it committed, so that the articles it indexed are there. At most a few
/// batches wait, so that their fold records do not pile up in memory.
final class RowsAside: Sendable {
    private let log: EventLog
    private let queue = DispatchQueue(label: "parley.rows-aside")
    private let room = DispatchSemaphore(value: 4)
    /// Touched by the queue's work, one batch at a time, and read by `finish()` once the queue
    /// is drained.
    private let state: Mutex<(maintenance: IndexMaintenance, failure: (any Error)?)>

    init(log: EventLog, rows: DeferredRows) {
        self.log = log
        var maintenance = IndexMaintenance()
        maintenance.deferred = rows
        state = Mutex((maintenance, nil))
    }

    /// Queues the reports of a committed batch: each fold record with its sequence, filed under
    /// `registry`'s tracks.
    func add(_ reports: [(fold: [UInt8], sequence: UInt64)], registry: Registry?) {
        room.wait()
        queue.async { [self] in
            defer { room.signal() }
            state.withLock { state in
                guard state.failure == nil else { return }
                do {
                    state.maintenance.registry = registry
                    try log.readIndexes { r in
                        for report in reports { try state.maintenance.setAside(fold: report.fold, at: report.sequence, r) }
                    }
                } catch {
                    state.failure = error
                }
            }
        }
    }

    /// Waits for the batches queued, and returns the tracks their rows made dirty, from which
    /// day; throws what setting them aside threw.
    func finish() throws -> [String: Day] {
        queue.sync {}
        return try state.withLock { state in
            if let failure = state.failure { throw failure }
            return state.maintenance.dirty
        }
    }
}
