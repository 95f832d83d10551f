import ArgumentParser
import Negotiation

struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A track's events in valid-time order, each with the status after it."
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The track.", valueName: "track"))
    var track: String

    @OptionGroup var range: DateRangeOptions
    @OptionGroup var known: KnownOnOption

    struct StepJSON: Encodable {
        var sequence: UInt64, id: String, on: String, type: String, actor: String?, counterparts: [String]
        var proposal: String?, article: String?, quote: String?, status: TrackStatus
    }

    func run() throws {
        let history = try readHistory(log)
        let query = Query(asOf: range.to ?? .today, knownOn: known.knownOn)
        let steps = try history.timeline(query, track: track, from: range.from)
        if output.json {
            try printJSON(steps.map { s in
                let e = s.event.event
                return StepJSON(sequence: s.event.sequence, id: e.id, on: e.on?.description ?? "", type: e.type.rawValue,
                                actor: e.actor, counterparts: e.counterparts, proposal: e.proposal, article: e.article,
                                quote: e.quote, status: s.state.status)
            })
            return
        }
        print("\(track) (\(name(of: track, in: history.registry)))")
        printTable(
            header: ["on", "seq", "type", "actor → counterparts", "status after", "event"],
            rows: steps.map { s in
                let e = s.event.event
                let who = ([e.actor].compactMap { $0 } + (e.counterparts.isEmpty ? [] : [e.counterparts.joined(separator: ",")])).joined(separator: " → ")
                return [e.on?.description ?? "", String(s.event.sequence), e.type.rawValue + (e.planned ? " (planned)" : ""),
                        who, s.state.status.rawValue, e.id]
            })
        print("\(steps.count) event\(steps.count == 1 ? "" : "s")")
    }
}
