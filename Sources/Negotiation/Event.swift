/// What an event reports.
public enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
    case proposal, acceptance, condition, violation, meeting, rejection
    /// The log's own fix: replaces fields of an earlier event.
    case correction
    /// The log's own fix: withdraws an earlier event.
    case retraction

    /// Whether the event is the log's own fix rather than a report of the negotiation.
    public var isRecordFix: Bool { self == .correction || self == .retraction }
}

/// A term of a proposal or a condition: a short English label, and the article's own words.
public struct Term: Sendable, Hashable {
    /// A short English label, e.g. `Ukraine stops mobilising`. Conditions are named by it.
    public var label: String
    /// The article's words, by language code (`fr`: « cesse de mobiliser des troupes »).
    public var words: [String: String]

    public init(label: String, words: [String: String] = [:]) {
        self.label = label
        self.words = words
    }
}

/// One thing an article reports, or a fix of the log's record of one.
///
/// The fields a type needs are checked when a corpus is loaded; see the README's
/// "Event files" section.
public struct Event: Sendable, Hashable {
    public var id: String
    public var type: EventType
    public var tracks: [String] = []
    /// When it happened. `nil` only for corrections and retractions.
    public var on: ValidTime?
    /// Party code: who proposes, accepts, sets a condition, alleges, rejects, or meets.
    public var actor: String?
    /// Party codes: to whom, the accused, the other side of a meeting.
    public var counterparts: [String] = []
    /// The proposal concerned, `<track>/<slug>`.
    public var proposal: String?
    public var terms: [Term] = []
    public var conditions: [Term] = []
    /// Labels of conditions this event reports as met.
    public var met: [String] = []
    /// Labels of conditions this event reports as dropped.
    public var dropped: [String] = []
    public var place: String?
    /// A meeting or summit announced, not held.
    public var planned: Bool = false
    /// An acceptance that drops every condition its party had set.
    public var unconditional: Bool = false
    /// The source article's id.
    public var article: String?
    /// Verbatim words of the article.
    public var quote: String?
    public var note: String?
    /// For a correction: the event it fixes, and the fields that replace that event's.
    public var corrects: String?
    public var changes: EventChanges?
    /// For a retraction: the event it withdraws.
    public var retracts: String?
    /// For a correction or retraction: why.
    public var reason: String?

    public init(id: String, type: EventType) {
        self.id = id
        self.type = type
    }

    /// The event a correction or retraction targets.
    public var target: String? { corrects ?? retracts }
}

/// The fields a correction replaces; `nil` leaves a field as it was.
public struct EventChanges: Sendable, Hashable {
    public var tracks: [String]?
    public var on: ValidTime?
    public var actor: String?
    public var counterparts: [String]?
    public var proposal: String?
    public var terms: [Term]?
    public var conditions: [Term]?
    public var met: [String]?
    public var dropped: [String]?
    public var place: String?
    public var planned: Bool?
    public var quote: String?

    public init() {}

    /// The event as corrected.
    public func applied(to event: Event) -> Event {
        var e = event
        if let tracks { e.tracks = tracks }
        if let on { e.on = on }
        if let actor { e.actor = actor }
        if let counterparts { e.counterparts = counterparts }
        if let proposal { e.proposal = proposal }
        if let terms { e.terms = terms }
        if let conditions { e.conditions = conditions }
        if let met { e.met = met }
        if let dropped { e.dropped = dropped }
        if let place { e.place = place }
        if let planned { e.planned = planned }
        if let quote { e.quote = quote }
        return e
    }
}
