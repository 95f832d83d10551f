import Answers
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

    func run() throws {
        let history = try readHistory(log)
        let query = Query(asOf: range.to ?? .today, knownOn: known.knownOn)
        let (steps, general) = try history.timelineWithGeneralMeetings(query, track: track, from: range.from)
        if output.json {
            try printAnswer(asOf: query.asOf, knownOn: query.knownOn, head: history.head,
                            TimelineAnswer(track: track, steps: steps, general: general))
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
