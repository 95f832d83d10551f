import Negotiation

/// What extraction proposes for one article.
public struct ExtractionResult: Sendable, Hashable {
    /// The article id: its file stem.
    public var article: String
    /// The publication date dates were resolved against.
    public var published: Day
    /// The language read (given, or detected).
    public var language: String
    /// How many sentences the article was cut into.
    public var sentenceCount: Int
    /// In the order of the article.
    public var candidates: [Candidate]

    /// A result from its parts.
    public init(article: String, published: Day, language: String, sentenceCount: Int, candidates: [Candidate]) {
        self.article = article
        self.published = published
        self.language = language
        self.sentenceCount = sentenceCount
        self.candidates = candidates
    }

    /// The candidates as events, ready to be compared or written.
    public var events: [Event] { candidates.map(\.event) }
}
