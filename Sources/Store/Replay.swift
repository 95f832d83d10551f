import EventLog
import Negotiation

/// Track states computed by replaying the log, with what they were computed from.
public struct Replay: Sendable {
    /// The last registry recorded.
    public var registry: Registry
    /// The log's last sequence and head hash when it was read.
    public var head: Head
    /// The states of the tracks asked for on each day asked for, ascending.
    public var series: [(day: Day, states: [TrackState])]
    /// The general meetings (held and planned) that happened by the last day asked for, in
    /// valid-time order.
    public var general: [RecordedEvent] = []
}

extension NegotiationStore {
    /// The states of every track (or one) on each of `days` (ascending), by replaying the log
    /// without holding it in memory: the same answer as ``History/states(_:track:)`` for each
    /// day over ``history()``, from the log alone.
    ///
    /// Reads the log once in order, keeping of each report that can bear on the answer only its
    /// sequence, the last day it could have happened and its article (a few dozen bytes); reads
    /// the reports that have fixes again, with their fixes, to place them as corrected; then
    /// reads the kept reports in valid-time order and folds them one at a time. Memory grows
    /// with the number of the track's events, not with the log.
    ///
    /// - Throws: ``ProjectionError/noRegistry``, ``ProjectionError/unknownTrack(_:known:)``,
    ///   ``StoreError``.
    public func replay(_ days: [Day], knownOn: Day? = nil, throughSequence: UInt64? = nil,
                       track: String? = nil) throws -> Replay {
        let head: Head
        do { head = try log.head() } catch { throw StoreError.log(error) }
        let limit = throughSequence ?? .max
        let lastDay = days.last?.ordinal ?? .min
        var scan = ReplayScan(track: track, lastDay: lastDay)

        try log.forEachEntry(through: head.sequence) { view in
            switch try ProjectionIndex.decodeRecord(view) {
            case .registry(let registry):
                scan.registry = registry
            case .article(let article):
                scan.record(article)
            case .event(let event):
                guard view.sequence <= limit else { break }
                if event.type.amendsAnother {
                    if let target = event.target { scan.fixes[target, default: []].append(view.sequence) }
                } else {
                    scan.keep(event, at: view.sequence)
                }
            }
            return true
        }
        guard let registry = scan.registry else { throw ProjectionError.noRegistry }
        let tracks = try History.tracks(of: registry, named: track)

        // An amended report is placed where its amendments put it (as known on the day asked
        // for): read each with its amendments.
        var fixed: [UInt64: [UInt64]] = [:]
        let targets = scan.fixes.sorted { $0.key < $1.key }
        let sequences: [UInt64?]
        do { sequences = try log.sequences(of: targets.map { "event/" + $0.key }) } catch { throw StoreError.log(error) }
        for ((_, fixes), sequence) in zip(targets, sequences) {
            guard let sequence, sequence <= limit else { continue }
            fixed[sequence] = fixes
        }
        scan.kept.removeAll { fixed[$0.sequence] != nil }
        scan.general.removeAll { fixed[$0.sequence] != nil }
        let published = { [scan] (article: String) -> Day? in scan.articleIndex[article].flatMap { scan.published[Int($0)] } }
        try forEachEffectiveEvent(fixed.keys.sorted(), fixes: fixed, knownOn: knownOn, published: published) { recorded in
            scan.keep(recorded.event, at: recorded.sequence)
        }

        func known(_ candidates: [ReplayScan.Candidate]) -> [ReplayScan.Candidate] {
            candidates
                .filter { EffectiveEvents.isKnown(published: $0.known == .max ? nil : Day(ordinal: Int($0.known)), by: knownOn) }
                .sorted { scan.order($0) < scan.order($1) }
        }
        let kept = known(scan.kept)

        var states = tracks.map(TrackState.init(track:))
        var series: [(day: Day, states: [TrackState])] = []
        var next = days.startIndex
        try forEachEffectiveEvent(kept.map(\.sequence), fixes: fixed, knownOn: knownOn, published: published) { recorded in
            guard let on = recorded.event.on else { return }
            while next < days.endIndex, on.last > days[next] {
                series.append((days[next], states.map { $0.settled(to: days[next]) }))
                next += 1
            }
            for i in states.indices { states[i].apply(recorded) }
        }
        while next < days.endIndex {
            series.append((days[next], states.map { $0.settled(to: days[next]) }))
            next += 1
        }
        var general: [RecordedEvent] = []
        try forEachEffectiveEvent(known(scan.general).map(\.sequence), fixes: fixed, knownOn: knownOn, published: published) { general.append($0) }
        return Replay(registry: registry, head: head, series: series, general: general)
    }

    /// Reads the reports at `sequences`, in that order, each with its amendments (`fixes`)
    /// applied in log order as known on `knownOn`, and hands on those that count
    /// (``EffectiveEvents/fixed(_:sequence:by:knownOn:published:)``).
    private func forEachEffectiveEvent(_ sequences: [UInt64], fixes: [UInt64: [UInt64]], knownOn: Day?,
                                       published: (String) -> Day?, _ body: (RecordedEvent) throws -> Void) throws {
        var reads: [(sequence: UInt64, isReport: Bool)] = []
        reads.reserveCapacity(sequences.count)
        for sequence in sequences {
            reads.append((sequence, true))
            for fix in fixes[sequence] ?? [] { reads.append((fix, false)) }
        }
        var position = 0
        var pending: RecordedEvent?
        var pendingFixes: [RecordedEvent] = []
        func flush() throws {
            if var done = pending,
               let event = EffectiveEvents.fixed(done.event, sequence: done.sequence, by: pendingFixes, knownOn: knownOn, published: published) {
                done.event = event
                done.known = EffectiveEvents.known(event, published: published)
                try body(done)
            }
            pending = nil
            pendingFixes = []
        }
        try log.forEachEntry(at: reads.map(\.sequence)) { view in
            // Entries that are missing are skipped by the read: catch up with it.
            while position < reads.count, reads[position].sequence != view.sequence { position += 1 }
            guard position < reads.count else { return }
            let isReport = reads[position].isReport
            position += 1
            guard case .event(let event) = try ProjectionIndex.decodeRecord(view) else { return }
            if isReport {
                try flush()
                guard event.type.isReport else { return }
                pending = RecordedEvent(event: event, sequence: view.sequence,
                                        recordedAtMicroseconds: view.recordedAtMicroseconds, hash: hexString(view.hash))
            } else if let current = pending, event.target == current.event.id {
                pendingFixes.append(RecordedEvent(event: event, sequence: view.sequence,
                                                  recordedAtMicroseconds: view.recordedAtMicroseconds, hash: ""))
            }
        }
        try flush()
    }
}

/// What the first, in-order read of a replay keeps.
private struct ReplayScan {
    /// A report that may bear on the answer: where it sorts (``EffectiveEvents/precedes(_:_:)``).
    struct Candidate {
        var sequence: UInt64
        /// The ordinal of the last day it could have happened.
        var last: Int
        /// ``EffectiveEvents/sameDayRank(_:)`` of its type.
        var rank: UInt8
        /// The ordinal of its knowledge time, the earliest publication of its sources (`Int32.max` when unknown).
        var known: Int32
        /// Its article's index in `published` (-1 for none).
        var article: Int32
    }

    let track: String?
    let lastDay: Int
    var registry: Registry?
    var kept: [Candidate] = []
    /// The general meetings, apart: they bear on no track.
    var general: [Candidate] = []
    /// Amendment sequences by the event id they amend, in log order.
    var fixes: [String: [UInt64]] = [:]
    /// Articles' publication days, by index; an article's index is given when it is first met.
    var published: [Day?] = []
    var articleIndex: [String: Int32] = [:]
    var articleIDs: [String] = []

    init(track: String?, lastDay: Int) {
        self.track = track
        self.lastDay = lastDay
    }

    mutating func record(_ article: Article) {
        let index = self.index(of: article.id)
        published[Int(index)] = article.published
    }

    private mutating func index(of article: String) -> Int32 {
        if let index = articleIndex[article] { return index }
        let index = Int32(published.count)
        articleIndex[article] = index
        published.append(nil)
        articleIDs.append(article)
        return index
    }

    /// Keeps `event` if it can bear on the answer: it concerns the track asked for (any, when
    /// none was) and happened by the last day asked for.
    mutating func keep(_ event: Event, at sequence: UInt64) {
        guard event.type.isReport, let on = event.on, on.last.ordinal <= lastDay else { return }
        if !event.general, let track, !EffectiveEvents.concerns(event, track: track) { return }
        let article = event.article.map { index(of: $0) } ?? -1
        // Its knowledge time: the earliest of its sources' publications (an amended event
        // comes here with them filled in), else its own article's.
        let known = event.sources.isEmpty ? (article >= 0 ? published[Int(article)] : nil)
            : EffectiveEvents.earliest(event.sources.map { source in articleIndex[source.article].flatMap { published[Int($0)] } })
        let candidate = Candidate(sequence: sequence, last: on.last.ordinal, rank: UInt8(EffectiveEvents.sameDayRank(event.type)),
                                  known: known.map { Int32(truncatingIfNeeded: $0.ordinal) } ?? .max, article: article)
        if event.general { general.append(candidate) } else { kept.append(candidate) }
    }

    /// A candidate's place in valid-time order (``EffectiveEvents/Order``).
    func order(_ c: Candidate) -> EffectiveEvents.Order {
        EffectiveEvents.Order(lastDay: c.last, rank: Int(c.rank), known: c.known == .max ? .max : Int(c.known),
                              article: c.article >= 0 ? articleIDs[Int(c.article)] : "", sequence: c.sequence)
    }
}
