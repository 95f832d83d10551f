import Corpus
import Extraction
import Foundation
import Negotiation
import TestSupport
import Testing

@Suite("Evaluation matches one-to-one and scores per type")
struct EvaluationTests {
    static func event(_ id: String, _ type: EventType, actor: String, tracks: [String] = [], on: String, article: String = "a") throws -> Event {
        var e = Event(id: id, type: type)
        e.actor = actor
        e.tracks = tracks
        e.on = try ValidTime(parsing: on)
        e.article = article
        return e
    }

    static func candidate(_ event: Event) -> Candidate {
        Candidate(event: event, confidence: 0.5, cue: "cue", cuePhrase: "cue", precision: .day, sentence: 0)
    }

    @Test func augmentingPathsFindTheMaximumWhereGreedyWouldNot() {
        // Left 0 could take right 0 or 1; left 1 only right 0: greedy 0→0 leaves left 1 alone.
        let pairs = BipartiteMatching.maximum(left: 2, right: 2, edges: [[0, 1], [0]])
        #expect(pairs.map { [$0.left, $0.right] } == [[0, 1], [1, 0]])
        #expect(BipartiteMatching.maximum(left: 3, right: 1, edges: [[0], [0], [0]]).count == 1)
        #expect(BipartiteMatching.maximum(left: 0, right: 0, edges: []).isEmpty)
    }

    @Test func aMatchNeedsArticleTypeActorTracksAndOverlappingDates() throws {
        let curated = try Self.event("g", .acceptance, actor: "UA", tracks: ["truce-30-day"], on: "2025-03-11")
        #expect(Evaluation.matches(try Self.event("c", .acceptance, actor: "UA", tracks: ["truce-30-day", "energy"], on: "2025-03-01..2025-03-15"), curated))
        #expect(!Evaluation.matches(try Self.event("c", .acceptance, actor: "RU", tracks: ["truce-30-day"], on: "2025-03-11"), curated))
        #expect(!Evaluation.matches(try Self.event("c", .proposal, actor: "UA", tracks: ["truce-30-day"], on: "2025-03-11"), curated))
        #expect(!Evaluation.matches(try Self.event("c", .acceptance, actor: "UA", tracks: ["energy"], on: "2025-03-11"), curated))
        #expect(!Evaluation.matches(try Self.event("c", .acceptance, actor: "UA", tracks: ["truce-30-day"], on: "2025-03-12..2025-03-20"), curated))
        #expect(!Evaluation.matches(try Self.event("c", .acceptance, actor: "UA", tracks: ["truce-30-day"], on: "2025-03-11", article: "b"), curated))
        let meeting = try Self.event("m", .meeting, actor: "US", on: "2025-03")
        #expect(Evaluation.matches(try Self.event("c", .meeting, actor: "US", on: "2025-03-31"), meeting))
        #expect(!Evaluation.matches(try Self.event("c", .meeting, actor: "US", tracks: ["energy"], on: "2025-03-31"), meeting))
    }

    /// With the article's text, a candidate matches only where its sentence overlaps the
    /// curated quote (after the quote matcher's typographic normalisation).
    @Test func aMatchNeedsTheCandidatesSentenceToOverlapTheCuratedQuote() throws {
        let text = "Ukraine accepted the truce on Tuesday. Russia’s envoy met the Americans. Talks go on."
        var curated = try Self.event("g", .acceptance, actor: "UA", tracks: ["truce-30-day"], on: "2025-03-11")
        curated.quote = "accepted the truce"
        var right = try Self.event("c1", .acceptance, actor: "UA", tracks: ["truce-30-day"], on: "2025-03-11")
        right.quote = "Ukraine accepted the truce on Tuesday."
        var elsewhere = right
        elsewhere.id = "c2"
        elsewhere.quote = "Talks go on."
        let quotes = QuoteMatcher(article: text)
        #expect(Evaluation.matches(right, curated, quotes: quotes))
        #expect(!Evaluation.matches(elsewhere, curated, quotes: quotes))
        #expect(Evaluation.matches(elsewhere, curated), "without the text, no quote check")
        #expect(Evaluation.quotesOverlap("Russia's envoy met", "envoy met the Americans.", in: quotes), "’ and ' are one")
        #expect(!Evaluation.quotesOverlap("Russia's envoy met", "not in the text", in: quotes))

        let e = Evaluation(candidates: [Self.candidate(elsewhere), Self.candidate(right)], curated: [curated], articles: ["a"], texts: ["a": text])
        #expect(e.pairs.map(\.candidate.event.id) == ["c1"] && e.falseAlarms.map(\.event.id) == ["c2"])
    }

    /// The figures of a part of the articles, and the confidence bands, are views of one run.
    @Test func aRunIsRestrictedToSomeArticlesAndCalibratedByConfidence() throws {
        let curated = [try Self.event("g1", .meeting, actor: "US", on: "2025-03-11", article: "a"),
                       try Self.event("g2", .meeting, actor: "US", on: "2025-03-12", article: "b")]
        var high = Self.candidate(try Self.event("c1", .meeting, actor: "US", on: "2025-03-11", article: "a"))
        high.confidence = 0.9
        var low = Self.candidate(try Self.event("c2", .violation, actor: "RU", on: "2025-03-12", article: "b"))
        low.confidence = 0.4
        let e = Evaluation(candidates: [high, low], curated: curated, articles: ["a", "b"])
        let onlyB = e.restricted { $0 == "b" }
        #expect(onlyB.articleIDs == ["b"] && onlyB.overall == Evaluation.Score(matched: 0, falseAlarms: 1, misses: 1))
        #expect(e.restricted { $0 == "a" }.overall == Evaluation.Score(matched: 1, falseAlarms: 0, misses: 0))
        #expect(e.candidates(confidence: 0.85..<1.01) == (count: 1, matched: 1))
        #expect(e.candidates(confidence: 0..<0.5) == (count: 1, matched: 0))
        #expect(e.candidates(confidence: 0.5..<0.85) == (count: 0, matched: 0))
    }

    @Test func scoresArePerTypeAndMicroAveraged() throws {
        let curated = [
            try Self.event("g1", .meeting, actor: "US", on: "2025-03-11"),
            try Self.event("g2", .meeting, actor: "US", on: "2025-03-12"),
            try Self.event("g3", .acceptance, actor: "UA", tracks: ["energy"], on: "2025-03-11"),
        ]
        let candidates = [
            Self.candidate(try Self.event("c1", .meeting, actor: "US", on: "2025-03-01..2025-03-31")),
            Self.candidate(try Self.event("c2", .meeting, actor: "US", on: "2025-03-12")),
            Self.candidate(try Self.event("c3", .violation, actor: "RU", tracks: ["energy"], on: "2025-03-11")),
        ]
        let e = Evaluation(candidates: candidates, curated: curated, articles: ["a"])
        #expect(e.pairs.map { "\($0.candidate.event.id)=\($0.curated.id)" }.sorted() == ["c1=g1", "c2=g2"])
        #expect(e.byType.map(\.type) == [.acceptance, .violation, .meeting])
        #expect(e.byType.first { $0.type == .meeting }?.score == Evaluation.Score(matched: 2, falseAlarms: 0, misses: 0))
        #expect(e.overall == Evaluation.Score(matched: 2, falseAlarms: 1, misses: 1))
        #expect(e.overall.precision == 2.0 / 3.0)
        #expect(e.overall.recall == 2.0 / 3.0)
        #expect(abs(e.overall.f1 - 2.0 / 3.0) < 1e-12)
        #expect(e.misses.map(\.id) == ["g3"])
        #expect(e.falseAlarms.map(\.event.id) == ["c3"])
        #expect(Evaluation.Score().precision == nil && Evaluation.Score().f1 == 0)
    }

    @Test func theSeedCorpusIsExtractedWellEnoughAndEveryEventIsAccountedFor() throws {
        let corpus = try Corpus.load(seeds: Fixtures.seeds, events: Fixtures.events)
        let e = try Evaluation.run(Shared.extractor(), on: corpus)
        #expect(e.articles == 5)
        // Every act each article reports: the events, and the second sources as their article's.
        #expect(e.pairs.count + e.misses.count == corpus.events.filter { $0.event.type.isReport || $0.event.type == .source }.count)
        #expect(e.overall.matched == e.pairs.count)
        #expect(e.overall.falseAlarms == e.falseAlarms.count)
        // The issue's bar, with general rules: a regression guard, not a target to fit.
        #expect(e.overall.f1 >= 0.70, "micro-F1 \(e.overall.f1)")
    }

    /// A copy of the fixture's articles whose catalog puts the articles of `splits` in those sets.
    static func seeds(splitting splits: [String: String]) throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory("split")
        let seeds = folder.appending("seeds")
        try Fixtures.copySeeds(to: seeds, splitting: splits)
        return (folder, seeds)
    }

    @Test func aCatalogsTestSetIsScoredApartFromTheDevelopmentSet() throws {
        let (folder, seeds) = try Self.seeds(splitting: ["001_f6e6249cbed6ca01": "test", "003_6cbc209735f62d8c": "test",
                                                         "000_a1eb357bfc15af74": "development"])
        defer { withExtendedLifetime(folder) {} }
        let corpus = try Corpus.load(seeds: seeds, events: Fixtures.events)
        #expect(corpus.articles.map { $0.split?.rawValue ?? "-" } == ["development", "test", "-", "test", "-"])

        let whole = try Evaluation.run(Shared.extractor(), on: corpus)
        let development = try Evaluation.run(Shared.extractor(), on: corpus, split: .development)
        let test = try Evaluation.run(Shared.extractor(), on: corpus, split: .test)
        // An article in no set is development; each set's pairs, misses and alarms are its own articles'.
        #expect(development.articles == 3 && test.articles == 2)
        let testArticles: Set<String?> = ["001_f6e6249cbed6ca01", "003_6cbc209735f62d8c"]
        #expect(test.misses.allSatisfy { testArticles.contains($0.article) })
        #expect(test.pairs.allSatisfy { testArticles.contains($0.curated.article) })
        #expect(development.misses.allSatisfy { !testArticles.contains($0.article) })
        #expect(development.overall + test.overall == whole.overall)
        #expect(test.overall.matched + test.overall.misses > 0)
    }

    @Test func aSplitThatIsNoSetIsRefusedWithItsLine() throws {
        let (folder, seeds) = try Self.seeds(splitting: ["002_8cb13a5d0c7818f1": "blind"])
        defer { withExtendedLifetime(folder) {} }
        let error = try #require(throws: CorpusError.self) { try Corpus.load(seeds: seeds, events: Fixtures.events) }
        let shown = error.issues.map(\.description)
        #expect(shown.contains { $0.contains("catalog.yaml:29: articles[2].split: 'blind' is not an evaluation set") }, "\(shown)")
    }
}
