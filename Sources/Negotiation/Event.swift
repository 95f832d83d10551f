/// What an event reports.
///
/// The order of the cases is part of the derived indexes' format (``FoldRecord`` stores a
/// type as its place here): new cases go at the end.
public enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
    case proposal, acceptance, condition, violation, meeting, rejection
    /// The log's own fix: replaces fields of an earlier event.
    case correction
    /// The log's own fix: withdraws an earlier event.
    case retraction
    /// A ceasefire takes effect, as its actor claims or orders.
    case start
    /// A ceasefire ends (``EndReason``).
    case end
    /// A ceasefire's term is prolonged: `until` a day, or by `days`.
    case `extension`
    /// Another article reports an act already recorded: a source added to that event (`of`).
    case source

    /// Whether the event is the log's own fix rather than a report of the negotiation.
    public var isRecordFix: Bool { self == .correction || self == .retraction }

    /// Whether the record changes another event rather than reporting an act of its own: a fix,
    /// or a second source. Such records name their target (``Event/target``) and are resolved
    /// into it (``EffectiveEvents/fixed(_:by:)``); no projection folds them as events.
    public var amendsAnother: Bool { isRecordFix || self == .source }

    /// Whether the event is an act of the negotiation or of a ceasefire's life: what a
    /// projection folds.
    public var isReport: Bool { !amendsAnother }
}

/// Why a ceasefire ended.
public enum EndReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// Its term ran out.
    case expired
    /// A party withdrew from it.
    case withdrawn
    /// It broke down in fighting.
    case collapsed
    /// Another agreement replaced it.
    case superseded
}

/// How a meeting was held.
public enum MeetingFormat: String, Sendable, Hashable, CaseIterable, Codable {
    case inPerson = "in-person"
    case call
    case video
}

/// One article's report of an event: the article and its words. An event's first source is
/// its own `article` and `quote`; `source` records add more.
public struct Source: Sendable, Hashable {
    public var article: String
    public var quote: String?
    /// The log sequence of the record that gave it (the event's own, for its first source).
    public var sequence: UInt64

    public init(article: String, quote: String?, sequence: UInt64) {
        self.article = article
        self.quote = quote
        self.sequence = sequence
    }
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
    /// A meeting: how it was held (`nil`: not said).
    public var format: MeetingFormat?
    /// A meeting about the war as a whole, on no track: shown on its own line, counted on none.
    public var general: Bool = false
    /// A proposal's or a start's term, in days.
    public var duration: Int?
    /// A proposal's planned start: once every required party accepted, it is in effect from
    /// this day.
    public var starts: Day?
    /// An extension's (or a start's) last day in effect.
    public var until: Day?
    /// An extension: days added to the term.
    public var days: Int?
    /// An acceptance that drops every condition its party had set.
    public var unconditional: Bool = false
    /// The source article's id.
    public var article: String?
    /// Verbatim words of the article.
    public var quote: String?
    public var note: String?
    /// Who drafted it, when a machine did: the extractor's name and version, as `extractor`
    /// wrote them in the draft, and the confidence it gave (as written, `0.74`).
    public var extractor: String?
    public var confidence: String?
    /// Who reviewed the draft and kept it (`parley review --by`, else the git user, else `$USER`).
    public var reviewedBy: String?
    /// For a correction: the event it fixes, and the fields that replace that event's.
    public var corrects: String?
    public var changes: EventChanges?
    /// For a retraction: the event it withdraws.
    public var retracts: String?
    /// For a correction or retraction: why. For an `end`: an ``EndReason``'s raw value.
    public var reason: String?
    /// For a `source`: the event the article also reports.
    public var of: String?
    /// The sources of the act, its own first (``EffectiveEvents`` fills this in: a record holds
    /// only its own `article` and `quote`). Empty as recorded.
    public var sources: [Source] = []

    public init(id: String, type: EventType) {
        self.id = id
        self.type = type
    }

    /// The event a correction, retraction or source targets.
    public var target: String? { corrects ?? retracts ?? of }

    /// The field that names ``target``: `corrects`, `retracts` or `of`.
    public var targetField: String? { corrects != nil ? "corrects" : retracts != nil ? "retracts" : of != nil ? "of" : nil }

    /// An `end`'s reason.
    public var endReason: EndReason? { type == .end ? reason.flatMap(EndReason.init(rawValue:)) : nil }

    /// Reads a record written before meetings had a scope: a meeting that names no track was
    /// counted on every track, and is now a general meeting, counted on none.
    package mutating func adoptOlderForm() {
        if type == .meeting, tracks.isEmpty { general = true }
    }

    /// A planned meeting, not held: never counted, never a track's last event.
    public var isPlannedMeeting: Bool { type == .meeting && planned }
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
    public var format: MeetingFormat?
    public var duration: Int?
    public var starts: Day?
    public var until: Day?
    public var days: Int?

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
        if let format { e.format = format }
        if let duration { e.duration = duration }
        if let starts { e.starts = starts }
        if let until { e.until = until }
        if let days { e.days = days }
        return e
    }
}
