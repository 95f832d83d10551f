import Answers
import ArgumentParser
import Negotiation
import Store

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What changed in each track's answer between two knowledge dates, and which sources changed it.",
        discussion: """
            Puts the same question (each track as of --as-of) to the log as the press knew it on \
            --known-on and as it knew it on --to-known-on, and prints, per track, what changed in \
            the answer and the acts, second sources and fixes published in between that changed \
            it. With --since-sequence N instead: what the log recorded after sequence N changed \
            ("what is new since I last looked").
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("known-on"), help: ArgumentHelp("The earlier knowledge date.", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var from: Day?

    @Option(name: .customLong("to-known-on"), help: ArgumentHelp("The later knowledge date.", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var to: Day?

    @Option(name: .customLong("since-sequence"), help: ArgumentHelp("Compare the log as it ended at this sequence with the log now.", valueName: "n"))
    var sinceSequence: UInt64?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day the answers are for (default: --to-known-on, else today).", valueName: "YYYY-MM-DD"),
            transform: dayArgument)
    var asOf: Day?

    @Option(help: ArgumentHelp("Only this track (`general`: the general meetings' acts).", valueName: "track"), completion: Completions.tracks)
    var track: String?

    func validate() throws {
        switch (from, to, sinceSequence) {
        case (let from?, let to?, nil):
            if to < from { throw ValidationError("--to-known-on \(to) is before --known-on \(from)") }
        case (nil, nil, .some): break
        default: throw ValidationError("give --known-on and --to-known-on, or --since-sequence")
        }
    }

    func run() throws {
        let history = try readHistory(log)
        let day = asOf ?? to ?? .today
        let between: DiffAnswer.Between
        if let sinceSequence {
            between = .sinceSequence(sinceSequence)
        } else if let from, let to {
            between = .knownOn(from, to)
        } else {
            throw ValidationError("give --known-on and --to-known-on, or --since-sequence")
        }
        let answer = try DiffAnswer(history, between: between, asOf: day, track: track)
        let answers = answer.tracks
        if output.json {
            try printAnswer(asOf: day, knownOn: to, head: history.head, answer)
            return
        }
        let compared = sinceSequence.map { "the log at sequence \($0) → the log now" }
            ?? "known on \(from?.description ?? "") → known on \(to?.description ?? "")"
        print("as of \(day), \(compared) (log: \(history.head.sequence) entries, head \(history.head.hashHex.prefix(16))…)")
        if answers.isEmpty { print("nothing changed") }
        for t in answers {
            print("")
            let header = t.track == "general" ? "general meetings" : "\(t.track): " + (t.changes.isEmpty ? "unchanged (\(t.after))" : t.changes.joined(separator: "; "))
            print(terminalSafe(header))
            for l in t.learned {
                var line = "  \(l.change.padding(toLength: 10, withPad: " ", startingAt: 0))\(l.id) (\(l.type)\(l.on.map { ", \($0)" } ?? ""))"
                if let by = l.by { line += " by \(by)" + (l.reason.map { ": \($0)" } ?? "") }
                if let article = l.article {
                    line += " — \(article)" + (l.outlet.map { " (\($0)\(l.published.map { ", \($0)" } ?? ""))" } ?? "")
                }
                print(terminalSafe(line))
                if let quote = l.quote { print(terminalSafe("            « \(quote) »")) }
            }
        }
    }
}
