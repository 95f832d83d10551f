import CanonicalJSON

/// Where a track stands, from `none` to `in-effect`, `violated` or `ended`; see DESIGN.md.
public enum TrackStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case proposed
    case partiallyAccepted = "partially-accepted"
    case conditionallyAccepted = "conditionally-accepted"
    case accepted
    case inEffect = "in-effect"
    case violated
    case ended
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
    /// The day it is certain (the last day the event could have happened).
    public var since: Day?
    /// The first day it may have been so, when the event's date is imprecise (else `nil`).
    public var possibleSince: Day?
    public var event: String?

    public static let none = Position(stance: .none, since: nil, possibleSince: nil, event: nil)
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
    public var format: MeetingFormat?
    public var event: String
}

/// The proposal on the table.
public struct ProposalState: Sendable, Hashable, Codable {
    public var id: String
    public var terms: [Term]
    public var since: Day
    public var event: String
    /// Its term in days, when it has one.
    public var duration: Int?
    /// Its planned start, when it has one.
    public var starts: Day?
}

/// The last event folded into the state, with its log position.
public struct EventMark: Sendable, Hashable, Codable {
    public var id: String
    public var on: String
    public var sequence: UInt64
}

/// When the ceasefire took effect, by whose account, and until when.
public struct InEffect: Sendable, Hashable, Codable {
    /// The day it is certain it had taken effect (a start's last possible day, or the planned start).
    public var since: Day
    /// The first day it may have (earlier than `since` when the start's date is imprecise).
    public var possibleSince: Day
    /// The party whose start counted; `nil` when it took effect at its planned start.
    public var by: String?
    /// The start that counted; `nil` at a planned start.
    public var event: String?
    /// Its last day in effect, when it has a term (start + duration − 1, moved by extensions).
    public var through: Day?
}

/// How the ceasefire ended.
public struct Ending: Sendable, Hashable, Codable {
    /// The first day it was no longer in effect.
    public var on: Day
    public var reason: EndReason
    /// Who said it ended; `nil` when its term ran out.
    public var by: String?
    /// The `end` event; `nil` when its term ran out.
    public var event: String?
}

/// What one party says of a fact of the ceasefire's life, and where it says so.
public struct Claim: Sendable, Hashable, Codable {
    public enum Fact: String, Sendable, Hashable, Codable {
        case start, end
    }

    public var fact: Fact
    public var party: String
    /// The day claimed, as recorded (`2025-03-18`, a range…).
    public var date: String
    public var event: String
    /// The article that reports the claim.
    public var article: String?
}

/// The state of one track at one instant: the fold of its events in valid-time order.
///
/// A value type; ``apply(_:)`` is the one fold every command uses (`state`, `timeline`,
/// `audit`, `export`), and ``settled(to:)`` carries a state to a later day with no event (a
/// term runs out, a planned start passes).
public struct TrackState: Sendable, Hashable {
    public let track: String
    /// The parties whose acceptance the track needs, in registry order.
    public let required: [String]
    public private(set) var status: TrackStatus = .none
    /// The day the status became certain, and the first day it may have been so.
    public private(set) var statusSince: Day?
    public private(set) var statusPossibleSince: Day?
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
    /// Since when the ceasefire is in effect (kept once it ended, with ``ending``).
    public private(set) var inEffect: InEffect?
    public private(set) var ending: Ending?
    /// Each party's last claim of each fact (start, end), in the order first made.
    public private(set) var claims: [Claim] = []
    /// The sources behind the events folded: an act reported by two articles counts two.
    public private(set) var sourceCount = 0
    /// Whether a violation was alleged while every required party had accepted, or while in effect.
    var violatedSinceAllAccepted = false

    public init(track: Track) {
        self.track = track.id
        self.required = track.requires
        self.positions = Dictionary(uniqueKeysWithValues: track.requires.map { ($0, Position.none) })
    }

    /// Whether parties' claims of one fact disagree (two parties name different days for its start).
    public var disputed: Bool {
        for fact in [Claim.Fact.start, .end] {
            let dates = Set(claims.lazy.filter { $0.fact == fact }.map(\.date))
            if dates.count > 1 { return true }
        }
        return false
    }

    /// Whether `event` bears on this track (``EffectiveEvents/concerns(_:track:)``).
    public func concerns(_ event: Event) -> Bool {
        EffectiveEvents.concerns(event, track: track)
    }

    /// Folds one event in. The caller passes events in valid-time order
    /// (``EffectiveEvents/precedes(_:_:)``), with fixes and sources resolved and retracted
    /// events left out. The state is first carried to the event's day (``settle(to:)``).
    public mutating func apply(_ recorded: RecordedEvent) {
        let event = recorded.event
        guard event.type.isReport, concerns(event), let on = event.on else { return }
        let day = on.last
        settle(to: day)
        if !on.isPrecise { uncertain = true }
        // A planned meeting is shown, but bears on nothing the answer says.
        if !event.isPlannedMeeting {
            sourceCount += max(1, event.sources.count)
            lastEvent = EventMark(id: event.id, on: on.description, sequence: recorded.sequence)
        }
        let before = status

        switch event.type {
        case .proposal:
            applyProposal(event, day)
        case .acceptance:
            if let actor = event.actor {
                addConditions(event, day)
                if event.unconditional { closeConditions(of: actor) }
                let stillConditional = openConditions.contains { $0.party == actor }
                setStance(actor, stillConditional ? .acceptedWithConditions : .accepted, on, event.id)
            }
        case .condition:
            addConditions(event, day)
            if let actor = event.actor, positions[actor]?.stance == .accepted {
                setStance(actor, .acceptedWithConditions, on, event.id)
            }
        case .rejection:
            if let actor = event.actor { setStance(actor, .rejected, on, event.id) }
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
            if allRequiredAccepted || isInEffect { violatedSinceAllAccepted = true }
        case .meeting:
            if !event.planned {
                meetingCount += 1
                lastMeeting = MeetingRecord(on: day, date: on.description, place: event.place, format: event.format, event: event.id)
            }
        case .start:
            applyStart(event, on)
        case .extension:
            applyExtension(event, day)
        case .end:
            applyEnd(event, on)
        case .correction, .retraction, .source:
            // Resolved into their targets before folding; never folded themselves.
            break
        }
        close(labels: event.met + event.dropped)
        status = derivedStatus
        if status != before {
            statusSince = day
            statusPossibleSince = on.isPrecise ? nil : on.first
        }
        // An acceptance on or after a planned start puts the ceasefire in effect that day.
        settle(to: day)
    }

    /// Carries the state to `day`, on which no event of the track happened: a term that ran out
    /// ends the ceasefire (`expired`), and an accepted proposal's planned start puts it in
    /// effect. Days before the state's own are left as they are.
    public mutating func settle(to day: Day) {
        if inEffect == nil, ending == nil, allRequiredAccepted, let planned = proposal?.starts, planned <= day {
            // From its planned start, or from the day the last party accepted when that came later.
            let accepted = required.compactMap { positions[$0]?.since }.max() ?? planned
            let since = max(planned, accepted)
            inEffect = InEffect(since: since, possibleSince: since, by: nil, event: nil,
                                through: proposal?.duration.map { planned.adding(days: $0 - 1) })
            changeStatus(on: since)
        }
        if let current = inEffect, ending == nil, let through = current.through, through < day {
            ending = Ending(on: through.adding(days: 1), reason: .expired, by: nil, event: nil)
            changeStatus(on: through.adding(days: 1))
        }
    }

    /// The state carried to `day` (``settle(to:)``): what an answer as of `day` shows.
    public func settled(to day: Day) -> TrackState {
        var copy = self
        copy.settle(to: day)
        return copy
    }

    private mutating func changeStatus(on day: Day) {
        let new = derivedStatus
        guard new != status else { return }
        status = new
        statusSince = day
        statusPossibleSince = nil
    }

    private var isInEffect: Bool { inEffect != nil && ending == nil }

    private mutating func applyProposal(_ event: Event, _ day: Day) {
        guard let id = event.proposal else { return }
        if var current = proposal, current.id == id {
            // Another report of the same proposal: its terms accumulate, positions stand.
            for term in event.terms where !current.terms.contains(where: { $0.label == term.label }) {
                current.terms.append(term)
            }
            current.duration = event.duration ?? current.duration
            current.starts = event.starts ?? current.starts
            proposal = current
            return
        }
        // A new proposal: every party must take a position on it again, and a ceasefire that
        // ended or was in effect gives way to it.
        proposal = ProposalState(id: id, terms: event.terms, since: day, event: event.id, duration: event.duration, starts: event.starts)
        for party in positions.keys { positions[party] = Position(stance: .none, since: day, possibleSince: nil, event: event.id) }
        violatedSinceAllAccepted = false
        inEffect = nil
        ending = nil
        claims = []
    }

    private mutating func claim(_ fact: Claim.Fact, _ event: Event, _ on: ValidTime) {
        guard let actor = event.actor else { return }
        let claim = Claim(fact: fact, party: actor, date: on.description, event: event.id, article: event.article)
        if let i = claims.firstIndex(where: { $0.fact == fact && $0.party == actor }) {
            claims[i] = claim
        } else {
            claims.append(claim)
        }
    }

    /// A party says the ceasefire took effect. The first start a required party claims puts it
    /// in effect (the others stand as claims); after an end, a start begins it again.
    private mutating func applyStart(_ event: Event, _ on: ValidTime) {
        claim(.start, event, on)
        guard let actor = event.actor, required.contains(actor) else { return }
        if inEffect != nil, ending == nil { return }
        let since = on.last
        let term = event.duration ?? proposal?.duration
        inEffect = InEffect(since: since, possibleSince: on.isPrecise ? since : on.first, by: actor, event: event.id,
                            through: event.until ?? term.map { since.adding(days: $0 - 1) })
        ending = nil
    }

    /// The term is prolonged: to `until`, or by `days`. A ceasefire whose term ran out is in
    /// effect again when the new term reaches the extension's day.
    private mutating func applyExtension(_ event: Event, _ day: Day) {
        guard var current = inEffect else { return }
        if let ending, ending.event != nil { return }
        if let until = event.until {
            current.through = until
        } else if let days = event.days, let through = current.through {
            current.through = through.adding(days: days)
        }
        inEffect = current
        if let through = current.through, through >= day, ending != nil { ending = nil }
    }

    private mutating func applyEnd(_ event: Event, _ on: ValidTime) {
        claim(.end, event, on)
        if let ending, ending.event != nil { return }
        // After its term ran out, an end that says so keeps the day it ran out (its own day is
        // when it was said, at the latest) and gives its account: who, and the event.
        let day = ending.map { min($0.on, on.last) } ?? on.last
        ending = Ending(on: day, reason: event.endReason ?? .collapsed, by: event.actor, event: event.id)
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

    private mutating func setStance(_ party: String, _ stance: Stance, _ on: ValidTime, _ event: String) {
        guard required.contains(party), positions[party]?.stance != stance else { return }
        let wasAllAccepted = allRequiredAccepted
        positions[party] = Position(stance: stance, since: on.last, possibleSince: on.isPrecise ? nil : on.first, event: event)
        if wasAllAccepted, !allRequiredAccepted, !isInEffect { violatedSinceAllAccepted = false }
    }

    private var allRequiredAccepted: Bool {
        !required.isEmpty && required.allSatisfy { positions[$0]?.stance.hasAccepted == true }
    }

    /// Worked out after every event a fold applies, so kept cheap: the required parties'
    /// stances are looked up once each, with no array of them.
    private var derivedStatus: TrackStatus {
        if ending != nil { return .ended }
        if inEffect != nil { return violatedSinceAllAccepted ? .violated : .inEffect }
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
        if !claims.isEmpty {
            w.key("claims")
            w.beginArray()
            for c in claims {
                w.beginObject()
                if let article = c.article { w.key("article"); w.string(article) }
                w.key("date"); w.string(c.date)
                w.key("event"); w.string(c.event)
                w.key("fact"); w.string(c.fact.rawValue)
                w.key("party"); w.string(c.party)
                w.endObject()
            }
            w.endArray()
        }
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
        if let e = ending {
            w.key("ending")
            w.beginObject()
            if let by = e.by { w.key("by"); w.string(by) }
            if let event = e.event { w.key("event"); w.string(event) }
            w.key("on"); w.string(e.on.description)
            w.key("reason"); w.string(e.reason.rawValue)
            w.endObject()
        }
        if let i = inEffect {
            w.key("inEffect")
            w.beginObject()
            if let by = i.by { w.key("by"); w.string(by) }
            if let event = i.event { w.key("event"); w.string(event) }
            w.key("possible"); w.string(i.possibleSince.description)
            w.key("since"); w.string(i.since.description)
            if let through = i.through { w.key("through"); w.string(through.description) }
            w.endObject()
        }
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
            if let format = m.format { w.key("format"); w.string(format.rawValue) }
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
            if let s = p.possibleSince { w.key("possible"); w.string(s.description) }
            if let s = p.since { w.key("since"); w.string(s.description) }
            w.key("stance"); w.string(p.stance.rawValue)
            w.endObject()
        }
        w.endObject()
        if let p = proposal {
            w.key("proposal")
            w.beginObject()
            if let d = p.duration { w.key("duration"); w.int(d) }
            w.key("event"); w.string(p.event)
            w.key("id"); w.string(p.id)
            w.key("since"); w.string(p.since.description)
            if let starts = p.starts { w.key("starts"); w.string(starts.description) }
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
        w.key("sources"); w.int(sourceCount)
        w.key("status"); w.string(status.rawValue)
        if let d = statusPossibleSince { w.key("statusPossible"); w.string(d.description) }
        if let d = statusSince { w.key("statusSince"); w.string(d.description) }
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
        func optionalDay(_ v: JSONValue?, _ what: String) throws(RecordDecodingError) -> Day? {
            v == nil ? nil : try day(v, what)
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
            positions[party] = Position(stance: stance, since: try optionalDay(po["since"], "since"),
                                        possibleSince: try optionalDay(po["possible"], "possible"),
                                        event: po["event"]?.string)
        }
        if let p = o["proposal"]?.object {
            proposal = ProposalState(
                id: try text(p["id"], "proposal id"),
                terms: (p["terms"]?.array ?? []).map { Term(label: $0.object?["label"]?.string ?? "", words: map($0.object?["words"])) },
                since: try day(p["since"], "proposal since"), event: try text(p["event"], "proposal event"),
                duration: p["duration"]?.int, starts: try optionalDay(p["starts"], "proposal starts"))
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
                                        format: m["format"]?.string.flatMap(MeetingFormat.init(rawValue:)), event: try text(m["event"], "event"))
        }
        if let e = o["lastEvent"]?.object {
            lastEvent = EventMark(id: try text(e["id"], "id"), on: try text(e["on"], "on"),
                                  sequence: UInt64(try text(e["sequence"], "sequence")) ?? 0)
        }
        uncertain = o["uncertain"]?.bool ?? false
        violatedSinceAllAccepted = o["violated"]?.bool ?? false
        sourceCount = o["sources"]?.int ?? 0
        statusSince = try optionalDay(o["statusSince"], "statusSince")
        statusPossibleSince = try optionalDay(o["statusPossible"], "statusPossible")
        if let i = o["inEffect"]?.object {
            inEffect = InEffect(since: try day(i["since"], "since"), possibleSince: try day(i["possible"], "possible"),
                                by: i["by"]?.string, event: i["event"]?.string,
                                through: try optionalDay(i["through"], "through"))
        }
        if let e = o["ending"]?.object {
            guard let reason = EndReason(rawValue: try text(e["reason"], "reason")) else {
                throw RecordDecodingError(reason: "checkpoint: unknown end reason")
            }
            ending = Ending(on: try day(e["on"], "on"), reason: reason, by: e["by"]?.string, event: e["event"]?.string)
        }
        claims = try (o["claims"]?.array ?? []).map { (c) throws(RecordDecodingError) in
            let co = c.object ?? [:]
            guard let fact = Claim.Fact(rawValue: try text(co["fact"], "fact")) else {
                throw RecordDecodingError(reason: "checkpoint: unknown claimed fact")
            }
            return Claim(fact: fact, party: try text(co["party"], "party"), date: try text(co["date"], "date"),
                         event: try text(co["event"], "event"), article: co["article"]?.string)
        }
    }
}
