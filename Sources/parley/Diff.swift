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

    struct LearnedJSON: Encodable {
        var change: String
        var id: String
        var type: String
        var on: String?
        var article: String?
        var outlet: String?
        var published: String?
        var quote: String?
        /// For a fix: the fix's id and reason.
        var by: String?
        var reason: String?
    }

    struct TrackJSON: Encodable {
        var track: String
        var before: String
        var after: String
        var changes: [String]
        var learned: [LearnedJSON]
    }

    /// The answer's own keys; `knownOn` is the later knowledge day (`--to-known-on`), the
    /// answer the changes lead to.
    struct Answer: Encodable {
        var fromKnownOn: Day?
        var sinceSequence: UInt64?
        var tracks: [TrackJSON]
    }

    func run() throws {
        let store = try log.openForReading()
        let history = try store.history()
        let day = asOf ?? to ?? .today
        let before = sinceSequence.map { Query(asOf: day, throughSequence: $0) } ?? Query(asOf: day, knownOn: from)
        let after = Query(asOf: day, knownOn: to)
        let tracks = track == "general" ? [] : try history.tracks(named: track).map(\.id)
        var answers: [TrackJSON] = []
        for id in tracks + (track == nil || track == "general" ? ["general"] : []) {
            var changes: [String] = []
            var statuses = ("", "")
            if id != "general" {
                let then = try history.states(before, track: id).first
                guard let now = try history.states(after, track: id).first else { continue }
                changes = try StateChange.between(then, now)
                statuses = (then?.status.rawValue ?? "none", now.status.rawValue)
            }
            let learned = history.learned(from: before, to: after, track: id).map { json($0, history) }
            guard !changes.isEmpty || !learned.isEmpty else { continue }
            answers.append(TrackJSON(track: id, before: statuses.0, after: statuses.1, changes: changes, learned: learned))
        }
        let answer = Answer(fromKnownOn: from, sinceSequence: sinceSequence, tracks: answers)
        if output.json {
            try printAnswer(asOf: day, knownOn: to, head: history.head, answer)
            return
        }
        let between = sinceSequence.map { "the log at sequence \($0) → the log now" }
            ?? "known on \(from?.description ?? "") → known on \(to?.description ?? "")"
        print("as of \(day), \(between) (log: \(history.head.sequence) entries, head \(history.head.hashHex.prefix(16))…)")
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

    private func json(_ l: Learned, _ history: History) -> LearnedJSON {
        let e = l.event.event
        var j = LearnedJSON(change: "", id: e.id, type: e.type.rawValue, on: e.on?.description)
        func cite(_ article: String?, _ quote: String?) {
            j.article = article
            j.outlet = article.flatMap { history.articles[$0]?.outlet }
            j.published = article.flatMap { history.articles[$0]?.published.description }
            j.quote = quote
        }
        switch l.change {
        case .new:
            j.change = "new"
            cite(e.sources.first?.article ?? e.article, e.sources.first?.quote ?? e.quote)
        case .source(let source):
            j.change = "source"
            cite(source.article, source.quote)
        case .fixed(let fix):
            j.change = fix.event.type == .retraction ? "retracted" : "corrected"
            j.by = fix.event.id
            j.reason = fix.event.reason
            cite(fix.event.article, fix.event.quote)
        case .withdrawn:
            j.change = "withdrawn"
        }
        return j
    }
}
