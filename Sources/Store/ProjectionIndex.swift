import Negotiation
import Corpus
import EventLog
import Foundation

/// Derived data kept beside the log so that `state --as-of` and `export` answer without
/// replaying it: rebuildable from the log alone (`parley reindex`), never authoritative.
///
/// Indexes (all keys big-endian, so they sort by track, then day, then sequence):
/// - `track-days`: track key (8) ‖ day (4) ‖ sequence (8) → length of the published day (1:
///   4, or 0 when unknown) ‖ published day of the event's article ‖ the event's
///   ``FoldRecord``. Every event a track's fold takes in, under the last day it could have
///   happened, with the log's corrections applied and retracted events left out. A meeting
///   that names no track is under every track. Checkpoints are rebuilt, and `--known-on`
///   answered, from this index alone.
/// - `fixes`: target event id ‖ 0x00 ‖ sequence (8) → empty: the corrections and retractions
///   of each event.
/// - `articles`: article id → published day (4).
/// - `checkpoints`: track key (8) ‖ day (4) → the track's state after its last event of that
///   day (``TrackState/encoded()``). The state as of D is the checkpoint at the last day ≤ D.
/// - `state`: `version`; `through`, the last sequence whose records are in the indexes above;
///   `registry`, the registry in force; and `dirty:` track id → day: that track's checkpoints
///   from that day on are yet to be recomputed.
///
/// The indexes answer only when they are fresh: this build's version, `through` at the log's
/// head and no dirty mark. Otherwise queries replay the log. Writers in several processes keep
/// them so: an append indexes its records in its own transaction, and only when `through` is
/// where that append began; checkpoints are recomputed a track per transaction, each taking its
/// dirty mark off in the same transaction. Any writer can finish what another left, since all
/// of it is in the log and the `state` index (``NegotiationStore/bringIndexesUpToDate()``).
package enum ProjectionIndex {
    package static let names = ["track-days", "fixes", "articles", "checkpoints", "state"]
    /// 2: `track-days` holds fold records (indexes of version 1 are rebuilt).
    static let version: [UInt8] = Array("2".utf8)

    package static func trackKey(_ track: String) -> [UInt8] {
        Array(SHA256.hash(data: track.utf8).prefix(8))
    }

    package static func dayBytes(_ day: Day) -> [UInt8] {
        withUnsafeBytes(of: dayKey(day).bigEndian) { [UInt8]($0) }
    }

    /// The number ``dayBytes(_:)`` writes big-endian: the day's ordinal, offset so that keys
    /// sort as days do.
    static func dayKey(_ day: Day) -> UInt32 {
        UInt32(truncatingIfNeeded: day.ordinal + (1 << 31))
    }

    package static func day(from bytes: some Collection<UInt8>) -> Day? {
        guard bytes.count == 4 else { return nil }
        let raw = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Day(ordinal: Int(raw) - (1 << 31))
    }

    package static func sequenceBytes(_ sequence: UInt64) -> [UInt8] {
        withUnsafeBytes(of: sequence.bigEndian) { [UInt8]($0) }
    }

    package static func sequence(from bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    static func fixPrefix(_ target: String) -> [UInt8] { Array(target.utf8) + [0] }

    /// A `track-days` value: the published day (when known) and the event's fold record.
    static func trackDayValue(published: [UInt8], event: Event) -> [UInt8] {
        trackDayValue(published: published, capacity: 160) { FoldRecord.encode(event, into: &$0) }
    }

    /// ``trackDayValue(published:event:)`` of an event given as its fold record.
    static func trackDayValue(published: [UInt8], fold: UnsafeRawBufferPointer) -> [UInt8] {
        trackDayValue(published: published, capacity: fold.count) { $0.append(contentsOf: fold) }
    }

    private static func trackDayValue(published: [UInt8], capacity: Int, fold: (inout [UInt8]) -> Void) -> [UInt8] {
        var value: [UInt8] = []
        value.reserveCapacity(1 + published.count + capacity)
        value.append(UInt8(truncatingIfNeeded: published.count))
        value.append(contentsOf: published)
        fold(&value)
        return value
    }

    /// The published day and the fold record of a `track-days` value.
    static func trackDay(_ value: UnsafeRawBufferPointer) throws(RecordDecodingError) -> (published: Day?, fold: UnsafeRawBufferPointer) {
        guard let length = value.first, length == 0 || length == 4, value.count >= 1 + Int(length) else {
            throw RecordDecodingError(reason: "a track-days value of \(value.count) bytes")
        }
        let published = length == 4 ? day(from: value[1..<5]) : nil
        return (published, UnsafeRawBufferPointer(rebasing: value[(1 + Int(length))...]))
    }
}

/// Reading events and their effective form through the indexes.
extension ProjectionIndex {
    /// The recorded event at `sequence`.
    static func event(at sequence: UInt64, _ r: borrowing some IndexReading & ~Copyable) throws -> RecordedEvent? {
        try r.withEntry(at: sequence) { view -> RecordedEvent? in
            guard case .event(let event) = try decodeRecord(view) else { return nil }
            return RecordedEvent(event: event, sequence: view.sequence, recordedAtMicroseconds: view.recordedAtMicroseconds,
                                 hash: hexString(view.hash))
        } ?? nil
    }

    package static func decodeRecord(_ view: EntryView) throws -> LogRecord {
        do {
            return try LogRecord.decode(view.payload)
        } catch {
            throw StoreError.undecodable(sequence: view.sequence, reason: error.reason)
        }
    }

    /// The sequences of the fixes recorded for `id`, in log order.
    static func fixes(of id: String, _ r: borrowing some IndexReading & ~Copyable) throws -> [UInt64] {
        let prefix = fixPrefix(id)
        var result: [UInt64] = []
        try r.scan("fixes", from: prefix) { key, _ in
            guard key.count == prefix.count + 8, key.starts(with: prefix) else { return false }
            result.append(sequence(from: key.suffix(8)))
            return true
        }
        return result
    }

    /// An event as its fixes left it (`nil` when retracted).
    /// With `through`, only the fixes recorded up to that sequence count.
    static func effective(_ recorded: RecordedEvent, _ r: borrowing some IndexReading & ~Copyable,
                          through last: UInt64 = .max) throws -> RecordedEvent? {
        let fixes = try fixes(of: recorded.event.id, r).filter { $0 <= last }.compactMap { try event(at: $0, r)?.event }
        guard let event = EffectiveEvents.fixed(recorded.event, by: fixes) else { return nil }
        var result = recorded
        result.event = event
        return result
    }

    /// The tracks an event is indexed under.
    static func tracks(of event: Event, in registry: Registry) -> [String] {
        tracks(of: event.type, naming: event.tracks, in: registry)
    }

    /// The tracks an event of `type` naming `named` is filed under: those of them the registry
    /// has, or every track (``EffectiveEvents/countsOnEveryTrack(_:namingNone:)``).
    static func tracks(of type: EventType, naming named: [String], in registry: Registry) -> [String] {
        if EffectiveEvents.countsOnEveryTrack(type, namingNone: named.isEmpty) { return registry.tracks.map(\.id) }
        return named.filter { registry.track($0) != nil }
    }

    package static func registry(_ r: borrowing some IndexReading & ~Copyable) throws -> Registry? {
        guard let bytes = try r.get(Array("registry".utf8), in: "state") else { return nil }
        guard case .registry(let registry) = try LogRecord.decode(bytes) else { return nil }
        return registry
    }

    /// Whether the indexes cover the whole log, in this build's format, with every checkpoint
    /// computed. An empty log's are.
    static func isFresh(_ r: borrowing some IndexReading & ~Copyable) throws -> Bool {
        let head = try r.head().sequence
        if head == 0 { return true }
        return try covered(r) == head && firstDirtyMark(r) == nil
    }

    /// The last sequence whose records the indexes hold; nil when they are of another version
    /// or were never built.
    static func covered(_ r: borrowing some IndexReading & ~Copyable) throws -> UInt64? {
        guard try r.get(Array("version".utf8), in: "state") == version,
              let through = try r.get(Array("through".utf8), in: "state") else { return nil }
        return sequence(from: through)
    }

    static let maintainerKey = Array("maintainer".utf8)

    /// The process writing the track index of a large ingest, whom other writers leave the
    /// indexes to (see ``IndexMaintenance/deferred``): its pid.
    static func maintainer(_ r: borrowing some IndexReading & ~Copyable) throws -> Int32? {
        guard let bytes = try r.get(maintainerKey, in: "state"), bytes.count == 4 else { return nil }
        return Int32(bitPattern: bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    static func maintainerBytes(_ pid: Int32) -> [UInt8] {
        withUnsafeBytes(of: UInt32(bitPattern: pid).bigEndian) { [UInt8]($0) }
    }

    /// Whether a process of that pid is running (a pid reused since only delays a rebuild).
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    static let dirtyPrefix = Array("dirty:".utf8)

    static func dirtyKey(_ track: String) -> [UInt8] { dirtyPrefix + Array(track.utf8) }

    /// A track whose checkpoints are to be recomputed, and from which day.
    static func firstDirtyMark(_ r: borrowing some IndexReading & ~Copyable) throws -> (track: String, from: Day)? {
        var found: (String, Day)?
        try r.scan("state", from: dirtyPrefix) { key, value in
            if key.starts(with: dirtyPrefix), let day = day(from: value) {
                found = (String(decoding: key.dropFirst(dirtyPrefix.count), as: UTF8.self), day)
            }
            return false
        }
        return found
    }
}

/// Keeping the indexes in step with appends.
struct IndexMaintenance {
    var registry: Registry? {
        didSet {
            guard registry != oldValue else { return }
            settleDirty()
            named = []
            namedTags = []
        }
    }
    /// Each track's key, computed once.
    private var trackKeys: [String: [UInt8]] = [:]
    /// The last article looked up (its id's bytes) and its published day: events come grouped
    /// by article.
    private var lastPublished: (article: [UInt8], day: [UInt8])?

    /// A track name met in fold records: its bytes, and, when the registry has the track, its
    /// id and key; where ``deferred`` sets its rows aside (forgotten when it is replaced); and
    /// the earliest day of a row filed under it since ``dirty`` was last brought up to date
    /// (`Int.max` for none).
    private struct NamedTrack {
        var name: [UInt8]
        var id: String?
        var key: [UInt8]
        var place: Int?
        var earliest = Int.max
    }
    /// The names met so far, under the registry in force (emptied when it changes). Found by
    /// their bytes, compared after a hash of them (`namedTags`, in the same order): a corpus
    /// names a few dozen tracks at most, and indexing a report then makes no string.
    private var named: [NamedTrack] = []
    private var namedTags: [UInt64] = []
    /// Scratch space for one record: where its track names lie, and which of `named` they are.
    private var nameSpans: [Range<Int>] = []
    private var filedUnder: [Int] = []

    /// Per track, the earliest day whose checkpoints must be recomputed.
    var dirty: [String: Day] {
        mutating get {
            settleDirty()
            return marked
        }
        set {
            settleDirty()
            marked = newValue
        }
    }
    private var marked: [String: Day] = [:]

    /// Moves the days noted in `named` into `marked`.
    private mutating func settleDirty() {
        for i in named.indices where named[i].earliest != .max {
            if let id = named[i].id {
                let day = Day(ordinal: named[i].earliest)
                marked[id] = min(marked[id] ?? day, day)
            }
            named[i].earliest = .max
        }
    }

    /// Set when the registry changed: every track is rebuilt from the start.
    var rebuildAll = false
    /// Set for an ingest of more than one batch, by the process that holds the maintainer mark:
    /// its track rows wait here until every batch is in (see ``DeferredRows``).
    var deferred: DeferredRows? {
        didSet { for i in named.indices { named[i].place = nil } }
    }
    /// With ``deferred``: the sequences of the events fixed by the ingest's corrections and
    /// retractions, whose rows are moved once every batch is in.
    var fixedTargets: [UInt64] = []

    /// Takes in the dirty marks of rows set aside elsewhere (``RowsAside``).
    mutating func markDirty(_ marks: [String: Day]) {
        for (track, day) in marks { marked[track] = min(marked[track] ?? day, day) }
    }

    mutating func markDirty(_ tracks: [String], from day: Day) {
        for track in tracks { marked[track] = min(marked[track] ?? day, day) }
    }

    /// Indexes one appended record.
    mutating func index(_ record: LogRecord, at sequence: UInt64, payload: [UInt8], _ w: inout IndexWriter) throws {
        switch record {
        case .registry(let new):
            if registry != new {
                rebuildAll = registry != nil || rebuildAll
                registry = new
                try w.put(payload, forKey: Array("registry".utf8), in: "state")
            }
        case .article(let article):
            try w.put(ProjectionIndex.dayBytes(article.published), forKey: Array(article.id.utf8), in: "articles")
        case .event(let event) where event.type.isRecordFix:
            if deferred != nil {
                // The fix is indexed now; its target's rows once every batch is in.
                guard let target = event.target, let targetSequence = try w.sequence(of: "event/\(target)") else { return }
                try w.put([], forKey: ProjectionIndex.fixPrefix(target) + ProjectionIndex.sequenceBytes(sequence), in: "fixes")
                fixedTargets.append(targetSequence)
            } else {
                try indexFix(event, at: sequence, &w)
            }
        case .event(let event):
            try add(RecordedEvent(event: event, sequence: sequence, recordedAtMicroseconds: 0, hash: ""), &w)
        }
    }

    private mutating func trackKey(_ track: String) -> [UInt8] {
        if let key = trackKeys[track] { return key }
        let key = ProjectionIndex.trackKey(track)
        trackKeys[track] = key
        return key
    }

    private mutating func published(_ article: String?, _ w: inout IndexWriter) throws -> [UInt8] {
        guard let article else { return [] }
        return try Array(article.utf8).withUnsafeBytes { try published($0, w) }
    }

    /// The published day (4 bytes, or none when unknown) of the article whose id is `article`.
    private mutating func published(_ article: UnsafeRawBufferPointer, _ r: borrowing some IndexReading & ~Copyable) throws -> [UInt8] {
        if let last = lastPublished, Self.same(last.article, article) { return last.day }
        let id = Array(article)
        let day = try r.get(id, in: "articles") ?? []
        // Only a day found is kept: an article indexed later in this batch must be looked up again.
        lastPublished = day.isEmpty ? nil : (id, day)
        return day
    }

    /// The place in `named` of the track named by these bytes, added when first met.
    private mutating func namedTrack(_ name: UnsafeRawBufferPointer, in registry: Registry) -> Int {
        let tag = Self.tag(name)
        for i in namedTags.indices where namedTags[i] == tag {
            if Self.same(named[i].name, name) { return i }
        }
        let id = String(decoding: name, as: UTF8.self)
        let known = registry.track(id) != nil
        named.append(NamedTrack(name: Array(name), id: known ? id : nil, key: known ? trackKey(id) : []))
        namedTags.append(tag)
        return named.count - 1
    }

    /// Whether the bytes are the same (`elementsEqual` compared them one by one, generically).
    private static func same(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && a.withUnsafeBytes { a in
            guard let x = a.baseAddress, let y = b.baseAddress else { return true }
            return memcmp(x, y, a.count) == 0
        }
    }

    /// A 64-bit FNV-1a hash of a name.
    private static func tag(_ name: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Indexes one appended report given as its fold record (``FoldRecord``): the same rows as
    /// ``index(_:at:payload:_:)`` with the event the record holds, without decoding it.
    mutating func index(fold: [UInt8], at sequence: UInt64, final: Bool = false, _ w: inout IndexWriter) throws {
        if deferred != nil { return try setAside(fold: fold, at: sequence, final: final, w) }
        guard let registry else { return }
        try fold.withUnsafeBytes { bytes in
            guard let (day, article) = try file(bytes, in: registry) else { return }
            let publishedDay = try article.map { try published(UnsafeRawBufferPointer(rebasing: bytes[$0]), w) } ?? []
            let value = ProjectionIndex.trackDayValue(published: publishedDay, fold: bytes)
            let suffix = ProjectionIndex.dayBytes(day) + ProjectionIndex.sequenceBytes(sequence)
            for k in filedUnder.indices { try w.put(value, forKey: named[filedUnder[k]].key + suffix, in: "track-days") }
        }
    }

    /// ``index(fold:at:final:_:)`` for an ingest that sets its rows aside (``deferred``): only
    /// the `articles` index is read, so this can run outside the append's transaction, in a
    /// snapshot that holds the record (``RowsAside``).
    mutating func setAside(fold: [UInt8], at sequence: UInt64, final: Bool = false, _ r: borrowing some IndexReading & ~Copyable) throws {
        guard let registry, let deferred else { return }
        try fold.withUnsafeBytes { bytes in
            guard let (day, article) = try file(bytes, in: registry) else { return }
            let publishedDay = try article.map { try published(UnsafeRawBufferPointer(rebasing: bytes[$0]), r) } ?? []
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

    /// Reads what filing a fold record needs: the tracks it is filed under go to `filedUnder`
    /// (as ``ProjectionIndex/tracks(of:naming:in:)`` has them), and are marked dirty from its
    /// day; returns that day and where the article's id lies, or `nil` for a record with no
    /// date (filed nowhere).
    private mutating func file(_ bytes: UnsafeRawBufferPointer, in registry: Registry) throws -> (day: Day, article: Range<Int>?)? {
        let (type, on, article) = try FoldRecord.spans(bytes, tracks: &nameSpans)
        guard let on else { return nil }
        filedUnder.removeAll(keepingCapacity: true)
        if EffectiveEvents.countsOnEveryTrack(type, namingNone: nameSpans.isEmpty) {
            for track in registry.tracks {
                filedUnder.append(Array(track.id.utf8).withUnsafeBytes { namedTrack($0, in: registry) })
            }
        } else {
            for k in nameSpans.indices {
                let i = namedTrack(UnsafeRawBufferPointer(rebasing: bytes[nameSpans[k]]), in: registry)
                if named[i].id != nil { filedUnder.append(i) }
            }
        }
        let day = on.last
        for k in filedUnder.indices {
            let i = filedUnder[k]
            named[i].earliest = min(named[i].earliest, day.ordinal)
        }
        return (day, article)
    }

    private mutating func add(_ recorded: RecordedEvent, final: Bool = false, _ w: inout IndexWriter) throws {
        guard let registry, let on = recorded.event.on else { return }
        let tracks = ProjectionIndex.tracks(of: recorded.event, in: registry)
        let value = ProjectionIndex.trackDayValue(published: try published(recorded.event.article, &w), event: recorded.event)
        try addRows(tracks, day: on.last, sequence: recorded.sequence, value: value, final: final, &w)
    }

    private mutating func addRows(_ tracks: [String], day: Day, sequence: UInt64, value: [UInt8], final: Bool,
                                  _ w: inout IndexWriter) throws {
        if let deferred {
            let dayKey = ProjectionIndex.dayKey(day)
            for track in tracks {
                try deferred.add(track: trackKey(track), day: dayKey, sequence: sequence, value: value, final: final)
            }
        } else {
            let suffix = ProjectionIndex.dayBytes(day) + ProjectionIndex.sequenceBytes(sequence)
            for track in tracks {
                try w.put(value, forKey: trackKey(track) + suffix, in: "track-days")
            }
        }
        markDirty(tracks, from: day)
    }

    /// Tracks whose checkpoints are folded at once while rows are written. Two keep both cores
    /// busy: a 1M-event ingest's rows phase takes 1.2–1.5 s, against 2.0–2.5 s with one. Its
    /// peak memory then stays at 122–127 MB, now that a fold lets its rows go once done and
    /// keeps its checkpoints in blocks (it reached 146–149 MB before, against a limit of 150).
    static let foldsAtOnce = 2

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
                var read = 0
                for (n, target) in part.enumerated() where n % 2 == share {
                    // The targets are spread over the whole log, and each page read maps its
                    // neighbours too: drop the pages read as we go (each thread, every 128 reads).
                    read += 1
                    if read % 128 == 0 { log.releaseMappedPages() }
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
            log.releaseMappedPages()
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
            log.releaseMappedPages()
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
                log.releaseMappedPages()
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
    private mutating func deferredRemove(fold: [UInt8], at sequence: UInt64, _ w: inout IndexWriter) throws {
        guard let registry else { return }
        try fold.withUnsafeBytes { bytes in
            guard let (day, _) = try file(bytes, in: registry) else { return }
            let suffix = ProjectionIndex.dayBytes(day) + ProjectionIndex.sequenceBytes(sequence)
            for k in filedUnder.indices { try w.delete(named[filedUnder[k]].key + suffix, in: "track-days") }
        }
    }

    private mutating func remove(_ recorded: RecordedEvent, _ w: inout IndexWriter) throws {
        guard let registry, let on = recorded.event.on else { return }
        let tracks = ProjectionIndex.tracks(of: recorded.event, in: registry)
        let suffix = ProjectionIndex.dayBytes(on.last) + ProjectionIndex.sequenceBytes(recorded.sequence)
        for track in tracks {
            try w.delete(trackKey(track) + suffix, in: "track-days")
        }
        markDirty(tracks, from: on.last)
    }

    /// A fix moves its target: out of the index as it was, back in as it now is (unless retracted).
    private mutating func indexFix(_ fix: Event, at sequence: UInt64, _ w: inout IndexWriter) throws {
        guard let target = fix.target, let targetSequence = try w.sequence(of: "event/\(target)"),
              let original = try ProjectionIndex.event(at: targetSequence, w) else { return }
        if let before = try ProjectionIndex.effective(original, w) { try remove(before, &w) }
        try w.put([], forKey: ProjectionIndex.fixPrefix(target) + ProjectionIndex.sequenceBytes(sequence), in: "fixes")
        if let after = try ProjectionIndex.effective(original, w) { try add(after, &w) }
    }

    /// Records in the `state` index what this transaction indexed: `through`, and the tracks
    /// whose checkpoints are now out of date (kept with the earliest day any writer marked).
    mutating func commit(through sequence: UInt64, _ w: inout IndexWriter) throws {
        if rebuildAll, let registry {
            for track in registry.tracks { dirty[track.id] = Day(ordinal: Int(Int32.min) / 2) }
        }
        for (track, day) in dirty {
            let key = ProjectionIndex.dirtyKey(track)
            let marked = try w.get(key, in: "state").flatMap { ProjectionIndex.day(from: $0) }
            if marked.map({ day < $0 }) ?? true { try w.put(ProjectionIndex.dayBytes(day), forKey: key, in: "state") }
        }
        dirty = [:]
        rebuildAll = false
        try w.put(ProjectionIndex.version, forKey: Array("version".utf8), in: "state")
        try w.put(ProjectionIndex.sequenceBytes(sequence), forKey: Array("through".utf8), in: "state")
    }

    /// Recomputes the checkpoints of every track marked dirty, one track per transaction (so that
    /// none holds every checkpoint of a large log, and none is half done), each taking its mark
    /// off in that transaction.
    static func recomputeDirtyCheckpoints(_ log: EventLog) throws {
        while true {
            let more = try log.updateIndexes { w -> Bool in
                guard let (track, from) = try ProjectionIndex.firstDirtyMark(w) else { return false }
                if let registry = try ProjectionIndex.registry(w), let known = registry.track(track) {
                    var rebuild = try CheckpointRebuild(known, from: from, &w)
                    while try rebuild.step(&w) {}
                }
                _ = try w.delete(ProjectionIndex.dirtyKey(track), in: "state")
                return true
            }
            log.releaseMappedPages()
            if !more { return }
        }
    }
}

/// Folds a track from the checkpoint before a day to its last event, writing a checkpoint at
/// the end of every day that has events, reading rows a few thousand at a time.
extension ProjectionIndex {
    /// The track's last checkpoint before `day` (its key and value), if any; `prefix` is the
    /// track's key.
    static func checkpoint(before day: Day, prefix: [UInt8], _ w: inout IndexWriter) throws -> (key: [UInt8], value: [UInt8])? {
        guard let found = try w.last(atOrBefore: prefix + dayBytes(day.adding(days: -1)), in: "checkpoints"),
              found.key.starts(with: prefix) else { return nil }
        return found
    }

    /// Deletes the track's checkpoints from `day` on; `prefix` is the track's key.
    static func deleteCheckpoints(from day: Day, prefix: [UInt8], _ w: inout IndexWriter) throws {
        var stale: [[UInt8]] = []
        try w.scan("checkpoints", from: prefix + dayBytes(day)) { key, _ in
            guard key.starts(with: prefix) else { return false }
            stale.append([UInt8](key))
            return true
        }
        for key in stale { try w.delete(key, in: "checkpoints") }
    }
}

struct CheckpointRebuild {
    let track: Track
    let prefix: [UInt8]
    private var state: TrackState
    /// The next `track-days` key to read, and the day whose checkpoint is not written yet.
    private var resume: [UInt8]
    private var day: [UInt8]?

    /// Drops the track's checkpoints from `from` on, and starts from the one before.
    init(_ track: Track, from: Day, _ w: inout IndexWriter) throws {
        self.track = track
        prefix = ProjectionIndex.trackKey(track.id)
        resume = prefix + ProjectionIndex.dayBytes(from)
        try ProjectionIndex.deleteCheckpoints(from: from, prefix: prefix, &w)
        state = TrackState(track: track)
        if let (_, value) = try ProjectionIndex.checkpoint(before: from, prefix: prefix, &w) {
            state = try value.withUnsafeBytes { try TrackState(track: track, checkpoint: $0) }
        }
    }

    /// Folds the next rows in and writes their checkpoints, until about 4 MB of checkpoints are
    /// written or the rows end; `false` once they have ended (the last checkpoint written).
    mutating func step(_ w: inout IndexWriter) throws -> Bool {
        // Rows are read in chunks (the checkpoints are written between two scans), each folded
        // from its fold record: no log entry is read. A day's checkpoint is written once its last
        // event is folded in, when the next day starts or the rows end.
        var written = 0
        var rows: [(day: [UInt8], event: RecordedEvent)] = []
        while written < 4 << 20 {
            rows.removeAll(keepingCapacity: true)
            var next: [UInt8]?
            try w.scan("track-days", from: resume) { [prefix] key, value in
                guard key.count == 20, key.starts(with: prefix) else { return false }
                guard rows.count < 4_096 else {
                    next = [UInt8](key)
                    return false
                }
                let (_, fold) = try ProjectionIndex.trackDay(value)
                let event = try FoldRecord.decode(fold)
                rows.append(([UInt8](key[8..<12]), RecordedEvent(event: event, sequence: ProjectionIndex.sequence(from: key.suffix(8)),
                                                                 recordedAtMicroseconds: 0, hash: "")))
                return true
            }
            for row in rows {
                if let current = day, current != row.day {
                    let checkpoint = state.encoded()
                    written += checkpoint.count
                    try w.put(checkpoint, forKey: prefix + current, in: "checkpoints")
                }
                day = row.day
                state.apply(row.event)
            }
            guard let next else {
                if let day { try w.put(state.encoded(), forKey: prefix + day, in: "checkpoints") }
                return false
            }
            resume = next
            // A long track's pages are finished with: stop counting them toward memory.
            w.releaseMappedPages()
        }
        return true
    }
}

/// Queries answered from the indexes.
extension ProjectionIndex {
    /// The state of each track as of `day` (everything known), from the checkpoints.
    static func states(asOf day: Day, tracks: [Track], _ r: borrowing some IndexReading & ~Copyable) throws -> [TrackState] {
        try tracks.map { track in
            let prefix = trackKey(track.id)
            guard let (key, value) = try r.last(atOrBefore: prefix + dayBytes(day), in: "checkpoints"), key.starts(with: prefix) else {
                return TrackState(track: track)
            }
            return try value.withUnsafeBytes { try TrackState(track: track, checkpoint: $0) }
        }
    }

    /// The state of `track` as of `day` as known on `knownOn`: the track's indexed events up to
    /// `day` whose article was published by then, folded.
    static func state(asOf day: Day, knownOn: Day, track: Track, _ r: borrowing some IndexReading & ~Copyable) throws -> TrackState {
        let prefix = trackKey(track.id)
        let end = dayBytes(day)
        var state = TrackState(track: track)
        try r.scan("track-days", from: prefix) { key, value in
            guard key.count == 20, key.starts(with: prefix), key[8..<12].lexicographicallyPrecedes(end) || key[8..<12].elementsEqual(end)
            else { return false }
            let (published, fold) = try trackDay(value)
            if EffectiveEvents.isKnown(published: published, by: knownOn) {
                state.apply(RecordedEvent(event: try FoldRecord.decode(fold), sequence: sequence(from: key.suffix(8)),
                                          recordedAtMicroseconds: 0, hash: ""))
            }
            return true
        }
        return state
    }
}
