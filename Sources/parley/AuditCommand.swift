import Answers
import ArgumentParser
import Negotiation

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "How a proposal changed: each step with its source, and the log's own fixes apart.",
        discussion: """
            For each event that concerns the proposal: the date, the event, the party, what \
            changed (terms and conditions added + and removed −, positions before → after), the \
            article and its quote, the log sequence and hash prefix. Corrections and \
            retractions of those events are listed as fixes of our record, not as changes in \
            the negotiation. With --from and --to, also the net change between the two days.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The proposal id, e.g. truce-30-day/us-jeddah.", valueName: "proposal"))
    var proposal: String

    @OptionGroup var range: DateRangeOptions

    func run() throws {
        let history = try readHistory(log)
        let today = Day.today
        let audit = try history.audit(proposal, asOf: today, from: range.from, to: range.to)
        let articles = history.articles
        if output.json {
            try printAnswer(asOf: today, head: history.head, AuditJSON(audit, articles: articles))
            return
        }
        print("audit of \(audit.proposal) (track \(audit.track)): \(audit.steps.count) step\(audit.steps.count == 1 ? "" : "s")")
        for (i, step) in audit.steps.enumerated() {
            let e = step.event.event
            print("")
            print("\(i + 1). \(e.on?.description ?? "") \(e.type.rawValue) by \(e.actor ?? "?")  [\(e.id)]")
            for line in describe(step.change) { print("   " + line) }
            // Every article that reports the act, its own first.
            let sources = e.sources.isEmpty ? e.article.map { [Source(article: $0, quote: e.quote, sequence: step.event.sequence)] } ?? [] : e.sources
            for source in sources {
                let a = articles[source.article]
                print("   source: \(source.article)" + (a.map { ", \($0.outlet), published \($0.published)" } ?? ""))
                if let quote = source.quote { print("   « \(quote) »") }
            }
            print("   log: sequence \(step.event.sequence), hash \(step.event.hash.prefix(12))")
            if !step.fixedBy.isEmpty { print("   our record of it was fixed by: \(step.fixedBy.joined(separator: ", "))") }
        }
        if !audit.fixes.isEmpty {
            print("")
            print("our record was fixed (not a change in the negotiation):")
            for fix in audit.fixes {
                let e = fix.event
                let what = e.type == .retraction ? "retracted" : "corrected"
                print("  - sequence \(fix.sequence), hash \(fix.hash.prefix(12)): \(e.target ?? "?") \(what) by \(e.id): \(e.reason ?? "")")
            }
        }
        if let net = audit.net {
            print("")
            print("net change from \(net.from) to \(net.to):")
            let lines = describe(net.change)
            for line in lines.isEmpty ? ["nothing changed"] : lines { print("   " + line) }
        }
    }

    private func describe(_ c: Change) -> [String] {
        var lines: [String] = []
        lines += c.termsAdded.map { "+ term: \($0)" }
        lines += c.termsRemoved.map { "− term: \($0)" }
        lines += c.conditionsAdded.map { "+ condition \($0)" }
        lines += c.conditionsRemoved.map { "− condition \($0)" }
        lines += c.positions.map { "\($0.party): \($0.before.rawValue) → \($0.after.rawValue)" }
        if c.statusBefore != c.statusAfter { lines.append("status: \(c.statusBefore.rawValue) → \(c.statusAfter.rawValue)") }
        return lines
    }
}

