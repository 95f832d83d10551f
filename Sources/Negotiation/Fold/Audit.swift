/// A party's position before and after a step.
public struct PositionChange: Sendable, Hashable, Codable {
    public var party: String
    public var before: Stance
    public var after: Stance

    public init(party: String, before: Stance, after: Stance) {
        self.party = party
        self.before = before
        self.after = after
    }
}

/// What changed between two states of a track, as far as one proposal is concerned.
public struct Change: Sendable, Hashable, Codable {
    public var termsAdded: [String] = []
    public var termsRemoved: [String] = []
    /// `PARTY: label`.
    public var conditionsAdded: [String] = []
    public var conditionsRemoved: [String] = []
    public var positions: [PositionChange] = []
    public var statusBefore: TrackStatus
    public var statusAfter: TrackStatus

    public var isEmpty: Bool {
        termsAdded.isEmpty && termsRemoved.isEmpty && conditionsAdded.isEmpty && conditionsRemoved.isEmpty
            && positions.isEmpty && statusBefore == statusAfter
    }

    init(from before: TrackState, to after: TrackState, proposal: String) {
        let termsBefore = before.proposal?.id == proposal ? before.proposal?.terms.map(\.label) ?? [] : []
        let termsAfter = after.proposal?.id == proposal ? after.proposal?.terms.map(\.label) ?? [] : []
        termsAdded = termsAfter.filter { !termsBefore.contains($0) }
        termsRemoved = termsBefore.filter { !termsAfter.contains($0) }
        let conditionsBefore = before.openConditions.map { "\($0.party): \($0.label)" }
        let conditionsAfter = after.openConditions.map { "\($0.party): \($0.label)" }
        conditionsAdded = conditionsAfter.filter { !conditionsBefore.contains($0) }
        conditionsRemoved = conditionsBefore.filter { !conditionsAfter.contains($0) }
        positions = after.required.compactMap { party in
            let a = before.positions[party]?.stance ?? .none, b = after.positions[party]?.stance ?? .none
            return a == b ? nil : PositionChange(party: party, before: a, after: b)
        }
        statusBefore = before.status
        statusAfter = after.status
    }
}

/// One step of a proposal's history: a negotiation event and what it changed.
public struct AuditStep: Sendable, Hashable {
    public var event: RecordedEvent
    public var change: Change
    /// Corrections and retractions recorded against this event, in log order.
    public var fixedBy: [String]
}

/// How a proposal changed, step by step, with the log's own fixes shown apart.
public struct Audit: Sendable, Hashable {
    public var proposal: String
    public var track: String
    /// Negotiation events in valid-time order.
    public var steps: [AuditStep]
    /// The log's own fixes of those events ("our record was fixed"), in log order.
    public var fixes: [RecordedEvent]
    /// With both bounds given: the net change from the first day to the second.
    public var net: (from: Day, to: Day, change: Change)?

    public static func == (a: Audit, b: Audit) -> Bool {
        a.proposal == b.proposal && a.track == b.track && a.steps == b.steps && a.fixes == b.fixes
            && a.net?.from == b.net?.from && a.net?.to == b.net?.to && a.net?.change == b.net?.change
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(proposal)
        hasher.combine(steps)
    }
}

extension History {
    /// Every proposal id the log mentions, sorted.
    public var proposals: [String] {
        Set(reports.compactMap(\.event.proposal)).sorted()
    }

    /// How `proposal` changed: each event that concerns it (names it, or acts on its track
    /// while it is the proposal on the table), with what changed, between `from` and `to`
    /// (inclusive, by the last day each event could have happened; `to` defaults to `asOf`).
    /// With `knownOn`, only events whose article was published by then count, as in `state`.
    public func audit(_ proposal: String, asOf: Day, from: Day? = nil, to: Day? = nil,
                      knownOn: Day? = nil) throws(ProjectionError) -> Audit {
        guard proposals.contains(proposal) else { throw .unknownProposal(proposal, known: proposals) }
        let trackID = String(proposal.split(separator: "/").first ?? "")
        guard let track = try tracks(named: trackID).first else { throw .unknownTrack(trackID, known: registry.tracks.map(\.id)) }
        let end = to ?? asOf
        var state = TrackState(track: track)
        var steps: [AuditStep] = []
        let fixes = self.fixes
        for recorded in events(for: Query(asOf: end, knownOn: knownOn)) where state.concerns(recorded.event) {
            let before = state
            state.apply(recorded)
            let event = recorded.event
            let concerns = event.proposal == proposal
                || (event.proposal == nil && event.type != .meeting && (before.proposal?.id == proposal || state.proposal?.id == proposal))
            guard concerns else { continue }
            if let from, let on = event.on, on.last < from { continue }
            let fixedBy = fixes.filter { $0.event.target == event.id }.map(\.event.id)
            steps.append(AuditStep(event: recorded, change: Change(from: before, to: state, proposal: proposal), fixedBy: fixedBy))
        }
        // Fixes of the steps, and of events naming the proposal that a retraction removed.
        let concerned = Set(steps.map(\.event.event.id)).union(reports.filter { $0.event.proposal == proposal }.map(\.event.id))
        var audit = Audit(proposal: proposal, track: trackID, steps: steps,
                          fixes: fixes.filter { $0.event.target.map(concerned.contains) ?? false }, net: nil)
        if let from, let to {
            let a = try states(Query(asOf: from, knownOn: knownOn), track: trackID)
            let b = try states(Query(asOf: to, knownOn: knownOn), track: trackID)
            if let a = a.first, let b = b.first {
                audit.net = (from, to, Change(from: a, to: b, proposal: proposal))
            }
        }
        return audit
    }
}
