import ArgumentParser
import Negotiation

struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A track's events in valid-time order, each with the status after it."
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The track.", valueName: "track"), completion: Completions.tracks)
    var track: String

    @OptionGroup var range: DateRangeOptions
    @OptionGroup var known: KnownOnOption

    struct StepJSON: Encodable {
        var sequence: UInt64, id: String, on: String, type: String, actor: String?, counterparts: [String]
        var proposal: String?, article: String?, quote: String?, sources: [String], status: TrackStatus
    }

    /// The `--json` answer's own keys: the track's steps, and the general meetings of the same
    /// days (on no track).
    struct AnswerJSON: Encodable {
        var track: String, steps: [StepJSON], generalMeetings: [StepJSON]
    }

    static func step(_ recorded: RecordedEvent, status: TrackStatus?) -> StepJSON {
        let e = recorded.event
        return StepJSON(sequence: recorded.sequence, id: e.id, on: e.on?.description ?? "", type: e.type.rawValue,
                        actor: e.actor, counterparts: e.counterparts, proposal: e.proposal, article: e.article,
                        quote: e.quote, sources: e.sources.map(\.article), status: status ?? .none)
    }

    func run() throws {
        let history = try readHistory(log)
        let query = Query(asOf: range.to ?? .today, knownOn: known.knownOn)
        let steps = try history.timeline(query, track: track, from: range.from)
        let general = history.generalMeetings(for: query).filter { m in range.from.map { (m.event.on?.last ?? .latest) >= $0 } ?? true }
        if output.json {
            try printAnswer(asOf: query.asOf, knownOn: query.knownOn, head: history.head,
                            AnswerJSON(track: track, steps: steps.map { Self.step($0.event, status: $0.state.status) },
                                       generalMeetings: general.map { Self.step($0, status: nil) }))
            return
        }
        print("\(track) (\(name(of: track, in: history.registry)))")
        printTable(
            header: ["on", "seq", "type", "actor → counterparts", "status after", "event"],
            rows: steps.map { s in
                let e = s.event.event
                let who = ([e.actor].compactMap { $0 } + (e.counterparts.isEmpty ? [] : [e.counterparts.joined(separator: ",")])).joined(separator: " → ")
                let sources = e.sources.count > 1 ? " (\(e.sources.count) sources)" : ""
                return [e.on?.description ?? "", String(s.event.sequence), e.type.rawValue + (e.planned ? " (planned)" : ""),
                        who, s.state.status.rawValue, e.id + sources]
            })
        print("\(steps.count) event\(steps.count == 1 ? "" : "s")")
        guard !general.isEmpty else { return }
        print("")
        print("general meetings in the same days (on no track)")
        printTable(
            header: ["on", "seq", "type", "actor → counterparts", "event"],
            rows: general.map { m in
                let e = m.event
                let who = ([e.actor].compactMap { $0 } + (e.counterparts.isEmpty ? [] : [e.counterparts.joined(separator: ",")])).joined(separator: " → ")
                return [e.on?.description ?? "", String(m.sequence), "meeting" + (e.format.map { " (\($0.rawValue))" } ?? "") + (e.planned ? " (planned)" : ""), who, e.id]
            })
    }
}
