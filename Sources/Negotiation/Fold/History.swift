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
/// and the derived indexes (their rows hold events in the form this rule gives, and their
/// checkpoints fold them in its order).
///
/// An event counts for a question put as of a day, as known on a day, as recorded by a
/// sequence, when:
/// 1. it was recorded by that sequence, and so were the records that amend it;
/// 2. its amendments, applied in log order, leave it in the form that counts: corrections
///    replace fields, a retraction withdraws it, a `source` adds an article that reports the
///    same act (``fixed(_:sequence:by:knownOn:published:)``). Asked as known on a day, an
///    amendment whose article was published after it is left out: a correction whose
///    evidence came later does not reach back;
/// 3. it happened by the as-of day: its last possible day is on or before it (``hasHappened(_:by:)``);
/// 4. one of its sources (its own article, whose words its fields are, or an article
///    recorded as a `source` of it) was published by the known-on day, when one is asked;
///    only the sources published by then count (``isKnown(published:by:)``), and when its own
///    article was not yet out, the answer cites the first that was. An act is known from the
///    first article that reports it, whichever was recorded first (``known(_:published:)``);
/// 5. it concerns the track: it names it (``concerns(_:track:)``). A general meeting names none
///    and counts on none.
///
/// Events are folded in valid-time order (``precedes(_:_:)``): the last day each could have
/// happened; on the same day, by type (a proposal before the positions taken on it, those
/// before a start, a start before what happens under it, an end last: ``sameDayRank``), then
/// by the publication of its article, then by article id, and log order only last. So
/// ingesting a corpus in one pass or article by article gives the same states.
public enum EffectiveEvents {
    /// `event` (recorded at `sequence`) as its amendments (its corrections, retractions and
    /// sources, in log order) leave it, with its sources filled in (its own first); `nil`
    /// when one of them retracts it, or when, asked as known on `knownOn`, its article had
    /// not been published. `published` gives an article's publication day.
    public static func fixed(_ event: Event, sequence: UInt64, by amendments: some Sequence<RecordedEvent>,
                             knownOn: Day? = nil, published: (String) -> Day?) -> Event? {
        var result = event
        var sources: [Source] = []
        if let article = event.article { sources.append(Source(article: article, quote: event.quote, sequence: sequence)) }
        func counts(_ article: String?) -> Bool {
            guard let knownOn, let article else { return true }
            return isKnown(published: published(article), by: knownOn)
        }
        for amendment in amendments {
            let fix = amendment.event
            guard counts(fix.article) else { continue }
            switch fix.type {
            case .correction:
                guard let changes = fix.changes else { continue }
                result = changes.applied(to: result)
                if let quote = changes.quote, !sources.isEmpty { sources[0].quote = quote }
            case .retraction:
                return nil
            case .source:
                if let article = fix.article { sources.append(Source(article: article, quote: fix.quote, sequence: amendment.sequence)) }
            default:
                break
            }
        }
        if knownOn != nil {
            guard result.article != nil else { return nil }
            sources.removeAll { !counts($0.article) }
            // Known from its first source published by then; when that is not the article its
            // fields were recorded from, the answer cites the one that was out.
            guard let first = sources.first else { return nil }
            if first.article != result.article {
                result.article = first.article
                result.quote = first.quote
            }
        }
        result.sources = sources
        return result
    }

    /// Knowledge time: the earliest publication among `event`'s sources (as ``fixed(_:sequence:by:knownOn:published:)``
    /// leaves them), or of its own article when it has no source list.
    public static func known(_ event: Event, published: (String) -> Day?) -> Day? {
        guard !event.sources.isEmpty else { return event.article.flatMap(published) }
        return earliest(event.sources.map { published($0.article) })
    }

    /// The earliest of publication days (`nil` ones are unknown); `nil` when none is known.
    public static func earliest(_ days: some Sequence<Day?>) -> Day? {
        days.reduce(nil as Day?) { found, day in
            guard let day else { return found }
            return found.map { min($0, day) } ?? day
        }
    }

    /// Whether `event` happened by `asOf`: its last possible day is on or before it. An event
    /// with no date never has.
    public static func hasHappened(_ event: Event, by asOf: Day) -> Bool {
        guard let on = event.on else { return false }
        return on.last <= asOf
    }

    /// Whether a source whose article was `published` was known on `knownOn`: always, when no
    /// known-on day is asked; never, for an article with no known publication.
    public static func isKnown(published: Day?, by knownOn: Day?) -> Bool {
        guard let knownOn else { return true }
        guard let published else { return false }
        return published <= knownOn
    }

    /// Whether `event` bears on the track `id`: it is a report that names it.
    public static func concerns(_ event: Event, track id: String) -> Bool {
        event.type.isReport && event.tracks.contains(id)
    }

    /// Where a type falls among the events of one day (see the type's comment above).
    public static func sameDayRank(_ type: EventType) -> Int {
        switch type {
        case .proposal: 0
        case .acceptance: 1
        case .condition: 2
        case .rejection: 3
        case .start: 4
        case .extension: 5
        case .violation: 6
        case .meeting: 7
        case .end: 8
        case .correction, .retraction, .source: 9
        }
    }

    /// Where an event falls in valid-time order, field by field: the last day it could have
    /// happened, its type's ``sameDayRank(_:)``, its knowledge time (`Int.max` when unknown),
    /// its article id (empty for none), and its log sequence last. Every path that orders
    /// events compares these, whatever form it holds them in.
    public struct Order: Comparable, Sendable {
        public var lastDay: Int
        public var rank: Int
        public var known: Int
        public var article: String
        public var sequence: UInt64

        public init(lastDay: Int, rank: Int, known: Int, article: String, sequence: UInt64) {
            self.lastDay = lastDay
            self.rank = rank
            self.known = known
            self.article = article
            self.sequence = sequence
        }

        public static func < (a: Order, b: Order) -> Bool {
            if a.lastDay != b.lastDay { return a.lastDay < b.lastDay }
            if a.rank != b.rank { return a.rank < b.rank }
            if a.known != b.known { return a.known < b.known }
            if a.article != b.article { return a.article.utf8.lexicographicallyPrecedes(b.article.utf8) }
            return a.sequence < b.sequence
        }
    }

    /// `recorded`'s place in valid-time order.
    public static func order(_ recorded: RecordedEvent) -> Order {
        Order(lastDay: recorded.event.on?.last.ordinal ?? .min, rank: sameDayRank(recorded.event.type),
              known: recorded.known?.ordinal ?? .max, article: recorded.event.article ?? "", sequence: recorded.sequence)
    }

    /// Valid-time order: the last day each event could have happened, then, on one day, type,
    /// knowledge time, article id and log order (``Order``).
    public static func precedes(_ a: RecordedEvent, _ b: RecordedEvent) -> Bool {
        order(a) < order(b)
    }
}

/// The record, read once from the log: the registry in force, the articles, and the events
/// with the log's own fixes resolved. Every projection is computed from it.
public struct History: Sendable {
    public let registry: Registry
    public let articles: [String: Article]
    /// Reported events (the acts), in log order, as recorded.
    public let reports: [RecordedEvent]
    /// Corrections and retractions, in log order.
    public let fixes: [RecordedEvent]
    /// Second sources of recorded acts (`source` records), in log order.
    public let sources: [RecordedEvent]
    /// The log's last sequence and head hash when it was read.
    public let head: Head

    public init(registry: Registry, articles: [String: Article], events: [RecordedEvent], head: Head) {
        self.registry = registry
        self.articles = articles
        self.reports = events.filter { $0.event.type.isReport }
        self.fixes = events.filter { $0.event.type.isRecordFix }
        self.sources = events.filter { $0.event.type == .source }
        self.head = head
    }

    /// The amendments of the event `id` (its fixes and second sources), in log order.
    public func amendments(of id: String) -> [RecordedEvent] {
        (fixes + sources).filter { $0.event.target == id }.sorted { $0.sequence < $1.sequence }
    }

    /// The amendments of each event (fixes and sources), in log order.
    private var amendmentsByTarget: [String: [RecordedEvent]] {
        Dictionary(grouping: (fixes + sources).filter { $0.event.target != nil }.sorted { $0.sequence < $1.sequence }) { $0.event.target ?? "" }
    }

    /// Every event record (reports, fixes and second sources), in log order.
    public var recorded: [RecordedEvent] {
        (reports + fixes + sources).sorted { $0.sequence < $1.sequence }
    }

    /// An article's publication day.
    public func published(_ article: String) -> Day? { articles[article]?.published }

    /// The events a query sees, as ``EffectiveEvents`` decides: recorded by its sequence,
    /// corrected by the fixes recorded by then, minus retracted ones, happened by its as-of day,
    /// known by its known-on day; in valid-time order.
    public func events(for query: Query) -> [RecordedEvent] {
        let limit = query.throughSequence ?? .max
        let amendments = amendmentsByTarget
        var result: [RecordedEvent] = []
        for var recorded in reports where recorded.sequence <= limit {
            let recordedAmendments = (amendments[recorded.event.id] ?? []).lazy.filter { $0.sequence <= limit }
            guard let event = EffectiveEvents.fixed(recorded.event, sequence: recorded.sequence, by: recordedAmendments,
                                                    knownOn: query.knownOn, published: published),
                  EffectiveEvents.hasHappened(event, by: query.asOf)
            else { continue }
            recorded.event = event
            recorded.known = EffectiveEvents.known(event, published: published)
            result.append(recorded)
        }
        return result.sorted(by: EffectiveEvents.precedes)
    }

    /// The general meetings a query sees (talks on the war as a whole, on no track), held and
    /// planned, in valid-time order.
    public func generalMeetings(for query: Query) -> [RecordedEvent] {
        events(for: query).filter { $0.event.type == .meeting && $0.event.general }
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
            state.settle(to: query.asOf)
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
            result.append((day, states.map { $0.settled(to: day) }))
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
