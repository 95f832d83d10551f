import Dispatch
import EventLog
import Foundation
import Negotiation

/// The checkpoints of one track, computed while ``IndexMaintenance/writeDeferred(_:maintainer:)``
/// writes that track's set-aside rows, instead of by a ``CheckpointRebuild`` afterwards.
///
/// The rows a rebuild from `from` would read are known without reading the index: the track's
/// rows from `from` on that were in the index before the set-aside ones were written (read in
/// the transaction that writes the first of them), and the set-aside rows themselves, both in key
/// order. Folding them needs no transaction, so it runs on another thread while the next track's
/// rows are written. The result is written in a transaction of its own, and only if the
/// checkpoint it started from is still the one in the index (another process may have rebuilt
/// it meanwhile, for a dirty mark of its own); otherwise the track stays marked dirty.
struct DeferredCheckpoints: Sendable {
    let track: Track
    let prefix: [UInt8]
    /// The first day whose checkpoint is recomputed.
    let from: Day
    /// The checkpoint the fold starts from (the track's last before `from`), as read: its key
    /// and value; `nil` when there is none.
    let start: (key: [UInt8], value: [UInt8])?
    /// The track's rows from `from` on that were in the index before this track's set-aside
    /// rows were written, in key order.
    private(set) var existing: DeferredRows.Rows
    /// The set-aside rows, in key order, and the sequences whose rows as first read were
    /// replaced by their final form.
    private(set) var rows: DeferredRows.Rows
    let replaced: SequenceSet

    /// Reads what the fold starts from: the checkpoint before `from` and the rows from `from`
    /// on. Call it in the transaction that writes the first set-aside row of the track, before
    /// writing it.
    init(track: Track, from: Day, rows: DeferredRows.Rows, replaced: SequenceSet, _ w: inout IndexWriter) throws {
        self.track = track
        prefix = ProjectionIndex.trackKey(track.id)
        self.from = from
        self.rows = rows
        self.replaced = replaced
        start = try ProjectionIndex.checkpoint(before: from, prefix: prefix, &w)
        var existing = DeferredRows.Rows(track: prefix, bytes: [])
        var bytes: [UInt8] = []
        try w.scan("track-days", from: prefix + ProjectionIndex.dayBytes(from)) { [prefix] key, value in
            guard key.count == 20, key.starts(with: prefix) else { return false }
            let day = ProjectionIndex.rowDayKey(key)
            let start = bytes.count
            bytes.append(contentsOf: value)
            existing.rows.append((day, ProjectionIndex.sequence(from: key.suffix(8)), true, start..<bytes.count))
            return true
        }
        self.existing = DeferredRows.Rows(track: prefix, bytes: bytes, rows: existing.rows)
    }

    /// The track's checkpoints from `from` on: the state after the last row of each day, folded
    /// from `start` through the rows the index now holds (the existing rows and the set-aside
    /// ones, a set-aside row replacing an existing one of the same key, the last of a key's
    /// set-aside rows replacing the earlier), exactly as ``CheckpointRebuild`` folds them, and
    /// encoded (``TrackState/encoded()``) here, so that the writing thread is free for the next
    /// track's rows.
    func fold() throws -> FoldedCheckpoints {
        var state = TrackState(track: track)
        if let start { state = try start.value.withUnsafeBytes { try TrackState(track: track, checkpoint: $0) } }
        var result = FoldedCheckpoints()
        var rowFold = RowFold(state)
        func apply(_ day: UInt32, _ sequence: UInt64, _ value: UnsafeRawBufferPointer) throws {
            try rowFold.add(day: day, sequence: sequence, value: value) { result.append($0, $1.encoded()) }
        }
        let old = existing.rows
        let new = rows.rows
        var i = 0
        var j = 0
        try existing.bytes.withUnsafeBytes { oldBytes in
            try rows.bytes.withUnsafeBytes { newBytes in
                while i < new.count || j < old.count {
                    // The next set-aside row that is written last under its key, if any.
                    while i < new.count,
                          !(new[i].final || !replaced.contains(new[i].sequence))
                            || (i + 1 < new.count && (new[i + 1].day, new[i + 1].sequence) == (new[i].day, new[i].sequence)) {
                        i += 1
                    }
                    let takeNew: Bool
                    if i < new.count, j < old.count {
                        let a = (new[i].day, new[i].sequence)
                        let b = (old[j].day, old[j].sequence)
                        if a == b { j += 1 }  // replaced by the set-aside row
                        takeNew = a <= b
                    } else if i < new.count {
                        takeNew = true
                    } else if j < old.count {
                        takeNew = false
                    } else {
                        break
                    }
                    if takeNew {
                        try apply(new[i].day, new[i].sequence, UnsafeRawBufferPointer(rebasing: newBytes[new[i].value]))
                        i += 1
                    } else {
                        try apply(old[j].day, old[j].sequence, UnsafeRawBufferPointer(rebasing: oldBytes[old[j].value]))
                        j += 1
                    }
                }
            }
        }
        try rowFold.finish { result.append($0, $1.encoded()) }
        return result
    }

    /// This fold without the rows it folds, which writing its result does not read: kept until
    /// then, they held a track's rows in memory after the fold was done with them.
    var withoutRows: DeferredCheckpoints {
        var copy = self
        copy.existing = DeferredRows.Rows(track: prefix, bytes: [])
        copy.rows = DeferredRows.Rows(track: prefix, bytes: [])
        return copy
    }

    /// Writes the checkpoints `fold()` gave, in place of the track's from `from` on; false,
    /// writing nothing, when the checkpoint the fold started from is no longer the index's.
    func write(_ checkpoints: FoldedCheckpoints, _ w: inout IndexWriter) throws -> Bool {
        let now = try ProjectionIndex.checkpoint(before: from, prefix: prefix, &w)
        guard now?.key == start?.key, now?.value == start?.value else { return false }
        try ProjectionIndex.deleteCheckpoints(from: from, prefix: prefix, &w)
        var key = prefix + [0, 0, 0, 0]
        try checkpoints.forEach { day, value in
            withUnsafeBytes(of: day.bigEndian) { key.replaceSubrange(8..<12, with: $0) }
            try key.withUnsafeBytes { key in
                try w.put(value, forKey: key, in: "checkpoints", appending: false)
            }
        }
        return true
    }
}

/// A track's checkpoints as ``DeferredCheckpoints/fold()`` gives them: their days, and their
/// values one after another in blocks of a megabyte (a long track has a few dozen; handed back
/// to the system when freed, where thousands of small arrays stayed in the allocator's free
/// lists, and never copied to grow, as one buffer doubling was, with both copies alive).
struct FoldedCheckpoints: Sendable {
    private(set) var days: [UInt32] = []
    private var blocks: [[UInt8]] = []
    /// Where each value is: its block, and its bytes there.
    private var places: [(block: Int, bytes: Range<Int>)] = []
    static let blockSize = 1 << 20

    mutating func append(_ day: UInt32, _ value: [UInt8]) {
        if blocks.isEmpty || blocks[blocks.count - 1].count + value.count > blocks[blocks.count - 1].capacity {
            var block: [UInt8] = []
            block.reserveCapacity(max(Self.blockSize, value.count))
            blocks.append(block)
        }
        let last = blocks.count - 1
        let start = blocks[last].count
        blocks[last].append(contentsOf: value)
        days.append(day)
        places.append((last, start..<blocks[last].count))
    }

    /// Calls `body` with each day and its value, in order.
    func forEach(_ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) rethrows {
        for i in days.indices {
            let place = places[i]
            try blocks[place.block].withUnsafeBytes { block in
                try body(days[i], UnsafeRawBufferPointer(rebasing: block[place.bytes]))
            }
        }
    }

    /// The values, each copied out.
    var values: [[UInt8]] { places.map { Array(blocks[$0.block][$0.bytes]) } }
}
