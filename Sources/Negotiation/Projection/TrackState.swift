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
    public private(set) var allegations: [Allegation] = []
    public private(set) var meetings: [MeetingRecord] = []
    public private(set) var lastEvent: EventMark?
    /// True when an event with an imprecise date (a month or a range) was counted.
    public private(set) var uncertain = false
    /// Whether a violation was alleged while every required party had accepted.
    private var violatedSinceAllAccepted = false

    public init(track: Track) {
        self.track = track.id
        self.required = track.requires
        self.positions = Dictionary(uniqueKeysWithValues: track.requires.map { ($0, Position.none) })
    }

    public var lastViolation: Allegation? { allegations.last }
    public var lastMeeting: MeetingRecord? { meetings.last }

    /// Whether `event` bears on this track. A meeting that names no track concerns every track.
    public func concerns(_ event: Event) -> Bool {
        event.tracks.contains(track) || (event.type == .meeting && event.tracks.isEmpty)
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
                allegations.append(Allegation(by: actor, against: event.counterparts, on: day, date: on.description, event: event.id))
            }
            if allRequiredAccepted { violatedSinceAllAccepted = true }
        case .meeting:
            if !event.planned { meetings.append(MeetingRecord(on: day, date: on.description, place: event.place, event: event.id)) }
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

    private var derivedStatus: TrackStatus {
        let stances = required.map { positions[$0]?.stance ?? .none }
        if stances.contains(.rejected) { return .rejected }
        if allRequiredAccepted {
            if violatedSinceAllAccepted { return .violated }
            return openConditions.contains(where: { required.contains($0.party) }) ? .conditionallyAccepted : .accepted
        }
        if stances.contains(where: \.hasAccepted) { return .partiallyAccepted }
        return proposal == nil ? .none : .proposed
    }
}
