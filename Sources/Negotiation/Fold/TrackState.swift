/// Where a track stands, from `none` to `accepted` or `violated`; see DESIGN.md.
public enum TrackStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case proposed
    case partiallyAccepted = "partially-accepted"
    case conditionallyAccepted = "conditionally-accepted"
    case accepted
    case violated
    case rejected
}

/// A party's stance toward the track's current proposal.
public enum Stance: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case accepted
    case acceptedWithConditions = "accepted-with-conditions"
    case rejected

    var hasAccepted: Bool { self == .accepted || self == .acceptedWithConditions }
}

/// A required party's position, with the date and event of its last change.
public struct Position: Sendable, Hashable, Codable {
    public var stance: Stance
    public var since: Day?
    public var event: String?

    public static let none = Position(stance: .none, since: nil, event: nil)
}

/// A condition a party set that is still open.
public struct OpenCondition: Sendable, Hashable, Codable {
    public var party: String
    public var label: String
    /// The article's words, by language.
    public var words: [String: String]
    public var since: Day
    public var event: String
}

/// Who alleged violations against whom, and how often.
public struct AllegationPair: Sendable, Hashable, Codable {
    public var by: String
    public var against: [String]
    public var count: Int
}

/// A violation alleged by one party against others.
public struct Allegation: Sendable, Hashable, Codable {
    public var by: String
    public var against: [String]
    /// The day it counts from: the last day it could have happened.
    public var on: Day
    /// When it happened, as recorded (`2025-03`, a range…).
    public var date: String
    public var event: String
}

/// A meeting held (planned ones are not counted).
public struct MeetingRecord: Sendable, Hashable, Codable {
    /// The day it counts from: the last day it could have happened.
    public var on: Day
    /// When it happened, as recorded (`2025-03`, a range…).
    public var date: String
    public var place: String?
    public var event: String
}

/// The proposal on the table.
public struct ProposalState: Sendable, Hashable, Codable {
    public var id: String
    public var terms: [Term]
    public var since: Day
    public var event: String
}

/// The last event folded into the state, with its log position.
public struct EventMark: Sendable, Hashable, Codable {
    public var id: String
    public var on: String
    public var sequence: UInt64
}

/// The state of one track at one instant: the fold of its events in valid-time order.
///
/// A value type; ``apply(_:)`` is the one fold every command uses (`state`, `timeline`,
/// `audit`, `export`).
public struct TrackState: Sendable, Hashable {
    public let track: String
    /// The parties whose acceptance the track needs, in registry order.
    public let required: [String]
    public private(set) var status: TrackStatus = .none
    public private(set) var positions: [String: Position]
    public private(set) var proposal: ProposalState?
    public private(set) var openConditions: [OpenCondition] = []
    /// Violations alleged, in all.
    public private(set) var violationCount = 0
    /// Each distinct accuser and accused, in the order first alleged, with a count.
    public private(set) var allegationPairs: [AllegationPair] = []
    public private(set) var lastViolation: Allegation?
    /// Meetings held (planned ones are not counted).
    public private(set) var meetingCount = 0
    public private(set) var lastMeeting: MeetingRecord?
    public private(set) var lastEvent: EventMark?
    /// True when an event with an imprecise date (a month or a range) was counted.
    public private(set) var uncertain = false
    /// Whether a violation was alleged while every required party had accepted.
    var violatedSinceAllAccepted = false

    public init(track: Track) {
        self.track = track.id
        self.required = track.requires
        self.positions = Dictionary(uniqueKeysWithValues: track.requires.map { ($0, Position.none) })
    }

    /// Whether `event` bears on this track (``EffectiveEvents/concerns(_:track:)``).
    public func concerns(_ event: Event) -> Bool {
        EffectiveEvents.concerns(event, track: track)
    }

    /// Folds one event in. The caller passes events in valid-time order (log order breaking
    /// ties), with corrections already applied and retracted events left out.
    public mutating func apply(_ recorded: RecordedEvent) {
        let event = recorded.event
        guard concerns(event), let on = event.on else { return }
        let day = on.last
        if !on.isPrecise { uncertain = true }
        lastEvent = EventMark(id: event.id, on: on.description, sequence: recorded.sequence)

        switch event.type {
        case .proposal:
            applyProposal(event, day)
        case .acceptance:
            if let actor = event.actor {
                addConditions(event, day)
                if event.unconditional { closeConditions(of: actor) }
                let stillConditional = openConditions.contains { $0.party == actor }
                setStance(actor, stillConditional ? .acceptedWithConditions : .accepted, day, event.id)
            }
        case .condition:
            addConditions(event, day)
            if let actor = event.actor, positions[actor]?.stance == .accepted {
                setStance(actor, .acceptedWithConditions, day, event.id)
            }
        case .rejection:
            if let actor = event.actor { setStance(actor, .rejected, day, event.id) }
        case .violation:
            if let actor = event.actor {
                violationCount += 1
                lastViolation = Allegation(by: actor, against: event.counterparts, on: day, date: on.description, event: event.id)
                if let i = allegationPairs.firstIndex(where: { $0.by == actor && $0.against == event.counterparts }) {
                    allegationPairs[i].count += 1
                } else {
                    allegationPairs.append(AllegationPair(by: actor, against: event.counterparts, count: 1))
                }
            }
            if allRequiredAccepted { violatedSinceAllAccepted = true }
        case .meeting:
            if !event.planned {
                meetingCount += 1
                lastMeeting = MeetingRecord(on: day, date: on.description, place: event.place, event: event.id)
            }
        case .correction, .retraction:
            // Fixes are resolved before folding; they never reach a projection.
            break
        }
        close(labels: event.met + event.dropped)
        status = derivedStatus
    }

    private mutating func applyProposal(_ event: Event, _ day: Day) {
        guard let id = event.proposal else { return }
        if var current = proposal, current.id == id {
            // Another report of the same proposal: its terms accumulate, positions stand.
            for term in event.terms where !current.terms.contains(where: { $0.label == term.label }) {
                current.terms.append(term)
            }
            proposal = current
            return
        }
        // A new proposal: every party must take a position on it again.
        proposal = ProposalState(id: id, terms: event.terms, since: day, event: event.id)
        for party in positions.keys { positions[party] = Position(stance: .none, since: day, event: event.id) }
        violatedSinceAllAccepted = false
    }

    private mutating func addConditions(_ event: Event, _ day: Day) {
        guard let actor = event.actor else { return }
        for term in event.conditions where !openConditions.contains(where: { $0.party == actor && $0.label == term.label }) {
            openConditions.append(OpenCondition(party: actor, label: term.label, words: term.words, since: day, event: event.id))
        }
    }

    private mutating func closeConditions(of party: String) {
        openConditions.removeAll { $0.party == party }
    }

    private mutating func close(labels: [String]) {
        guard !labels.isEmpty else { return }
        openConditions.removeAll { labels.contains($0.label) }
        for (party, position) in positions where position.stance == .acceptedWithConditions {
            if !openConditions.contains(where: { $0.party == party }) {
                positions[party]?.stance = .accepted
            }
        }
    }

    private mutating func setStance(_ party: String, _ stance: Stance, _ day: Day, _ event: String) {
        guard required.contains(party), positions[party]?.stance != stance else { return }
        let wasAllAccepted = allRequiredAccepted
        positions[party] = Position(stance: stance, since: day, event: event)
        if wasAllAccepted, !allRequiredAccepted { violatedSinceAllAccepted = false }
    }

    private var allRequiredAccepted: Bool {
        !required.isEmpty && required.allSatisfy { positions[$0]?.stance.hasAccepted == true }
    }

    /// Worked out after every event a fold applies, so kept cheap: the required parties'
    /// stances are looked up once each, with no array of them.
    private var derivedStatus: TrackStatus {
        var accepted = 0
        for party in required {
            let stance = positions[party]?.stance ?? .none
            if stance == .rejected { return .rejected }
            if stance.hasAccepted { accepted += 1 }
        }
        if !required.isEmpty, accepted == required.count {
            if violatedSinceAllAccepted { return .violated }
            return openConditions.contains(where: { required.contains($0.party) }) ? .conditionallyAccepted : .accepted
        }
        if accepted > 0 { return .partiallyAccepted }
        return proposal == nil ? .none : .proposed
    }
}

// MARK: Checkpoints

extension TrackState {
    /// The state as bytes, for a checkpoint. Deterministic: the same state, the same bytes.
    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 1_024)
        w.beginObject()
        w.key("conditions")
        w.beginArray()
        for c in openConditions {
            w.beginObject()
            w.key("event"); w.string(c.event)
            w.key("label"); w.string(c.label)
            w.key("party"); w.string(c.party)
            w.key("since"); w.string(c.since.description)
            w.key("words"); w.stringMap(c.words)
            w.endObject()
        }
        w.endArray()
        if let e = lastEvent {
            w.key("lastEvent")
            w.beginObject()
            w.key("id"); w.string(e.id)
            w.key("on"); w.string(e.on)
            w.key("sequence"); w.string(String(e.sequence))
            w.endObject()
        }
        if let m = lastMeeting {
            w.key("lastMeeting")
            w.beginObject()
            w.key("date"); w.string(m.date)
            w.key("event"); w.string(m.event)
            w.key("on"); w.string(m.on.description)
            if let place = m.place { w.key("place"); w.string(place) }
            w.endObject()
        }
        if let v = lastViolation {
            w.key("lastViolation")
            w.beginObject()
            w.key("against"); w.strings(v.against)
            w.key("by"); w.string(v.by)
            w.key("date"); w.string(v.date)
            w.key("event"); w.string(v.event)
            w.key("on"); w.string(v.on.description)
            w.endObject()
        }
        w.key("meetings"); w.int(meetingCount)
        w.key("pairs")
        w.beginArray()
        for p in allegationPairs {
            w.beginObject()
            w.key("against"); w.strings(p.against)
            w.key("by"); w.string(p.by)
            w.key("count"); w.int(p.count)
            w.endObject()
        }
        w.endArray()
        w.key("positions")
        w.beginObject()
        for party in required {
            let p = positions[party] ?? .none
            w.key(party)
            w.beginObject()
            if let e = p.event { w.key("event"); w.string(e) }
            if let s = p.since { w.key("since"); w.string(s.description) }
            w.key("stance"); w.string(p.stance.rawValue)
            w.endObject()
        }
        w.endObject()
        if let p = proposal {
            w.key("proposal")
            w.beginObject()
            w.key("event"); w.string(p.event)
            w.key("id"); w.string(p.id)
            w.key("since"); w.string(p.since.description)
            w.key("terms")
            w.beginArray()
            for t in p.terms {
                w.beginObject()
                w.key("label"); w.string(t.label)
                w.key("words"); w.stringMap(t.words)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.key("status"); w.string(status.rawValue)
        w.key("uncertain"); w.bool(uncertain)
        w.key("violated"); w.bool(violatedSinceAllAccepted)
        w.key("violations"); w.int(violationCount)
        w.endObject()
        return w.bytes
    }

    /// A state read back from a checkpoint of `track`.
    public init(track: Track, checkpoint bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) {
        self.init(track: track)
        let value: JSONValue
        do { value = try JSONReader.parse(bytes) } catch { throw RecordDecodingError(reason: "checkpoint: \(error)") }
        guard let o = value.object else { throw RecordDecodingError(reason: "checkpoint: not an object") }
        func text(_ v: JSONValue?, _ what: String) throws(RecordDecodingError) -> String {
            guard let s = v?.string else { throw RecordDecodingError(reason: "checkpoint: \(what) missing") }
            return s
        }
        func day(_ v: JSONValue?, _ what: String) throws(RecordDecodingError) -> Day {
            let s = try text(v, what)
            guard let d = Day(iso: s) else { throw RecordDecodingError(reason: "checkpoint: \(what) '\(s)' is not a day") }
            return d
        }
        func map(_ v: JSONValue?) -> [String: String] {
            (v?.object ?? [:]).compactMapValues(\.string)
        }
        func strings(_ v: JSONValue?) -> [String] { (v?.array ?? []).compactMap(\.string) }

        guard let status = TrackStatus(rawValue: try text(o["status"], "status")) else {
            throw RecordDecodingError(reason: "checkpoint: unknown status")
        }
        self.status = status
        for (party, p) in o["positions"]?.object ?? [:] {
            let po = p.object ?? [:]
            guard let stance = Stance(rawValue: try text(po["stance"], "stance")) else {
                throw RecordDecodingError(reason: "checkpoint: unknown stance")
            }
            positions[party] = Position(stance: stance, since: po["since"] == nil ? nil : try day(po["since"], "since"),
                                        event: po["event"]?.string)
        }
        if let p = o["proposal"]?.object {
            proposal = ProposalState(
                id: try text(p["id"], "proposal id"),
                terms: (p["terms"]?.array ?? []).map { Term(label: $0.object?["label"]?.string ?? "", words: map($0.object?["words"])) },
                since: try day(p["since"], "proposal since"), event: try text(p["event"], "proposal event"))
        }
        openConditions = try (o["conditions"]?.array ?? []).map { (c) throws(RecordDecodingError) in
            let co = c.object ?? [:]
            return OpenCondition(party: try text(co["party"], "party"), label: try text(co["label"], "label"),
                                 words: map(co["words"]), since: try day(co["since"], "since"), event: try text(co["event"], "event"))
        }
        violationCount = o["violations"]?.int ?? 0
        allegationPairs = (o["pairs"]?.array ?? []).map {
            AllegationPair(by: $0.object?["by"]?.string ?? "", against: strings($0.object?["against"]), count: $0.object?["count"]?.int ?? 0)
        }
        if let v = o["lastViolation"]?.object {
            lastViolation = Allegation(by: try text(v["by"], "by"), against: strings(v["against"]), on: try day(v["on"], "on"),
                                       date: try text(v["date"], "date"), event: try text(v["event"], "event"))
        }
        meetingCount = o["meetings"]?.int ?? 0
        if let m = o["lastMeeting"]?.object {
            lastMeeting = MeetingRecord(on: try day(m["on"], "on"), date: try text(m["date"], "date"), place: m["place"]?.string,
                                        event: try text(m["event"], "event"))
        }
        if let e = o["lastEvent"]?.object {
            lastEvent = EventMark(id: try text(e["id"], "id"), on: try text(e["on"], "on"),
                                  sequence: UInt64(try text(e["sequence"], "sequence")) ?? 0)
        }
        uncertain = o["uncertain"]?.bool ?? false
        violatedSinceAllAccepted = o["violated"]?.bool ?? false
    }
}
