import Negotiation
import Plot

/// The evidence for every event the page shows: when, who, and every source of it (its own
/// article first, then each other article that reports the same act), each with the article's
/// words and the article. A marker links to its entry, and the page's script shows the entry
/// beside a marker on hover or focus, so the list is both the details and their text
/// alternative.
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
        return .li(
            .id(Self.anchor(event.id)), .class("evidence-item"), .attr("data-type", event.type.rawValue),
            .p(.class("ev-head"),
               .span(.class("ev-type"), Legend.glyphIcon(event.type, hollow: !(on?.isPrecise ?? true) || event.planned, dashed: event.planned),
                     .plain(labels.type(event.type))),
               .text(" "),
               Self.time(on, labels: labels, class: "ev-date"),
               .text(" "),
               .span(.class(on?.isPrecise ?? true ? "ev-precision" : "ev-precision imprecise"), .plain(precision))),
            .p(.class("ev-who"), .plain(Self.who(event, labels: labels))),
            sources(event),
            .p(.class("ev-log"),
               .plain("\(labels.logPosition) \(recorded.sequence) · \(labels.hash) \(recorded.hash.prefix(12)) · "),
               .code(.plain(event.id)),
               fixedBy.isEmpty ? .empty : .plain(" · \(labels.fixedBy) \(fixedBy.joined(separator: ", "))"))
        )
    }

    /// An event's sources as the history resolved them: its own article first. An event read
    /// without that resolution has only its own article and quote.
    static func sources(of event: Event) -> [Source] {
        if !event.sources.isEmpty { return event.sources }
        return event.article.map { [Source(article: $0, quote: event.quote, sequence: 0)] } ?? []
    }

    /// Every source of the event, each with its words and its article: a second article that
    /// reports the act is shown as fully as the first, since it is what a second source adds.
    private func sources(_ event: Event) -> Node<HTML.BodyContext> {
        let sources = Self.sources(of: event)
        guard !sources.isEmpty else { return .empty }
        return .ul(.class("ev-sources"), .attr("data-count", "\(sources.count)"),
                   .group(sources.enumerated().map { index, source in
                       let article = model.articles[source.article]
                       return .li(.class("ev-source-item"), .attr("data-article", source.article),
                                  quote(source.quote, article: article),
                                  .p(.class("ev-source"), self.source(source, article: article, first: index == 0)))
                   }))
    }

    private func quote(_ quote: String?, article: Negotiation.Article?) -> Node<HTML.BodyContext> {
        guard let quote else { return .empty }
        return .blockquote(.class("quote"), .attr("lang", article?.language ?? ""), .plain(model.labels.quoted(quote)))
    }

    /// The article of a source: its own (`Source:`), or another that reports the same act, with
    /// the log sequence of the record that added it.
    private func source(_ source: Source, article: Negotiation.Article?, first: Bool) -> Node<HTML.BodyContext> {
        let labels = model.labels
        let lead = "\(first ? labels.source : labels.alsoReportedBy)\(labels.colon)"
        let logged: Node<HTML.BodyContext> = first ? .empty : .plain(" · \(labels.logPosition) \(source.sequence)")
        guard let article else { return .group(.plain("\(lead)\(source.article) (\(labels.unknownArticle))"), logged) }
        return .group(
            .plain(lead),
            .element(named: "cite", nodes: [.attr("lang", article.language), Self.link(article)]),
            .plain(" — \(article.outlet), \(labels.published) \(labels.day(article.published)) (\(labels.precision(article.precision))) · \(labels.article) "),
            .code(.plain(article.id)),
            logged
        )
    }

    /// An event's date in a `time` element: in the page's language, with the ISO day or month
    /// for machines when it is one.
    static func time(_ on: ValidTime?, labels: Labels, class name: String = "") -> Node<HTML.BodyContext> {
        var nodes: [Node<HTML.BodyContext>] = name.isEmpty ? [] : [.class(name)]
        switch on {
        case .day, .month: nodes.append(.attr("datetime", on?.description ?? ""))
        case .range, nil: break
        }
        nodes.append(.plain(on.map(labels.date) ?? ""))
        return .element(named: "time", nodes: nodes)
    }

    /// An article's title, linked to the page it was read from when the catalog gives a web
    /// address (only `http` and `https`: a catalog is data, never a script to run).
    static func link(_ article: Negotiation.Article) -> Node<HTML.BodyContext> {
        guard let url = article.url, url.hasPrefix("https://") || url.hasPrefix("http://") else { return .plain(article.title) }
        return .a(.class("source-link"), .attr("href", url), .attr("rel", "noopener noreferrer external"), .plain(article.title))
    }

    /// Who did what to whom, on which tracks, where.
    static func who(_ event: Event, labels: Labels) -> String {
        var parts: [String] = []
        if let actor = event.actor {
            parts.append(labels.partyName(actor) + (event.counterparts.isEmpty ? "" : " → " + labels.partyNames(event.counterparts)))
        }
        if !event.tracks.isEmpty { parts.append(event.tracks.map(labels.trackName).joined(separator: ", ")) }
        if event.general { parts.append(labels.generalScope) }
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
        if let on = event.on { parts.append(on.isPrecise ? labels.date(on) : "\(labels.date(on)) (\(labels.imprecise(on)))") }
        parts.append(who(event, labels: labels))
        if withQuote {
            if let quote = event.quote { parts.append(labels.quoted(quote)) }
            if let id = event.article, let article = model.articles[id] {
                parts.append("\(article.outlet), \(labels.published) \(labels.day(article.published))")
            }
            let others = sources(of: event).count - 1
            if others > 0 { parts.append(labels.otherSources(others)) }
        }
        return parts.filter { !$0.isEmpty }.joined(separator: " — ")
    }
}
