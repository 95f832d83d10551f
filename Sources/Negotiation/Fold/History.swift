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

    /// The events a query sees: recorded by its sequence, corrected by the fixes recorded by
    /// then, minus retracted ones, known by its known-on day, happened by its as-of day;
    /// sorted by the last day each could have happened, log order breaking ties.
    public func events(for query: Query) -> [RecordedEvent] {
        let limit = query.throughSequence ?? .max
        let fixes = fixesByTarget
        var result: [RecordedEvent] = []
        for var recorded in reports where recorded.sequence <= limit {
            var retracted = false
            for fix in fixes[recorded.event.id] ?? [] where fix.sequence <= limit {
                switch fix.event.type {
                case .correction: if let changes = fix.event.changes { recorded.event = changes.applied(to: recorded.event) }
                case .retraction: retracted = true
                default: break
                }
            }
            if retracted { continue }
            guard let on = recorded.event.on, on.last <= query.asOf else { continue }
            if let knownOn = query.knownOn {
                guard let id = recorded.event.article, let article = articles[id], article.published <= knownOn else { continue }
            }
            result.append(recorded)
        }
        return result.sorted(by: History.validTimeOrder)
    }

    /// Valid-time order: the last day an event could have happened, then log order.
    public static func validTimeOrder(_ a: RecordedEvent, _ b: RecordedEvent) -> Bool {
        let da = a.event.on?.last.ordinal ?? .min, db = b.event.on?.last.ordinal ?? .min
        return da != db ? da < db : a.sequence < b.sequence
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
