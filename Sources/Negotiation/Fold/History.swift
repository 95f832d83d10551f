import EventLog

/// A question put to the log: the state as of a day, as the press knew it on a day, as the
/// log had recorded it by a sequence.
public struct Query: Sendable, Hashable {
    /// Fold the events that happened on or before this day (an imprecise date counts from its
    /// last possible day).
    public var asOf: Day
    /// Keep only events whose article was published on or before this day.
    public var knownOn: Day?
    /// Read the log as it was when it ended at this sequence (`nil`: all of it).
    public var throughSequence: UInt64?

    public init(asOf: Day, knownOn: Day? = nil, throughSequence: UInt64? = nil) {
        self.asOf = asOf
        self.knownOn = knownOn
        self.throughSequence = throughSequence
    }
}

/// The one rule that decides which events an answer counts, in which form and in which order.
/// Every path follows it: ``History`` (state, timeline, audit, export, report), the log replay,
/// and the derived indexes (their rows hold events in the form this rule gives, keyed in its
/// order, and their checkpoints fold them in it).
///
/// An event counts for a question put as of a day, as known on a day, as recorded by a
/// sequence, when:
/// 1. it was recorded by that sequence, and so were the fixes applied to it;
/// 2. its corrections, applied in log order, leave it in the form that counts, and no
///    retraction withdrew it (``fixed(_:by:)``);
/// 3. it happened by the as-of day: its last possible day is on or before it (``hasHappened(_:by:)``);
/// 4. its article was published by the known-on day, when one is asked (``isKnown(published:by:)``);
/// 5. it concerns the track (``concerns(_:track:)``).
///
/// Events are folded in valid-time order: the last day each could have happened, log order
/// breaking ties (``precedes(_:_:)``).
public enum EffectiveEvents {
    /// `event` as `fixes` (its corrections and retractions, in log order) leave it; `nil` when
    /// one of them retracts it.
    public static func fixed(_ event: Event, by fixes: some Sequence<Event>) -> Event? {
        var result = event
        for fix in fixes {
            switch fix.type {
            case .correction: if let changes = fix.changes { result = changes.applied(to: result) }
            case .retraction: return nil
            default: break
            }
        }
        return result
    }

    /// Whether `event` happened by `asOf`: its last possible day is on or before it. An event
    /// with no date never has.
    public static func hasHappened(_ event: Event, by asOf: Day) -> Bool {
        guard let on = event.on else { return false }
        return on.last <= asOf
    }

    /// Whether an event whose article was `published` was known on `knownOn`: always, when no
    /// known-on day is asked; never, for an event with no article.
    public static func isKnown(published: Day?, by knownOn: Day?) -> Bool {
        guard let knownOn else { return true }
        guard let published else { return false }
        return published <= knownOn
    }

    /// Whether `event` bears on the track `id`: it names it, or it is a meeting that names no
    /// track, which counts on every track.
    public static func concerns(_ event: Event, track id: String) -> Bool {
        event.tracks.contains(id) || countsOnEveryTrack(event.type, namingNone: event.tracks.isEmpty)
    }

    /// Whether an event of `type` counts on every track when it names none: a meeting does.
    public static func countsOnEveryTrack(_ type: EventType, namingNone: Bool) -> Bool {
        type == .meeting && namingNone
    }

    /// Valid-time order: the last day each event could have happened, then log order.
    public static func precedes(_ a: RecordedEvent, _ b: RecordedEvent) -> Bool {
        precedes(lastDay: a.event.on?.last.ordinal ?? .min, sequence: a.sequence,
                 lastDay: b.event.on?.last.ordinal ?? .min, sequence: b.sequence)
    }

    /// Valid-time order, of events known by their last possible day's ordinal and sequence.
    public static func precedes(lastDay a: Int, sequence sa: UInt64, lastDay b: Int, sequence sb: UInt64) -> Bool {
        a != b ? a < b : sa < sb
    }
}

/// The record, read once from the log: the registry in force, the articles, and the events
/// with the log's own fixes resolved. Every projection is computed from it.
public struct History: Sendable {
    public let registry: Registry
    public let articles: [String: Article]
    /// Reported events (not fixes), in log order, as recorded.
    public let reports: [RecordedEvent]
    /// Corrections and retractions, in log order.
    public let fixes: [RecordedEvent]
    /// The log's last sequence and head hash when it was read.
    public let head: Head

    public init(registry: Registry, articles: [String: Article], events: [RecordedEvent], head: Head) {
        self.registry = registry
        self.articles = articles
        self.reports = events.filter { !$0.event.type.isRecordFix }
        self.fixes = events.filter { $0.event.type.isRecordFix }
        self.head = head
    }

    /// The fixes of each event, in log order.
    private var fixesByTarget: [String: [RecordedEvent]] {
        Dictionary(grouping: fixes.filter { $0.event.target != nil }) { $0.event.target ?? "" }
    }

    /// The events a query sees, as ``EffectiveEvents`` decides: recorded by its sequence,
    /// corrected by the fixes recorded by then, minus retracted ones, happened by its as-of day,
    /// known by its known-on day; in valid-time order.
    public func events(for query: Query) -> [RecordedEvent] {
        let limit = query.throughSequence ?? .max
        let fixes = fixesByTarget
        var result: [RecordedEvent] = []
        for var recorded in reports where recorded.sequence <= limit {
            let recordedFixes = (fixes[recorded.event.id] ?? []).lazy.filter { $0.sequence <= limit }.map(\.event)
            guard let event = EffectiveEvents.fixed(recorded.event, by: recordedFixes),
                  EffectiveEvents.hasHappened(event, by: query.asOf),
                  EffectiveEvents.isKnown(published: event.article.flatMap { articles[$0]?.published }, by: query.knownOn)
            else { continue }
            recorded.event = event
            result.append(recorded)
        }
        return result.sorted(by: EffectiveEvents.precedes)
    }

    /// The tracks to report: all of the registry's, or the one named.
    public func tracks(named id: String? = nil) throws(ProjectionError) -> [Track] {
        try Self.tracks(of: registry, named: id)
    }

    package static func tracks(of registry: Registry, named id: String?) throws(ProjectionError) -> [Track] {
        guard let id else { return registry.tracks }
        guard let track = registry.track(id) else {
            throw .unknownTrack(id, known: registry.tracks.map(\.id))
        }
        return [track]
    }

    /// The state of each track.
    public func states(_ query: Query, track: String? = nil) throws(ProjectionError) -> [TrackState] {
        let events = events(for: query)
        return try tracks(named: track).map { track in
            var state = TrackState(track: track)
            for event in events { state.apply(event) }
            return state
        }
    }

    /// One step of a timeline: an event and the track's state after it.
    public struct Step: Sendable, Hashable {
        public var event: RecordedEvent
        public var state: TrackState
    }

    /// A track's events in valid-time order, each with the state after it, for events whose
    /// last possible day is within `from...query.asOf`.
    public func timeline(_ query: Query, track id: String, from: Day? = nil) throws(ProjectionError) -> [Step] {
        guard let track = try tracks(named: id).first else { return [] }
        var state = TrackState(track: track)
        var steps: [Step] = []
        for event in events(for: query) where state.concerns(event.event) {
            state.apply(event)
            if let from, let on = event.event.on, on.last < from { continue }
            steps.append(Step(event: event, state: state))
        }
        return steps
    }

    /// The states of every track on each of `days` (ascending), computed in one pass.
    public func series(_ days: [Day], knownOn: Day?, track: String? = nil) throws(ProjectionError) -> [(Day, [TrackState])] {
        guard let last = days.last else { return [] }
        let events = events(for: Query(asOf: last, knownOn: knownOn))
        var states = try tracks(named: track).map(TrackState.init(track:))
        var next = 0
        var result: [(Day, [TrackState])] = []
        for day in days {
            while next < events.count, let on = events[next].event.on, on.last <= day {
                for i in states.indices { states[i].apply(events[next]) }
                next += 1
            }
            result.append((day, states))
        }
        return result
    }
}

/// Why a projection could not be computed.
public enum ProjectionError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownTrack(String, known: [String])
    case unknownProposal(String, known: [String])
    case noRegistry

    public var description: String {
        switch self {
        case .unknownTrack(let id, let known):
            "unknown track '\(id)'; expected one of \(known.joined(separator: ", "))"
        case .unknownProposal(let id, let known):
            "no proposal '\(id)' in the log; recorded proposals: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case .noRegistry:
            "the log holds no registry of tracks and parties: ingest a corpus first"
        }
    }
}
