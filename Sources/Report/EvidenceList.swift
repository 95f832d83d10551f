import Negotiation
import Plot

/// The evidence for every event the page shows: when, who, the article's words and the
/// article. A marker links to its entry, and the page's script shows the entry beside a marker
/// on hover or focus, so the list is both the details and their text alternative.
struct EvidenceList {
    let model: ReportModel

    /// The fragment id of an event's entry.
    static func anchor(_ eventID: String) -> String { "ev-\(Markup.identifier(eventID))" }

    func section() -> Node<HTML.BodyContext> {
        let labels = model.labels
        return .section(
            .id("evidence"), .class("evidence"),
            .h2(.plain(labels.evidenceHeading)),
            .p(.class("intro"), .plain(labels.evidenceIntro)),
            .ol(.class("evidence-list"), .group(model.evidence.map(item)))
        )
    }

    private func item(_ recorded: RecordedEvent) -> Node<HTML.ListContext> {
        let labels = model.labels
        let event = recorded.event
        let on = event.on
        let precision = on.map { $0.isPrecise ? labels.exactDay : labels.imprecise($0) } ?? ""
        let fixedBy = model.fixes[event.id]?.map(\.event.id) ?? []
        let article = event.article.flatMap { model.articles[$0] }
        return .li(
            .id(Self.anchor(event.id)), .class("evidence-item"), .attr("data-type", event.type.rawValue),
            .p(.class("ev-head"),
               .span(.class("ev-type"), Legend.glyphIcon(event.type, hollow: !(on?.isPrecise ?? true) || event.planned, dashed: event.planned),
                     .plain(labels.type(event.type))),
               .text(" "),
               .element(named: "time", nodes: [.class("ev-date"), .plain(on?.description ?? "")]),
               .text(" "),
               .span(.class(on?.isPrecise ?? true ? "ev-precision" : "ev-precision imprecise"), .plain(precision))),
            .p(.class("ev-who"), .plain(Self.who(event, labels: labels))),
            quote(event, article: article),
            .p(.class("ev-source"), source(event, article: article)),
            .p(.class("ev-log"),
               .plain("\(labels.logPosition) \(recorded.sequence) · \(labels.hash) \(recorded.hash.prefix(12)) · "),
               .code(.plain(event.id)),
               fixedBy.isEmpty ? .empty : .plain(" · \(labels.fixedBy) \(fixedBy.joined(separator: ", "))"))
        )
    }

    private func quote(_ event: Event, article: Negotiation.Article?) -> Node<HTML.BodyContext> {
        guard let quote = event.quote else { return .empty }
        return .blockquote(.class("quote"), .attr("lang", article?.language ?? ""), .plain(model.labels.quoted(quote)))
    }

    private func source(_ event: Event, article: Negotiation.Article?) -> Node<HTML.BodyContext> {
        let labels = model.labels
        guard let id = event.article else { return .empty }
        guard let article else { return .plain("\(labels.source)\(labels.colon)\(id) (\(labels.unknownArticle))") }
        return .group(
            .plain("\(labels.source)\(labels.colon)"),
            .element(named: "cite", nodes: [.attr("lang", article.language), .plain(article.title)]),
            .plain(" — \(article.outlet), \(labels.published) \(article.published) (\(labels.precision(article.precision))) · \(labels.article) "),
            .code(.plain(article.id))
        )
    }

    /// Who did what to whom, on which tracks, where.
    static func who(_ event: Event, labels: Labels) -> String {
        var parts: [String] = []
        if let actor = event.actor {
            parts.append(labels.partyName(actor) + (event.counterparts.isEmpty ? "" : " → " + labels.partyNames(event.counterparts)))
        }
        if !event.tracks.isEmpty { parts.append(event.tracks.map(labels.trackName).joined(separator: ", ")) }
        if let place = event.place { parts.append("\(labels.at) \(place)") }
        if event.planned { parts.append(labels.planned) }
        return parts.joined(separator: " · ")
    }

    /// A one-line text alternative for a marker; with the quote and the source for its
    /// hover title.
    static func summary(_ recorded: RecordedEvent, model: ReportModel, withQuote: Bool) -> String {
        let labels = model.labels
        let event = recorded.event
        var parts = [labels.type(event.type)]
        if let on = event.on { parts.append(on.isPrecise ? on.description : "\(on) (\(labels.imprecise(on)))") }
        parts.append(who(event, labels: labels))
        if withQuote {
            if let quote = event.quote { parts.append(labels.quoted(quote)) }
            if let id = event.article, let article = model.articles[id] {
                parts.append("\(article.outlet), \(labels.published) \(article.published)")
            }
        }
        return parts.filter { !$0.isEmpty }.joined(separator: " — ")
    }
}
