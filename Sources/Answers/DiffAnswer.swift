import Negotiation

/// What changed in each track's answer between two views of the log, and the acts, second
/// sources and fixes that changed it (`parley diff`, `GET /v1/diff`).
public struct DiffAnswer: Encodable, Sendable {
    /// The two views compared.
    public enum Between: Sendable, Hashable {
        /// What the press had published by the first day, then by the second.
        case knownOn(Day, Day)
        /// The log as it ended at this sequence, then the log now.
        case sinceSequence(UInt64)
    }

    public struct LearnedJSON: Encodable, Sendable {
        public var change: String
        public var id: String
        public var type: String
        public var on: String?
        public var article: String?
        public var outlet: String?
        public var published: String?
        public var quote: String?
        /// For a fix: the fix's id and reason.
        public var by: String?
        public var reason: String?
    }

    public struct TrackJSON: Encodable, Sendable {
        public var track: String
        public var before: String
        public var after: String
        public var changes: [String]
        public var learned: [LearnedJSON]
    }

    /// The earlier knowledge day (the answer's `knownOn` is the later one).
    public var fromKnownOn: Day?
    public var sinceSequence: UInt64?
    public var tracks: [TrackJSON]

    /// Compares the answers as of `asOf` for `track` (`general`: the general meetings' acts;
    /// `nil`: every track and the general meetings).
    public init(_ history: History, between: Between, asOf day: Day, track: String?) throws {
        let before: Query, after: Query
        switch between {
        case .knownOn(let from, let to):
            (before, after) = (Query(asOf: day, knownOn: from), Query(asOf: day, knownOn: to))
            (fromKnownOn, sinceSequence) = (from, nil)
        case .sinceSequence(let sequence):
            (before, after) = (Query(asOf: day, throughSequence: sequence), Query(asOf: day))
            (fromKnownOn, sinceSequence) = (nil, sequence)
        }
        let ids = track == "general" ? [] : try history.tracks(named: track).map(\.id)
        var answers: [TrackJSON] = []
        for id in ids + (track == nil || track == "general" ? ["general"] : []) {
            var changes: [String] = []
            var statuses = ("", "")
            if id != "general" {
                let then = try history.states(before, track: id).first
                guard let now = try history.states(after, track: id).first else { continue }
                changes = try StateChange.between(then, now)
                statuses = (then?.status.rawValue ?? "none", now.status.rawValue)
            }
            let learned = history.learned(from: before, to: after, track: id).map { Self.json($0, history) }
            guard !changes.isEmpty || !learned.isEmpty else { continue }
            answers.append(TrackJSON(track: id, before: statuses.0, after: statuses.1, changes: changes, learned: learned))
        }
        tracks = answers
    }

    private static func json(_ l: Learned, _ history: History) -> LearnedJSON {
        let e = l.event.event
        var j = LearnedJSON(change: "", id: e.id, type: e.type.rawValue, on: e.on?.description)
        func cite(_ article: String?, _ quote: String?) {
            j.article = article
            j.outlet = article.flatMap { history.articles[$0]?.outlet }
            j.published = article.flatMap { history.articles[$0]?.published.description }
            j.quote = quote
        }
        switch l.change {
        case .new:
            j.change = "new"
            cite(e.sources.first?.article ?? e.article, e.sources.first?.quote ?? e.quote)
        case .source(let source):
            j.change = "source"
            cite(source.article, source.quote)
        case .fixed(let fix):
            j.change = fix.event.type == .retraction ? "retracted" : "corrected"
            j.by = fix.event.id
            j.reason = fix.event.reason
            cite(fix.event.article, fix.event.quote)
        case .withdrawn:
            j.change = "withdrawn"
        }
        return j
    }
}
