import EventLog
import Foundation
import Negotiation

/// The indexing of an ingest that sets its track rows aside (``IndexMaintenance/deferred``) and
/// writes them in key order once every batch is in.
extension IndexMaintenance {
    /// ``index(fold:at:final:_:)`` for an ingest that sets its rows aside (``deferred``): only
    /// the `articles` index is read, so this can run outside the append's transaction, in a
    /// snapshot that holds the record (``RowsAside``).
    mutating func setAside(fold: [UInt8], at sequence: UInt64, final: Bool = false, _ r: borrowing some IndexReading & ~Copyable) throws {
        guard let registry, let deferred else { return }
        try fold.withUnsafeBytes { bytes in
            guard let (day, article) = try file(bytes, in: registry) else { return }
            let publishedDay = try publishedDays(bytes, article: article, r)
            let dayKey = ProjectionIndex.dayKey(day)
            for k in filedUnder.indices {
                let i = filedUnder[k]
                let place: Int
                if let known = named[i].place {
                    place = known
                } else {
                    place = deferred.place(of: named[i].key)
                    named[i].place = place
                }
                try deferred.add(place: place, day: dayKey, sequence: sequence, published: publishedDay, fold: bytes, final: final)
            }
        }
    }

    /// Writes the `track-days` rows collected by ``DeferredRows``: first the fixed events in
    /// their final form (an event recorded before this ingest loses its rows as they were), then
    /// each track's rows in key order, one transaction per track. The result is the index that
    /// adding rows batch by batch gives: the rows of every event as its fixes finally leave it.
    ///
    /// Each transaction first checks that `maintainer` still holds the mark; if not (a
    /// `parley reindex` cleared it), it writes nothing and this returns false.
    mutating func writeDeferred(_ log: EventLog, maintainer: Int32) throws -> Bool {
        guard let rows = deferred else { return true }
        var replacedSequences: [UInt64] = []
        // Each fixed event as it was before this ingest and as its fixes now leave it (as fold
        // records), read on two threads (decoding them is most of the work) from a snapshot that
        // stays as it is: only the holder of the maintainer mark writes these indexes. A few
        // thousand at a time, so that memory stays small.
        var seen = Set<UInt64>()
        let targets = fixedTargets.filter { seen.insert($0).inserted }
        let loggedBefore = rows.loggedBefore
        for chunk in stride(from: 0, to: targets.count, by: 8_192) {
            let part = Array(targets[chunk..<min(chunk + 8_192, targets.count)])
            let shares = try log.readIndexesConcurrently(2) { share, r in
                var found: [(target: UInt64, before: [UInt8]?, after: [UInt8]?)] = []
                for (n, target) in part.enumerated() where n % 2 == share {
                    guard let original = try ProjectionIndex.event(at: target, r) else { continue }
                    let before = target > loggedBefore ? nil : try ProjectionIndex.effective(original, r, through: loggedBefore)
                    let after = try ProjectionIndex.effective(original, r)
                    found.append((target, before.map { FoldRecord.encoded($0.event) }, after.map { FoldRecord.encoded($0.event) }))
                }
                return found
            }
            guard try log.updateIndexes({ w -> Bool in
                guard try ProjectionIndex.maintainer(w) == maintainer else { return false }
                for (target, before, after) in shares.joined() {
                    if target > loggedBefore {
                        // Appended by this ingest: its rows as first read are dropped below.
                        replacedSequences.append(target)
                    } else if let before {
                        try deferredRemove(fold: before, at: target, &w)
                    }
                    if let after { try index(fold: after, at: target, final: true, &w) }
                }
                return true
            }) else { return false }
        }
        let replaced = SequenceSet(replacedSequences)
        // The checkpoints of each track whose rows are written are folded from those rows on
        // another thread while the next track's are written (see ``DeferredCheckpoints``), at
        // most ``foldsAtOnce`` at a time. A changed registry marks every track.
        if rebuildAll, let registry {
            for track in registry.tracks { dirty[track.id] = Day(ordinal: Int(Int32.min) / 2) }
            rebuildAll = false
        }
        var tracks: [[UInt8]: Track] = [:]
        for track in registry?.tracks ?? [] { tracks[trackKey(track.id)] = track }
        var folds: [(checkpoints: DeferredCheckpoints, result: HandedOff<FoldedCheckpoints>)] = []
        func writeOldestFold() throws -> Bool {
            let (checkpoints, result) = folds.removeFirst()
            let folded = try result.value()
            let written = try log.updateIndexes { w -> Bool? in
                guard try ProjectionIndex.maintainer(w) == maintainer else { return nil }
                return try checkpoints.write(folded, &w)
            }
            guard let written else { return false }
            // Otherwise the track stays marked, and its checkpoints are rebuilt.
            if written { dirty[checkpoints.track.id] = nil }
            return true
        }
        defer {
            // On an early return, the folds still running are waited for (their results unused).
            for fold in folds { _ = try? fold.result.value() }
        }
        // Tracks in key order, so that each one's rows sort after the ones written before them.
        // The next track's rows are read back and sorted on another thread while this one's are
        // written (one at a time: the file of set-aside rows is read by one thread).
        let keys = rows.trackKeys.sorted { $0.lexicographicallyPrecedes($1) }
        func readBack(_ n: Int) -> HandedOff<DeferredRows.Rows>? {
            guard n < keys.count else { return nil }
            let key = keys[n]
            return HandedOff { try rows.sortedRows(of: key) }
        }
        var next = readBack(0)
        // On an early return, the reading under way is waited for (its rows unused).
        defer { _ = try? next?.value() }
        for n in keys.indices {
            guard let reading = next else { break }
            let sorted = try reading.value()
            next = readBack(n + 1)
            let track = tracks[keys[n]]
            // The first day whose checkpoints change: that of the earliest row written, or earlier.
            let firstDay = sorted.rows.first.flatMap { row in ProjectionIndex.day(from: withUnsafeBytes(of: row.day.bigEndian) { Array($0) }) }
            var from: Day?
            if let track, let firstDay { from = min(dirty[track.id] ?? firstDay, firstDay) }
            var checkpoints: DeferredCheckpoints?
            // In transactions of 16,384 rows, so that no transaction holds a long track's pages.
            for start in stride(from: 0, to: sorted.rows.count, by: 16_384) {
                let held = try log.updateIndexes { w -> Bool in
                    guard try ProjectionIndex.maintainer(w) == maintainer else { return false }
                    if start == 0, let track, let from {
                        checkpoints = try DeferredCheckpoints(track: track, from: from, rows: sorted, replaced: replaced, &w)
                    }
                    try sorted.write(start..<min(start + 16_384, sorted.rows.count), replaced: replaced, &w)
                    return true
                }
                guard held else { return false }
                if start == 0, let checkpoints {
                    if folds.count >= Self.foldsAtOnce { guard try writeOldestFold() else { return false } }
                    folds.append((checkpoints.withoutRows, HandedOff { try checkpoints.fold() }))
                }
            }
        }
        while !folds.isEmpty {
            guard try writeOldestFold() else { return false }
        }
        deferred = nil
        fixedTargets = []
        return true
    }

    /// Removes the rows of the event of this fold record from the index itself (not from the
    /// set-aside rows).
    mutating func deferredRemove(fold: [UInt8], at sequence: UInt64, _ w: inout IndexWriter) throws {
        guard let registry else { return }
        try fold.withUnsafeBytes { bytes in
            guard let (day, _) = try file(bytes, in: registry) else { return }
            let suffix = ProjectionIndex.dayBytes(day) + ProjectionIndex.sequenceBytes(sequence)
            for k in filedUnder.indices { try w.delete(named[filedUnder[k]].key + suffix, in: "track-days") }
        }
    }
}
