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

    struct SourceJSON: Encodable {
        var article: String
        var outlet: String?
        var published: String?
        var quote: String?
        /// The quote with the words around it in the article, when it is found there.
        var context: String?
        var sequence: UInt64
    }

    struct AmendmentJSON: Encodable {
        var id: String
        var type: String
        var sequence: UInt64
        var article: String?
        var reason: String?
    }

    struct Answer: Encodable {
        var id: String
        var type: String
        var sequence: UInt64
        var retracted: Bool
        /// The event as it stands, in its event-file fields.
        var event: Event
        var sources: [SourceJSON]
        var amendments: [AmendmentJSON]
    }

    func run() throws {
        let store = try log.openForReading()
        let history = try store.history()
        guard let recorded = history.recorded.first(where: { $0.event.id == id }) else {
            throw CommandError("no event '\(id)' in the log", exitCode: Failure.usage)
        }
        let amendments = history.amendments(of: id)
        let effective = history.events(for: Query(asOf: .latest)).first { $0.event.id == id }
        var event = effective?.event ?? recorded.event
        if event.sources.isEmpty, let article = event.article {
            event.sources = [Source(article: article, quote: event.quote, sequence: recorded.sequence)]
        }
        var texts: [String: String] = [:]
        let sources = try event.sources.map { source -> SourceJSON in
            let article = history.articles[source.article]
            if texts[source.article] == nil, let article { texts[source.article] = try store.text(of: article) }
            return SourceJSON(article: source.article, outlet: article?.outlet, published: article?.published.description, quote: source.quote,
                              context: source.quote.flatMap { quote in texts[source.article].flatMap { quoteInContext(quote, in: $0) } },
                              sequence: source.sequence)
        }
        event.sources = []
        let answer = Answer(id: id, type: recorded.event.type.rawValue, sequence: recorded.sequence,
                            retracted: recorded.event.type.isReport && effective == nil && amendments.contains { $0.event.type == .retraction },
                            event: event, sources: sources,
                            amendments: amendments.map { AmendmentJSON(id: $0.event.id, type: $0.event.type.rawValue, sequence: $0.sequence,
                                                                       article: $0.event.article, reason: $0.event.reason) })
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
