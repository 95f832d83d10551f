import Negotiation
import Store

/// The `--json` answer's own keys: each track's state, the general meetings, and whether the
/// index answered.
public struct StateAnswerJSON: Encodable {
    public let answer: StateAnswer

    public init(answer: StateAnswer) { self.answer = answer }

    public enum Key: String, CodingKey { case fromIndex, tracks, generalMeetings }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(answer.fromIndex, forKey: .fromIndex)
        try c.encode(answer.states.map(StateJSON.init), forKey: .tracks)
        try c.encode(answer.general.map(MeetingJSON.init), forKey: .generalMeetings)
    }

    /// A general meeting in `--json`.
    public struct MeetingJSON: Encodable {
        var id: String, on: String?, actor: String?, counterparts: [String], place: String?, format: MeetingFormat?, planned: Bool, sources: Int
        public init(_ m: RecordedEvent) {
            let e = m.event
            (id, on, actor, counterparts, place, format, planned, sources) =
                (e.id, e.on?.description, e.actor, e.counterparts, e.place, e.format, e.planned, max(1, e.sources.count))
        }
    }
}

/// The `--json` shape of a track's state; every key is present, `null` when empty.
public struct StateJSON: Encodable {
    public let state: TrackState
    public init(_ state: TrackState) { self.state = state }

    public enum Key: String, CodingKey {
        case track, status, statusSince, statusPossibleSince, positions, positionDetails, proposal, terms, duration, plannedStart
        case inEffect, ended, claims, disputed, openConditions, violations, allegations
        case lastViolation, meetings, lastMeeting, lastEvent, sources, uncertain
    }

    public struct ConditionJSON: Encodable {
        var party: String, label: String, since: Day, event: String
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let s = state
        try c.encode(s.track, forKey: .track)
        try c.encode(s.status, forKey: .status)
        try c.encode(s.statusSince, forKey: .statusSince)
        try c.encode(s.statusPossibleSince, forKey: .statusPossibleSince)
        try c.encode(Dictionary(uniqueKeysWithValues: s.required.map { ($0, (s.positions[$0] ?? .none).stance) }), forKey: .positions)
        try c.encode(Dictionary(uniqueKeysWithValues: s.required.map { ($0, s.positions[$0] ?? .none) }), forKey: .positionDetails)
        try c.encode(s.proposal?.id, forKey: .proposal)
        try c.encode(s.proposal?.terms.map(\.label) ?? [], forKey: .terms)
        try c.encode(s.proposal?.duration, forKey: .duration)
        try c.encode(s.proposal?.starts, forKey: .plannedStart)
        try c.encode(s.inEffect, forKey: .inEffect)
        try c.encode(s.ending, forKey: .ended)
        try c.encode(s.claims, forKey: .claims)
        try c.encode(s.disputed, forKey: .disputed)
        try c.encode(s.openConditions.map { ConditionJSON(party: $0.party, label: $0.label, since: $0.since, event: $0.event) }, forKey: .openConditions)
        try c.encode(s.violationCount, forKey: .violations)
        try c.encode(s.allegationPairs, forKey: .allegations)
        try c.encode(s.lastViolation, forKey: .lastViolation)
        try c.encode(s.meetingCount, forKey: .meetings)
        try c.encode(s.lastMeeting, forKey: .lastMeeting)
        try c.encode(s.lastEvent, forKey: .lastEvent)
        try c.encode(s.sourceCount, forKey: .sources)
        try c.encode(s.uncertain, forKey: .uncertain)
    }
}
