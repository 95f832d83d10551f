import Crypto
import EventLog

/// Derived data kept beside the log so that `state --as-of` and `export` answer without
/// replaying it: rebuildable from the log alone (`parley reindex`), never authoritative.
///
/// Indexes (all keys big-endian, so they sort by track, then day, then sequence):
/// - `track-days`: track key (8) ‖ day (4) ‖ sequence (8) → published day of the event's
///   article (4, or empty). Every event a track's fold takes in, under the last day it could
///   have happened, with the log's corrections applied and retracted events left out. A meeting
///   that names no track is under every track.
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
enum ProjectionIndex {
    static let names = ["track-days", "fixes", "articles", "checkpoints", "state"]
    static let version: [UInt8] = Array("1".utf8)

    static func trackKey(_ track: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(track.utf8)).prefix(8))
    }

    static func dayBytes(_ day: Day) -> [UInt8] {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: day.ordinal + (1 << 31)).bigEndian) { [UInt8]($0) }
    }

    static func day(from bytes: some Collection<UInt8>) -> Day? {
        guard bytes.count == 4 else { return nil }
        let raw = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Day(ordinal: Int(raw) - (1 << 31))
    }

    static func sequenceBytes(_ sequence: UInt64) -> [UInt8] {
        withUnsafeBytes(of: sequence.bigEndian) { [UInt8]($0) }
    }

    static func sequence(from bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    static func fixPrefix(_ target: String) -> [UInt8] { Array(target.utf8) + [0] }
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

    static func decodeRecord(_ view: EntryView) throws -> LogRecord {
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
    static func effective(_ recorded: RecordedEvent, _ r: borrowing some IndexReading & ~Copyable) throws -> RecordedEvent? {
        var result = recorded
        for sequence in try fixes(of: recorded.event.id, r) {
            guard let fix = try event(at: sequence, r)?.event else { continue }
            switch fix.type {
            case .correction: if let changes = fix.changes { result.event = changes.applied(to: result.event) }
            case .retraction: return nil
            default: break
            }
        }
        return result
    }

    /// The tracks an event is indexed under.
    static func tracks(of event: Event, in registry: Registry) -> [String] {
        if event.type == .meeting && event.tracks.isEmpty { return registry.tracks.map(\.id) }
        return event.tracks.filter { registry.track($0) != nil }
    }

    static func registry(_ r: borrowing some IndexReading & ~Copyable) throws -> Registry? {
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
    var registry: Registry?
    /// Per track, the earliest day whose checkpoints must be recomputed.
    var dirty: [String: Day] = [:]
    /// Set when the registry changed: every track is rebuilt from the start.
    var rebuildAll = false

    mutating func markDirty(_ tracks: [String], from day: Day) {
        for track in tracks { dirty[track] = min(dirty[track] ?? day, day) }
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
            try indexFix(event, at: sequence, &w)
        case .event(let event):
            try add(RecordedEvent(event: event, sequence: sequence, recordedAtMicroseconds: 0, hash: ""), &w)
        }
    }

    private mutating func add(_ recorded: RecordedEvent, _ w: inout IndexWriter) throws {
        guard let registry, let on = recorded.event.on else { return }
        let tracks = ProjectionIndex.tracks(of: recorded.event, in: registry)
        let published = try recorded.event.article.flatMap { try w.get(Array($0.utf8), in: "articles") } ?? []
        for track in tracks {
            let key = ProjectionIndex.trackKey(track) + ProjectionIndex.dayBytes(on.last) + ProjectionIndex.sequenceBytes(recorded.sequence)
            try w.put(published, forKey: key, in: "track-days")
        }
        markDirty(tracks, from: on.last)
    }

    private mutating func remove(_ recorded: RecordedEvent, _ w: inout IndexWriter) throws {
        guard let registry, let on = recorded.event.on else { return }
        let tracks = ProjectionIndex.tracks(of: recorded.event, in: registry)
        for track in tracks {
            let key = ProjectionIndex.trackKey(track) + ProjectionIndex.dayBytes(on.last) + ProjectionIndex.sequenceBytes(recorded.sequence)
            try w.delete(key, in: "track-days")
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
    /// none holds every checkpoint of a large log), each taking its mark off as it commits.
    static func recomputeDirtyCheckpoints(_ log: EventLog) throws {
        while true {
            let more = try log.updateIndexes { w -> Bool in
                guard let (track, from) = try ProjectionIndex.firstDirtyMark(w) else { return false }
                if let registry = try ProjectionIndex.registry(w), let known = registry.track(track) {
                    try rebuildCheckpoints(known, from: from, &w)
                }
                _ = try w.delete(ProjectionIndex.dirtyKey(track), in: "state")
                return true
            }
            log.releaseMappedPages()
            if !more { return }
        }
    }

    /// Folds `track` from the checkpoint before `from` to its last event, writing a checkpoint
    /// at the end of every day that has events.
    static func rebuildCheckpoints(_ track: Track, from: Day, _ w: inout IndexWriter) throws {
        let prefix = ProjectionIndex.trackKey(track.id)
        let start = prefix + ProjectionIndex.dayBytes(from)
        // Drop the checkpoints from `from` on; they are recomputed below.
        var stale: [[UInt8]] = []
        try w.scan("checkpoints", from: start) { key, _ in
            guard key.starts(with: prefix) else { return false }
            stale.append([UInt8](key))
            return true
        }
        for key in stale { try w.delete(key, in: "checkpoints") }

        var state = TrackState(track: track)
        if let (key, value) = try w.last(atOrBefore: prefix + ProjectionIndex.dayBytes(from.adding(days: -1)), in: "checkpoints"),
           key.starts(with: prefix) {
            state = try value.withUnsafeBytes { try TrackState(track: track, checkpoint: $0) }
        }
        var pending: [(day: [UInt8], sequence: UInt64)] = []
        try w.scan("track-days", from: start) { key, _ in
            guard key.count == 20, key.starts(with: prefix) else { return false }
            pending.append(([UInt8](key[8..<12]), ProjectionIndex.sequence(from: key.suffix(8))))
            return true
        }
        for (i, item) in pending.enumerated() {
            if let recorded = try ProjectionIndex.event(at: item.sequence, w), let effective = try ProjectionIndex.effective(recorded, w) {
                state.apply(effective)
            }
            let lastOfDay = i == pending.count - 1 || pending[i + 1].day != item.day
            if lastOfDay { try w.put(state.encoded(), forKey: prefix + item.day, in: "checkpoints") }
            // A track's events are spread over the whole log: drop the pages read as we go.
            if i % 2_048 == 2_047 { w.releaseMappedPages() }
        }
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
        var sequences: [UInt64] = []
        try r.scan("track-days", from: prefix) { key, value in
            guard key.count == 20, key.starts(with: prefix), key[8..<12].lexicographicallyPrecedes(end) || key[8..<12].elementsEqual(end)
            else { return false }
            if let published = ProjectionIndex.day(from: value), published <= knownOn {
                sequences.append(sequence(from: key.suffix(8)))
            }
            return true
        }
        var state = TrackState(track: track)
        for sequence in sequences {
            if let recorded = try event(at: sequence, r), let effective = try effective(recorded, r) { state.apply(effective) }
        }
        return state
    }
}
