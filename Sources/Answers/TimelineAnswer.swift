import Negotiation

/// A track's events in valid-time order, each with the status after it, and the general
/// meetings of the same days (`parley timeline`, `GET /v1/timeline`).
public struct TimelineAnswer: Encodable, Sendable {
    public struct StepJSON: Encodable, Sendable {
        public var sequence: UInt64, id: String, on: String, type: String, actor: String?, counterparts: [String]
        public var proposal: String?, article: String?, quote: String?, sources: [String], status: TrackStatus
    }

    public var track: String
    public var steps: [StepJSON]
    public var generalMeetings: [StepJSON]

    public init(track: String, steps: [History.Step], general: [RecordedEvent]) {
        self.track = track
        self.steps = steps.map { Self.step($0.event, status: $0.state.status) }
        generalMeetings = general.map { Self.step($0, status: nil) }
    }

    static func step(_ recorded: RecordedEvent, status: TrackStatus?) -> StepJSON {
        let e = recorded.event
        return StepJSON(sequence: recorded.sequence, id: e.id, on: e.on?.description ?? "", type: e.type.rawValue,
                        actor: e.actor, counterparts: e.counterparts, proposal: e.proposal, article: e.article,
                        quote: e.quote, sources: e.sources.map(\.article), status: status ?? .none)
    }
}

extension History {
    /// A track's steps through `query.asOf` from `from`, and the general meetings of the
    /// same days (those on or after `from`).
    public func timelineWithGeneralMeetings(_ query: Query, track: String, from: Day?)
        throws(ProjectionError) -> (steps: [Step], general: [RecordedEvent]) {
        let steps = try timeline(query, track: track, from: from)
        let general = generalMeetings(for: query).filter { m in from.map { (m.event.on?.last ?? .latest) >= $0 } ?? true }
        return (steps, general)
    }
}
