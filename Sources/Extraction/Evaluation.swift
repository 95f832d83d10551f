import Corpus
import Negotiation

/// How extraction compares with curated events.
///
/// A candidate matches a curated event when they come from the same article, have the same
/// type and actor, their tracks intersect (or both have none), and their dates overlap (an
/// imprecise date is its whole range). Matching is one-to-one and maximal per article
/// (``BipartiteMatching``): a candidate matches at most one curated event, and the most pairs
/// possible are counted. Precision, recall and F1 are given per type and micro-averaged
/// overall (every pair, miss and false alarm counted once).
public struct Evaluation: Sendable {
    /// True positives, false positives, false negatives, and the measures they give.
    public struct Score: Sendable, Hashable {
        /// Candidates paired with a curated event (true positives).
        public var matched = 0
        /// Candidates paired with none (false positives).
        public var falseAlarms = 0
        /// Curated events paired with none (false negatives).
        public var misses = 0

        /// A score from its counts.
        public init(matched: Int = 0, falseAlarms: Int = 0, misses: Int = 0) {
            self.matched = matched
            self.falseAlarms = falseAlarms
            self.misses = misses
        }

        /// Matched among proposed; `nil` when nothing was proposed.
        public var precision: Double? {
            matched + falseAlarms == 0 ? nil : Double(matched) / Double(matched + falseAlarms)
        }

        /// Matched among curated; `nil` when nothing was curated.
        public var recall: Double? {
            matched + misses == 0 ? nil : Double(matched) / Double(matched + misses)
        }

        /// The harmonic mean of precision and recall; 0 when either is 0 or undefined.
        public var f1: Double {
            guard let p = precision, let r = recall, p + r > 0 else { return 0 }
            return 2 * p * r / (p + r)
        }

        /// The counts of two scores together.
        public static func + (a: Score, b: Score) -> Score {
            Score(matched: a.matched + b.matched, falseAlarms: a.falseAlarms + b.falseAlarms, misses: a.misses + b.misses)
        }
    }

    /// A candidate and the curated event it matched.
    public struct Pair: Sendable, Hashable {
        /// What extraction proposed.
        public var candidate: Candidate
        /// The curated event it stands for.
        public var curated: Event
    }

    /// By type, in ``EventType`` order, for the types that were proposed or curated.
    public var byType: [(type: EventType, score: Score)]
    /// Micro-averaged over every type.
    public var overall: Score
    /// Every candidate matched, with its curated event.
    public var pairs: [Pair]
    /// Curated events no candidate matched.
    public var misses: [Event]
    /// Candidates that matched no curated event.
    public var falseAlarms: [Candidate]
    /// Articles extracted.
    public var articles: Int { articleIDs.count }
    /// The ids of the articles extracted.
    public var articleIDs: [String]
    /// The time spent extracting (not matching).
    public var extractionTime: Duration

    /// Whether a candidate may stand for a curated event: same article, type and actor, tracks
    /// that intersect or are both empty, and dates that overlap; and, given the article's
    /// text (`quotes`), quotes that overlap in it: the candidate's sentence holds, or is part
    /// of, the words the curated event quotes.
    public static func matches(_ candidate: Event, _ curated: Event, quotes: QuoteMatcher? = nil) -> Bool {
        guard candidate.article == curated.article, candidate.type == curated.type, candidate.actor == curated.actor,
              let a = candidate.on, let b = curated.on
        else { return false }
        let tracksAgree = candidate.tracks.isEmpty && curated.tracks.isEmpty || !Set(candidate.tracks).isDisjoint(with: curated.tracks)
        guard tracksAgree && a.first <= b.last && b.first <= a.last else { return false }
        guard let quotes else { return true }
        return quotesOverlap(candidate.quote, curated.quote, in: quotes)
    }

    /// Whether two quotes share words in an article (as ``QuoteMatcher`` finds quotes: after
    /// typographic normalisation): where each is first found, their spans meet. A quote not
    /// found overlaps nothing.
    public static func quotesOverlap(_ a: String?, _ b: String?, in article: QuoteMatcher) -> Bool {
        guard let a, let b, let ra = article.span(of: a), let rb = article.span(of: b) else { return false }
        return ra.lowerBound < rb.upperBound && rb.lowerBound < ra.upperBound
    }

    /// Compares candidates with curated events, article by article; with the articles' `texts`
    /// (by id), a match also needs overlapping quotes.
    public init(candidates: [Candidate], curated: [Event], articles: [String], texts: [String: String]? = nil,
                extractionTime: Duration = .zero) {
        var pairs: [Pair] = []
        var misses: [Event] = []
        var falseAlarms: [Candidate] = []
        let ids = unique(curated.compactMap(\.article) + candidates.compactMap(\.event.article))
        for article in ids {
            let cs = candidates.filter { $0.event.article == article }
            let gs = curated.filter { $0.article == article }
            let quotes = texts.map { QuoteMatcher(article: $0[article] ?? "") }
            let edges = cs.map { c in gs.indices.filter { Self.matches(c.event, gs[$0], quotes: quotes) } }
            let matching = BipartiteMatching.maximum(left: cs.count, right: gs.count, edges: edges)
            pairs += matching.map { Pair(candidate: cs[$0.left], curated: gs[$0.right]) }
            let matchedLeft = Set(matching.map(\.left)), matchedRight = Set(matching.map(\.right))
            falseAlarms += cs.indices.filter { !matchedLeft.contains($0) }.map { cs[$0] }
            misses += gs.indices.filter { !matchedRight.contains($0) }.map { gs[$0] }
        }
        (byType, overall) = Self.scores(pairs: pairs, misses: misses, falseAlarms: falseAlarms)
        self.pairs = pairs
        self.misses = misses
        self.falseAlarms = falseAlarms
        self.articleIDs = articles
        self.extractionTime = extractionTime
    }

    /// The same figures for the articles `keep` accepts only: their pairs, misses and false
    /// alarms, scored again.
    public func restricted(to keep: (String) -> Bool) -> Evaluation {
        var part = self
        part.articleIDs = articleIDs.filter(keep)
        part.pairs = pairs.filter { $0.curated.article.map(keep) ?? false }
        part.misses = misses.filter { $0.article.map(keep) ?? false }
        part.falseAlarms = falseAlarms.filter { $0.event.article.map(keep) ?? false }
        (part.byType, part.overall) = Self.scores(pairs: part.pairs, misses: part.misses, falseAlarms: part.falseAlarms)
        return part
    }

    /// The scores per type (the types proposed or curated, in ``EventType`` order) and overall.
    private static func scores(pairs: [Pair], misses: [Event], falseAlarms: [Candidate]) -> ([(type: EventType, score: Score)], Score) {
        let byType: [(type: EventType, score: Score)] = EventType.allCases.compactMap { type in
            let score = Score(matched: pairs.filter { $0.curated.type == type }.count,
                              falseAlarms: falseAlarms.filter { $0.event.type == type }.count,
                              misses: misses.filter { $0.type == type }.count)
            return score == Score() ? nil : (type, score)
        }
        return (byType, byType.map(\.score).reduce(Score(), +))
    }

    /// How many candidates have a confidence in `band`, and how many of them matched: the
    /// calibration of the extractor's confidence.
    public func candidates(confidence band: Range<Double>) -> (count: Int, matched: Int) {
        let matched = pairs.filter { band.contains($0.candidate.confidence) }.count
        return (matched + falseAlarms.filter { band.contains($0.confidence) }.count, matched)
    }

    /// Runs extraction on every catalogued article, with the catalog's language and
    /// publication date, and compares with the corpus's curated events (corrections applied,
    /// retracted events left out).
    ///
    /// - Throws: ``ExtractionError`` when an article's language has no lexicon.
    ///
    /// With a `split`, only that set's articles and the acts they report: an article the
    /// catalog puts in no set counts as development (its rules may have been written on it).
    public static func run(_ extractor: Extractor, on corpus: Corpus, split: EvaluationSplit? = nil) throws(ExtractionError) -> Evaluation {
        let clock = ContinuousClock()
        var candidates: [Candidate] = []
        let chosen = corpus.articles.filter { split == nil || ($0.split ?? .development) == split }
        let start = clock.now
        for source in chosen {
            let a = source.article
            candidates += try extractor.extract(text: source.text, article: a.id, published: a.published, language: a.language).candidates
        }
        let elapsed = clock.now - start
        var curated = curatedEvents(corpus)
        if split != nil {
            let ids = Set(chosen.map(\.article.id))
            curated = curated.filter { $0.article.map(ids.contains) ?? false }
        }
        let texts = Dictionary(chosen.map { ($0.article.id, $0.text) }, uniquingKeysWith: { first, _ in first })
        return Evaluation(candidates: candidates, curated: curated, articles: chosen.map(\.article.id), texts: texts, extractionTime: elapsed)
    }

    /// The corpus's reported events as they stand after its own corrections and retractions,
    /// and for each `source` the act it reports again, as its own article's event (an article's
    /// events are the acts it reports, first or not).
    static func curatedEvents(_ corpus: Corpus) -> [Event] {
        var events: [Event] = []
        var position: [String: Int] = [:]
        var retracted = Set<String>()
        var sources: [Event] = []
        for item in corpus.events.map(\.event) {
            switch item.type {
            case .correction:
                if let target = item.corrects, let i = position[target], let changes = item.changes {
                    events[i] = changes.applied(to: events[i])
                }
            case .retraction:
                if let target = item.retracts { retracted.insert(target) }
            case .source:
                sources.append(item)
            default:
                position[item.id] = events.count
                events.append(item)
            }
        }
        for source in sources {
            guard let target = source.of, let i = position[target], !retracted.contains(target) else { continue }
            var again = events[i]
            again.id = source.id
            again.article = source.article
            again.quote = source.quote
            events.append(again)
        }
        return events.filter { !retracted.contains($0.id) }
    }
}
