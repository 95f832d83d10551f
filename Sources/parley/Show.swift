import Answers
import ArgumentParser
import Foundation
import Negotiation
import Store

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One event as the log holds it: every field, its sources quoted in their articles, its fixes.",
        discussion: """
            Shows the event as it stands (the log's corrections applied) with its log sequence, \
            each source (its own article first) with the quote in the words around it, and the \
            corrections, retractions and second sources recorded for it, in log order.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The event's id.", valueName: "event"))
    var id: String

    func run() throws {
        let store = try log.openForReading()
        let history = try store.history()
        guard let answer = try EventAnswer(id: id, in: history, text: store.text(of:)) else {
            throw CommandError("no event '\(id)' in the log", exitCode: Failure.usage)
        }
        let event = answer.event
        let sources = answer.sources
        if output.json {
            try printAnswer(head: history.head, answer)
            return
        }
        print("\(id): \(answer.type), recorded at sequence \(answer.sequence)" + (answer.retracted ? ", retracted" : ""))
        let e = event
        var lines: [String] = []
        if let on = e.on { lines.append("on           \(on)") }
        if !e.tracks.isEmpty { lines.append("tracks       \(e.tracks.joined(separator: ", "))") }
        if e.general { lines.append("scope        general") }
        if let actor = e.actor {
            lines.append("actor        \(actor)" + (e.counterparts.isEmpty ? "" : " → \(e.counterparts.joined(separator: ", "))"))
        }
        if let proposal = e.proposal { lines.append("proposal     \(proposal)") }
        for term in e.terms { lines.append("term         \(term.label)") }
        for condition in e.conditions { lines.append("condition    \(condition.label)") }
        if let place = e.place { lines.append("place        \(place)") }
        if let format = e.format { lines.append("format       \(format.rawValue)") }
        if e.planned { lines.append("planned      yes") }
        if let of = e.of { lines.append("of           \(of)") }
        if let target = e.corrects ?? e.retracts { lines.append("amends       \(target)") }
        if let reason = e.reason { lines.append("reason       \(reason)") }
        if let note = e.note { lines.append("note         \(note)") }
        if let extractor = e.extractor {
            lines.append("drafted by   \(extractor)" + (e.confidence.map { " (confidence \($0))" } ?? ""))
        }
        if let reviewer = e.reviewedBy { lines.append("reviewed by  \(reviewer)") }
        for line in lines { print("  " + line) }
        print("  sources      \(sources.count)")
        for s in sources {
            print("    \(s.article) (\([s.outlet, s.published].compactMap { $0 }.joined(separator: ", "))), sequence \(s.sequence)")
            if let shown = s.context ?? s.quote { print("      « \(shown) »") }
        }
        if !answer.amendments.isEmpty {
            print("  amended by")
            for a in answer.amendments {
                print("    \(a.id): \(a.type), sequence \(a.sequence)" + (a.article.map { ", \($0)" } ?? "") + (a.reason.map { ": \($0)" } ?? ""))
            }
        }
    }
}
