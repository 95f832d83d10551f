import EventLog
import Foundation
import Negotiation

/// Derived data kept beside the log so that `state --as-of` and `export` answer without
/// replaying it: rebuildable from the log alone (`parley reindex`), never authoritative.
///
/// Indexes (all keys big-endian, so they sort by track, then day, then sequence):
/// - `track-days`: track key (8) ‖ day (4) ‖ sequence (8) → the number of the event's sources
///   (1) ‖ the published day of each source's article (4 each, all ones when unknown), its own
///   first ‖ the event's ``FoldRecord``. Every event a track's fold takes in, under the last
///   day it could have happened, as its amendments left it (corrections applied, sources
///   added, retracted events left out). A general meeting is under no track. Checkpoints are
///   rebuilt, and `--known-on` answered, from this index alone, but for a known-on day before
///   the evidence of some correction or retraction (`fix-evidence` below): a replay answers.
///   General meetings are rows of their own, under the key of ``generalTrack`` (no checkpoints).
/// - `fixes`: target event id ‖ 0x00 ‖ sequence (8) → empty: the amendments (corrections,
///   retractions, sources) of each event.
/// - `articles`: article id → published day (4).
/// - `checkpoints`: track key (8) ‖ day (4) → the track's state after its last event of that
///   day (``TrackState/encoded()``). The state as of D is the checkpoint at the last day ≤ D.
/// - `state`: `version`; `through`, the last sequence whose records are in the indexes above;
///   `registry`, the registry in force; `fix-evidence`, the latest publication day of an
///   article cited by a correction or retraction; and `dirty:` track id → day: that track's
///   checkpoints from that day on are yet to be recomputed.
///
/// The indexes answer only when they are fresh: this build's version, `through` at the log's
/// head and no dirty mark. Otherwise queries replay the log. Writers in several processes keep
/// them so: an append indexes its records in its own transaction, and only when `through` is
/// where that append began; checkpoints are recomputed a track per transaction, each taking its
/// dirty mark off in the same transaction. Any writer can finish what another left, since all
/// of it is in the log and the `state` index (``NegotiationStore/bringIndexesUpToDate()``).
package enum ProjectionIndex {
    package static let names = ["track-days", "fixes", "articles", "checkpoints", "state"]
    /// 2: `track-days` holds fold records (indexes of version 1 are rebuilt). 3: each row holds
    /// its sources' days, general meetings are under no track, the fold knows a ceasefire's life.
    /// 4: an event is known from its earliest source (same-day order and checkpoints follow).
    static let version: [UInt8] = Array("4".utf8)

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

    /// The name the general meetings' rows are filed under: not a track id (`@` is not allowed
    /// in one), so no track's key is its.
    static let generalTrack = "@general"

    /// A row's day for a source whose article's publication is not known.
    static let unknownDay: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]

    /// A `track-days` value: the published days of the event's sources (``dayBytes(_:)`` or
    /// ``unknownDay`` each, concatenated) and its fold record.
    static func trackDayValue(published days: [UInt8], event: Event) -> [UInt8] {
        trackDayValue(published: days, capacity: 160) { FoldRecord.encode(event, into: &$0) }
    }

    /// ``trackDayValue(published:event:)`` of an event given as its fold record.
    static func trackDayValue(published days: [UInt8], fold: UnsafeRawBufferPointer) -> [UInt8] {
        trackDayValue(published: days, capacity: fold.count) { $0.append(contentsOf: fold) }
    }

    private static func trackDayValue(published days: [UInt8], capacity: Int, fold: (inout [UInt8]) -> Void) -> [UInt8] {
        var value: [UInt8] = []
        value.reserveCapacity(1 + days.count + capacity)
        value.append(UInt8(truncatingIfNeeded: days.count / 4))
        value.append(contentsOf: days)
        fold(&value)
        return value
    }

    /// The published days of a `track-days` value's sources (`nil` where unknown) and its fold record.
    static func trackDay(_ value: UnsafeRawBufferPointer) throws(RecordDecodingError) -> (published: [Day?], fold: UnsafeRawBufferPointer) {
        guard let count = value.first, value.count >= 1 + 4 * Int(count) else {
            throw RecordDecodingError(reason: "a track-days value of \(value.count) bytes")
        }
        var days: [Day?] = []
        days.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            let bytes = value[(1 + 4 * i)..<(5 + 4 * i)]
            days.append(bytes.elementsEqual(unknownDay) ? nil : day(from: bytes))
        }
        return (days, UnsafeRawBufferPointer(rebasing: value[(1 + 4 * Int(count))...]))
    }

    /// The event of a `track-days` row at `sequence` as known on `knownOn` (every source when
    /// `nil`): its sources that count, and its knowledge time (the earliest of their
    /// publications); `nil` when none had been published by then. What every fold of the index
    /// takes in.
    static func rowEvent(_ value: UnsafeRawBufferPointer, sequence: UInt64, knownOn: Day?) throws(RecordDecodingError) -> RecordedEvent? {
        let (published, fold) = try trackDay(value)
        var event = try FoldRecord.decode(fold)
        // A row's days are its sources', its own first; an event no amendment touched holds no
        // source list (its one source is its own article: a fold counts it as one).
        let sources = event.sources.isEmpty ? (event.article == nil ? 0 : 1) : event.sources.count
        guard published.count == sources else {
            throw RecordDecodingError(reason: "a track-days row with \(published.count) days for \(sources) sources")
        }
        guard event.article != nil else {
            if knownOn != nil { return nil }
            return RecordedEvent(event: event, sequence: sequence, recordedAtMicroseconds: 0, hash: "")
        }
        var days = published
        if knownOn != nil {
            // As ``EffectiveEvents/fixed(_:sequence:by:knownOn:published:)`` does: the sources
            // published by then, the first of them cited when the own article was not out.
            let counted = published.indices.filter { EffectiveEvents.isKnown(published: published[$0], by: knownOn) }
            guard let first = counted.first else { return nil }
            if !event.sources.isEmpty {
                event.sources = counted.map { event.sources[$0] }
                if first > 0 {
                    event.article = event.sources[0].article
                    event.quote = event.sources[0].quote
                }
            }
            days = counted.map { published[$0] }
        }
        var recorded = RecordedEvent(event: event, sequence: sequence, recordedAtMicroseconds: 0, hash: "")
        recorded.known = EffectiveEvents.earliest(days)
        return recorded
    }
}

/// Folds a track's `track-days` rows, read in key order (day, then sequence), into its state:
/// a day's rows wait until the day ends, and are then applied in the rule's same-day order
/// (``EffectiveEvents/precedes(_:_:)``), which log order need not be. Every fold of the
/// index goes through it: checkpoint rebuilds, the pipelined ingest's, and `--known-on`.
struct RowFold {
    private(set) var state: TrackState
    let knownOn: Day?
    /// The day whose rows wait, and the rows.
    private var day: UInt32?
    private var pending: [RecordedEvent] = []

    init(_ state: TrackState, knownOn: Day? = nil) {
        self.state = state
        self.knownOn = knownOn
    }

    /// Takes in the row of `day` (as in its key) at `sequence`; when it is of a later day than
    /// the rows waiting, those are folded first and `dayDone` is given their day and the state.
    mutating func add(day: UInt32, sequence: UInt64, value: UnsafeRawBufferPointer,
                      dayDone: (UInt32, TrackState) throws -> Void) throws {
        if let current = day == self.day ? nil : self.day {
            foldPending()
            try dayDone(current, state)
        }
        self.day = day
        if let event = try ProjectionIndex.rowEvent(value, sequence: sequence, knownOn: knownOn) { pending.append(event) }
    }

    /// Folds the rows still waiting; `dayDone` is given their day and the state.
    mutating func finish(dayDone: (UInt32, TrackState) throws -> Void) throws {
        guard let current = day else { return }
        foldPending()
        day = nil
        try dayDone(current, state)
    }

    private mutating func foldPending() {
        if pending.count > 1 { pending.sort(by: EffectiveEvents.precedes) }
        for event in pending { state.apply(event) }
        pending.removeAll(keepingCapacity: true)
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

    /// An event as its amendments left it (`nil` when retracted), its sources filled in.
    /// With `through`, only the amendments recorded up to that sequence count.
    static func effective(_ recorded: RecordedEvent, _ r: borrowing some IndexReading & ~Copyable,
                          through last: UInt64 = .max) throws -> RecordedEvent? {
        let amendments = try fixes(of: recorded.event.id, r).filter { $0 <= last }.compactMap { try event(at: $0, r) }
        guard let event = EffectiveEvents.fixed(recorded.event, sequence: recorded.sequence, by: amendments, published: { _ in nil })
        else { return nil }
        var result = recorded
        result.event = event
        return result
    }

    /// The published days of `event`'s sources (its own article when they are not filled in),
    /// as a row holds them.
    static func publishedDays(of event: Event, _ r: borrowing some IndexReading & ~Copyable) throws -> [UInt8] {
        let articles = event.sources.isEmpty ? (event.article.map { [$0] } ?? []) : event.sources.map(\.article)
        var days: [UInt8] = []
        for article in articles.prefix(255) { days += try r.get(Array(article.utf8), in: "articles") ?? unknownDay }
        return days
    }

    static let fixEvidenceKey = Array("fix-evidence".utf8)

    /// Whether some correction or retraction cites an article published after `knownOn`: the
    /// rows hold events as every fix left them, which such a question must not see.
    static func hasFixesAfter(_ knownOn: Day, _ r: borrowing some IndexReading & ~Copyable) throws -> Bool {
        guard let bytes = try r.get(fixEvidenceKey, in: "state"), let latest = day(from: bytes) else { return false }
        return latest > knownOn
    }

    /// The tracks an event of `type` naming `named` is filed under: those of them the registry
    /// has, and ``generalTrack`` for a general meeting.
    static func tracks(of event: Event, in registry: Registry) -> [String] {
        guard event.type.isReport else { return [] }
        return (event.general ? [generalTrack] : []) + event.tracks.filter { registry.track($0) != nil }
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
    private var fold: RowFold
    /// The next `track-days` key to read.
    private var resume: [UInt8]

    /// Drops the track's checkpoints from `from` on, and starts from the one before.
    init(_ track: Track, from: Day, _ w: inout IndexWriter) throws {
        self.track = track
        prefix = ProjectionIndex.trackKey(track.id)
        resume = prefix + ProjectionIndex.dayBytes(from)
        try ProjectionIndex.deleteCheckpoints(from: from, prefix: prefix, &w)
        var state = TrackState(track: track)
        if let (_, value) = try ProjectionIndex.checkpoint(before: from, prefix: prefix, &w) {
            state = try value.withUnsafeBytes { try TrackState(track: track, checkpoint: $0) }
        }
        fold = RowFold(state)
    }

    /// Folds the next rows in and writes their checkpoints, until about 4 MB of checkpoints are
    /// written or the rows end; `false` once they have ended (the last checkpoint written).
    mutating func step(_ w: inout IndexWriter) throws -> Bool {
        // Rows are read in chunks (the checkpoints are written between two scans), each folded
        // from its fold record: no log entry is read. A day's checkpoint is written once its last
        // event is folded in, when the next day starts or the rows end.
        var written = 0
        var rows: [(day: UInt32, sequence: UInt64, value: [UInt8])] = []
        let prefix = self.prefix
        func write(_ day: UInt32, _ state: TrackState) throws {
            let checkpoint = state.encoded()
            written += checkpoint.count
            try w.put(checkpoint, forKey: prefix + withUnsafeBytes(of: day.bigEndian) { [UInt8]($0) }, in: "checkpoints")
        }
        while written < 4 << 20 {
            rows.removeAll(keepingCapacity: true)
            var next: [UInt8]?
            try w.scan("track-days", from: resume) { key, value in
                guard key.count == 20, key.starts(with: prefix) else { return false }
                guard rows.count < 4_096 else {
                    next = [UInt8](key)
                    return false
                }
                rows.append((ProjectionIndex.rowDayKey(key), ProjectionIndex.sequence(from: key.suffix(8)), [UInt8](value)))
                return true
            }
            for row in rows {
                try row.value.withUnsafeBytes { try fold.add(day: row.day, sequence: row.sequence, value: $0, dayDone: write) }
            }
            guard let next else {
                try fold.finish(dayDone: write)
                return false
            }
            resume = next
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
            return try value.withUnsafeBytes { try TrackState(track: track, checkpoint: $0) }.settled(to: day)
        }
    }

    /// The state of `track` as of `day` as known on `knownOn`: the track's indexed events up to
    /// `day` with the sources published by then, folded. (The caller first asks
    /// ``hasFixesAfter(_:_:)``: rows hold events as every fix left them.)
    static func state(asOf day: Day, knownOn: Day, track: Track, _ r: borrowing some IndexReading & ~Copyable) throws -> TrackState {
        var fold = RowFold(TrackState(track: track), knownOn: knownOn)
        try forEachRow(under: trackKey(track.id), through: day, r) { rowDay, sequence, value in
            try fold.add(day: rowDay, sequence: sequence, value: value) { _, _ in }
        }
        try fold.finish { _, _ in }
        return fold.state.settled(to: day)
    }

    /// The general meetings (held and planned) that happened by `day`, as known on `knownOn`,
    /// in the rule's order, from their rows. (The caller first asks ``hasFixesAfter(_:_:)``.)
    static func generalMeetings(asOf day: Day, knownOn: Day?, _ r: borrowing some IndexReading & ~Copyable) throws -> [RecordedEvent] {
        var found: [RecordedEvent] = []
        try forEachRow(under: trackKey(generalTrack), through: day, r) { _, sequence, value in
            if let event = try rowEvent(value, sequence: sequence, knownOn: knownOn) { found.append(event) }
        }
        return found.sorted(by: EffectiveEvents.precedes)
    }

    /// Calls `body` with each `track-days` row under `prefix` (a track's key) whose day is on
    /// or before `day`, in key order: its day as its key holds it (``dayKey(_:)``), its
    /// sequence and its value.
    static func forEachRow(under prefix: [UInt8], through day: Day, _ r: borrowing some IndexReading & ~Copyable,
                           _ body: (UInt32, UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        let end = dayKey(day)
        try r.scan("track-days", from: prefix) { key, value in
            guard key.count == 20, key.starts(with: prefix) else { return false }
            let rowDay = rowDayKey(key)
            guard rowDay <= end else { return false }
            try body(rowDay, sequence(from: key.suffix(8)), value)
            return true
        }
    }

    /// The day of a `track-days` key (track key, day, sequence), as ``dayKey(_:)`` gives it.
    static func rowDayKey(_ key: some Collection<UInt8>) -> UInt32 {
        key.dropFirst(8).prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
