import EventLog
import Foundation
import Negotiation

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
    struct NamedTrack {
        var name: [UInt8]
        var id: String?
        var key: [UInt8]
        var place: Int?
        var earliest = Int.max
    }
    /// The names met so far, under the registry in force (emptied when it changes). Found by
    /// their bytes, compared after a hash of them (`namedTags`, in the same order): a corpus
    /// names a few dozen tracks at most, and indexing a report then makes no string.
    var named: [NamedTrack] = []
    var namedTags: [UInt64] = []
    /// Scratch space for one record: where its track names and its sources' articles lie, and
    /// which of `named` the tracks are.
    var nameSpans: [Range<Int>] = []
    var sourceSpans: [Range<Int>] = []
    /// The latest publication day of an article a correction or retraction indexed here cites
    /// (``ProjectionIndex/hasFixesAfter(_:_:)``).
    var fixEvidence: Day?
    var filedUnder: [Int] = []

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
    var marked: [String: Day] = [:]

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
        case .event(let event) where event.type.amendsAnother:
            if event.type.isRecordFix, let article = event.article, let day = ProjectionIndex.day(from: try published(article, &w)) {
                fixEvidence = max(fixEvidence ?? day, day)
            }
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

    mutating func trackKey(_ track: String) -> [UInt8] {
        if let key = trackKeys[track] { return key }
        let key = ProjectionIndex.trackKey(track)
        trackKeys[track] = key
        return key
    }

    private mutating func published(_ article: String?, _ w: inout IndexWriter) throws -> [UInt8] {
        guard let article else { return [] }
        return try Array(article.utf8).withUnsafeBytes { try published($0, w) }
    }

    /// The published days of the sources of the event whose fold record is `bytes`, as a row
    /// holds them (``ProjectionIndex``): its sources' when the record holds them, else its own
    /// article's. `article` is where its own article's id lies; ``file(_:in:)`` found the spans.
    mutating func publishedDays(_ bytes: UnsafeRawBufferPointer, article: Range<Int>?, _ r: borrowing some IndexReading & ~Copyable) throws -> [UInt8] {
        if sourceSpans.isEmpty {
            guard let article else { return [] }
            let day = try published(UnsafeRawBufferPointer(rebasing: bytes[article]), r)
            return day.isEmpty ? ProjectionIndex.unknownDay : day
        }
        var days: [UInt8] = []
        for span in sourceSpans.prefix(255) {
            let day = try published(UnsafeRawBufferPointer(rebasing: bytes[span]), r)
            days += day.isEmpty ? ProjectionIndex.unknownDay : day
        }
        return days
    }

    /// The published day (4 bytes, or none when unknown) of the article whose id is `article`.
    mutating func published(_ article: UnsafeRawBufferPointer, _ r: borrowing some IndexReading & ~Copyable) throws -> [UInt8] {
        if let last = lastPublished, Self.same(last.article, article) { return last.day }
        let id = Array(article)
        let day = try r.get(id, in: "articles") ?? []
        // Only a day found is kept: an article indexed later in this batch must be looked up again.
        lastPublished = day.isEmpty ? nil : (id, day)
        return day
    }

    /// The place in `named` of the general meetings' rows (``ProjectionIndex/generalTrack``),
    /// added when first needed: filed like a track's, with no checkpoints.
    var generalPlace: Int {
        mutating get {
            let name = Array(ProjectionIndex.generalTrack.utf8)
            if let i = named.firstIndex(where: { $0.name == name }) { return i }
            named.append(NamedTrack(name: name, id: ProjectionIndex.generalTrack, key: trackKey(ProjectionIndex.generalTrack)))
            namedTags.append(name.withUnsafeBytes { Self.tag($0) })
            return named.count - 1
        }
    }

    /// The place in `named` of the track named by these bytes, added when first met.
    mutating func namedTrack(_ name: UnsafeRawBufferPointer, in registry: Registry) -> Int {
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
            let value = ProjectionIndex.trackDayValue(published: try publishedDays(bytes, article: article, w), fold: bytes)
            let suffix = ProjectionIndex.dayBytes(day) + ProjectionIndex.sequenceBytes(sequence)
            for k in filedUnder.indices { try w.put(value, forKey: named[filedUnder[k]].key + suffix, in: "track-days") }
        }
    }

    /// Reads what filing a fold record needs: the tracks it is filed under go to `filedUnder`
    /// (as ``ProjectionIndex/tracks(of:naming:in:)`` has them), and are marked dirty from its
    /// day; returns that day and where the article's id lies, or `nil` for a record with no
    /// date (filed nowhere).
    mutating func file(_ bytes: UnsafeRawBufferPointer, in registry: Registry) throws -> (day: Day, article: Range<Int>?)? {
        let (type, on, article, general) = try FoldRecord.spans(bytes, tracks: &nameSpans, sources: &sourceSpans)
        guard let on, type.isReport else { return nil }
        filedUnder.removeAll(keepingCapacity: true)
        if general {
            filedUnder.append(generalPlace)
        }
        for k in nameSpans.indices {
            let i = namedTrack(UnsafeRawBufferPointer(rebasing: bytes[nameSpans[k]]), in: registry)
            if named[i].id != nil { filedUnder.append(i) }
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
        let value = ProjectionIndex.trackDayValue(published: try ProjectionIndex.publishedDays(of: recorded.event, w), event: recorded.event)
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

    /// Tracks whose checkpoints are folded at once while rows are written: two keep two cores
    /// busy. Each fold holds a track's rows until it is done, so more would raise the ingest's
    /// peak memory (docs/performance.md has the figures).
    static let foldsAtOnce = 2

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
        if let fixEvidence {
            let recorded = try w.get(ProjectionIndex.fixEvidenceKey, in: "state").flatMap { ProjectionIndex.day(from: $0) }
            if recorded.map({ fixEvidence > $0 }) ?? true { try w.put(ProjectionIndex.dayBytes(fixEvidence), forKey: ProjectionIndex.fixEvidenceKey, in: "state") }
            self.fixEvidence = nil
        }
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
            if !more { return }
        }
    }
}
