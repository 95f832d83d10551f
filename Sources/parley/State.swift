import ArgumentParser
import Negotiation

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The state of every track (or one) as of a day, as known on a day.",
        discussion: """
            Folds each track's events in valid-time order: an imprecise date counts from the \
            last day it could be, and log order breaks ties. With --known-on, only events whose \
            article had been published by then count: the state as the press knew it.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var query: QueryOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Only this track.", valueName: "track"))
    var track: String?

    func run() throws {
        let q = query.query
        let answer = try log.openForReading().states(q, track: track)
        if output.json {
            try printJSON(answer.states.map(StateJSON.init))
            return
        }
        print("as of \(q.asOf)" + (q.knownOn.map { ", as known on \($0)" } ?? "")
            + " (log: \(answer.head.sequence) entries, head \(answer.head.hashHex.prefix(16))…)")
        for state in answer.states {
            print("")
            print(describe(state, answer.registry))
        }
    }

    private func describe(_ s: TrackState, _ registry: Registry) -> String {
        var lines = ["\(s.track) (\(name(of: s.track, in: registry))): \(s.status.rawValue)"]
        if let p = s.proposal {
            let terms = p.terms.map(\.label).joined(separator: "; ")
            lines.append("  proposal     \(p.id), since \(p.since)" + (terms.isEmpty ? "" : ": \(terms)"))
        } else {
            lines.append("  proposal     none")
        }
        for (i, party) in s.required.enumerated() {
            let position = s.positions[party] ?? .none
            let when = position.since.map { " since \($0)" } ?? ""
            let source = position.event.map { " (\($0))" } ?? ""
            lines.append((i == 0 ? "  positions    " : "               ") + "\(party) \(position.stance.rawValue)\(when)\(source)")
        }
        if s.openConditions.isEmpty {
            lines.append("  conditions   none open")
        } else {
            for (i, c) in s.openConditions.enumerated() {
                lines.append((i == 0 ? "  conditions   " : "               ") + "\(c.party): \(c.label), since \(c.since) (\(c.event))")
            }
        }
        if let last = s.lastViolation {
            let pairs = s.allegationPairs.map { "\($0.by) against \($0.against.joined(separator: ","))" }
            lines.append("  violations   \(s.violationCount) alleged (\(pairs.joined(separator: "; "))), last \(last.date)")
        } else {
            lines.append("  violations   none alleged")
        }
        if let last = s.lastMeeting {
            lines.append("  meetings     \(s.meetingCount), last \(last.date)" + (last.place.map { " in \($0)" } ?? ""))
        } else {
            lines.append("  meetings     none")
        }
        if let e = s.lastEvent { lines.append("  last event   \(e.id) (\(e.on), sequence \(e.sequence))") }
        if s.uncertain { lines.append("  uncertain    an event with an imprecise date was counted") }
        return lines.joined(separator: "\n")
    }
}

/// The `--json` shape of a track's state; every key is present, `null` when empty.
struct StateJSON: Encodable {
    let state: TrackState
    init(_ state: TrackState) { self.state = state }

    enum Key: String, CodingKey {
        case track, status, positions, positionDetails, proposal, terms, openConditions, violations, allegations
        case lastViolation, meetings, lastMeeting, lastEvent, uncertain
    }

    struct ConditionJSON: Encodable {
        var party: String, label: String, since: Day, event: String
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let s = state
        try c.encode(s.track, forKey: .track)
        try c.encode(s.status, forKey: .status)
        try c.encode(Dictionary(uniqueKeysWithValues: s.required.map { ($0, (s.positions[$0] ?? .none).stance) }), forKey: .positions)
        try c.encode(Dictionary(uniqueKeysWithValues: s.required.map { ($0, s.positions[$0] ?? .none) }), forKey: .positionDetails)
        try c.encode(s.proposal?.id, forKey: .proposal)
        try c.encode(s.proposal?.terms.map(\.label) ?? [], forKey: .terms)
        try c.encode(s.openConditions.map { ConditionJSON(party: $0.party, label: $0.label, since: $0.since, event: $0.event) }, forKey: .openConditions)
        try c.encode(s.violationCount, forKey: .violations)
        try c.encode(s.allegationPairs, forKey: .allegations)
        try c.encode(s.lastViolation, forKey: .lastViolation)
        try c.encode(s.meetingCount, forKey: .meetings)
        try c.encode(s.lastMeeting, forKey: .lastMeeting)
        try c.encode(s.lastEvent, forKey: .lastEvent)
        try c.encode(s.uncertain, forKey: .uncertain)
    }
}
