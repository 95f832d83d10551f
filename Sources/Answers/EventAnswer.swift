import Negotiation

/// One event as it stands (`parley show`, `GET /v1/events/{id}`): the log's corrections
/// applied, every source with its quote in the words around it, and what amended it.
public struct EventAnswer: Encodable, Sendable {
    public struct SourceJSON: Encodable, Sendable {
        public var article: String
        public var outlet: String?
        public var published: String?
        public var quote: String?
        /// The quote with the words around it in the article, when it is found there.
        public var context: String?
        public var sequence: UInt64
    }

    public struct AmendmentJSON: Encodable, Sendable {
        public var id: String
        public var type: String
        public var sequence: UInt64
        public var article: String?
        public var reason: String?
    }

    public var id: String
    public var type: String
    public var sequence: UInt64
    public var retracted: Bool
    /// The event as it stands, in its event-file fields.
    public var event: Event
    public var sources: [SourceJSON]
    public var amendments: [AmendmentJSON]

    /// The answer for `id`, `nil` when the log has no such event; `text` gives an article's
    /// text (from the log) to place each quote in.
    public init?(id: String, in history: History, text: (Article) throws -> String?) rethrows {
        guard let recorded = history.recorded.first(where: { $0.event.id == id }) else { return nil }
        let amendments = history.amendments(of: id)
        let effective = history.events(for: Query(asOf: .latest)).first { $0.event.id == id }
        var event = effective?.event ?? recorded.event
        if event.sources.isEmpty, let article = event.article {
            event.sources = [Source(article: article, quote: event.quote, sequence: recorded.sequence)]
        }
        var texts: [String: String] = [:]
        sources = try event.sources.map { source -> SourceJSON in
            let article = history.articles[source.article]
            if texts[source.article] == nil, let article { texts[source.article] = try text(article) }
            return SourceJSON(article: source.article, outlet: article?.outlet, published: article?.published.description, quote: source.quote,
                              context: source.quote.flatMap { quote in texts[source.article].flatMap { quoteInContext(quote, in: $0) } },
                              sequence: source.sequence)
        }
        event.sources = []
        self.id = id
        type = recorded.event.type.rawValue
        sequence = recorded.sequence
        retracted = recorded.event.type.isReport && effective == nil && amendments.contains { $0.event.type == .retraction }
        self.event = event
        self.amendments = amendments.map {
            AmendmentJSON(id: $0.event.id, type: $0.event.type.rawValue, sequence: $0.sequence, article: $0.event.article, reason: $0.event.reason)
        }
    }
}

/// One article as the log holds it (`parley article`, `GET /v1/articles/{id}`): its catalog
/// entry and every event recorded from it, reported again by it, or fixed on its word.
public struct ArticleAnswer: Encodable, Sendable {
    public struct Reported: Encodable, Sendable {
        /// `act` (recorded from this article), `source` (an act it reports again) or `fix`.
        public var role: String
        public var id: String
        public var type: String
        /// The act a second source or fix is about.
        public var about: String?
        public var sequence: UInt64
        public var quote: String?
    }

    public var id: String
    public var outlet: String
    public var title: String
    public var language: String
    public var url: String?
    public var published: String
    public var precision: String
    public var basis: String?
    public var retrieved: String?
    public var sha256: String
    public var events: [Reported]
    /// The article's text, when asked for (``withText(_:)``).
    public var text: String?
    /// Where each event's quote is in ``text``, when asked for.
    public var quotes: [LocatedQuote]?

    /// A quote found in the article's text: from `start` up to `end`, counted in UTF-16 code
    /// units (as JavaScript indexes a string).
    public struct LocatedQuote: Encodable, Sendable {
        public var event: String
        public var start: Int
        public var end: Int
    }

    /// The answer with the article's text, and where each event's quote is in it (a quote not
    /// found is left out).
    public func withText(_ text: String) -> ArticleAnswer {
        var answer = self
        answer.text = text
        answer.quotes = events.compactMap { reported in
            guard let quote = reported.quote, !quote.isEmpty, let range = text.range(of: quote) else { return nil }
            return LocatedQuote(event: reported.about ?? reported.id,
                                start: text.utf16.distance(from: text.startIndex, to: range.lowerBound),
                                end: text.utf16.distance(from: text.startIndex, to: range.upperBound))
        }
        return answer
    }

    /// The answer for `id`, `nil` when the log has no such article.
    public init?(id: String, in history: History) {
        guard let article = history.articles[id] else { return nil }
        events = history.recorded.filter { $0.event.article == id }.map { r in
            let e = r.event
            let role = e.type.isReport ? "act" : e.type == .source ? "source" : "fix"
            return Reported(role: role, id: e.id, type: e.type.rawValue, about: e.target, sequence: r.sequence, quote: e.quote)
        }
        self.id = id
        outlet = article.outlet
        title = article.title
        language = article.language
        url = article.url
        published = article.published.description
        precision = article.precision.description
        basis = article.basis
        retrieved = article.retrieved?.description
        sha256 = article.sha256
    }
}
