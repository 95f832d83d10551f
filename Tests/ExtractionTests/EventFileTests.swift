import Corpus
import Extraction
import Foundation
import Negotiation
import TestSupport
import Testing

@Suite("An extracted file ingests once reviewed")
struct EventFileTests {
    /// The file as a reviewer who keeps every draft leaves it: its `status: draft` lines gone.
    static func reviewed(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).filter { $0 != "    status: draft" }.joined(separator: "\n")
    }

    /// A copy of the fixture corpus, which a test may add event files to.
    struct CorpusCopy {
        let directory: TemporaryDirectory
        var seeds: String { directory.appending("seeds") }
        var events: String { directory.appending("events") }

        init() throws {
            directory = try TemporaryDirectory("extraction")
            try Fixtures.copy(Fixtures.seeds, to: seeds)
            try Fixtures.copy(Fixtures.events, to: events)
        }
    }

    @Test func theExtractedFilesOfTheSeedArticlesPassTheCorpusChecks() throws {
        let copy = try CorpusCopy()
        let corpus = try Corpus.load(seeds: copy.seeds, events: copy.events)
        var written: [String: Candidate] = [:]
        for source in corpus.articles {
            let a = source.article
            let result = try Shared.extractor().extract(text: source.text, article: a.id, published: a.published, language: a.language)
            #expect(!result.candidates.isEmpty, "\(a.id)")
            try EventFileWriter.yaml(result).write(toFile: copy.events + "/zz-extracted-\(a.id).yaml", atomically: true, encoding: .utf8)
            for c in result.candidates { written[c.event.id] = c }
        }
        // Drafts are refused, each file named with how many it holds; or left out when told.
        let refused = try #require(throws: CorpusError.self) { try Corpus.load(seeds: copy.seeds, events: copy.events) }
        #expect(refused.issues.count == corpus.articles.count)
        #expect(refused.issues.allSatisfy { $0.description.contains("zz-extracted-") && $0.description.contains("are drafts (status: draft)") },
                "\(refused.issues)")
        let skipped = try Corpus.load(seeds: copy.seeds, events: copy.events, drafts: .skip)
        #expect(skipped.events.map(\.event.id) == corpus.events.map(\.event.id))
        for source in corpus.articles {
            let path = copy.events + "/zz-extracted-\(source.article.id).yaml"
            try Self.reviewed(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        }
        // Every check of ingest: ids, types, tracks, parties, dates, quotes verbatim in their article.
        let reloaded = try Corpus.load(seeds: copy.seeds, events: copy.events)
        let loaded = Dictionary(reloaded.events.map { ($0.event.id, $0.event) }, uniquingKeysWith: { a, _ in a })
        #expect(reloaded.events.count == corpus.events.count + written.count)
        for (id, c) in written {
            let event = try #require(loaded[id], "\(id) was not read back")
            #expect(event.type == c.event.type)
            #expect(event.tracks == c.event.tracks)
            #expect(event.on == c.event.on)
            #expect(event.actor == c.event.actor)
            #expect(event.counterparts == c.event.counterparts)
            #expect(event.planned == c.event.planned)
            #expect(event.conditions == c.event.conditions)
            #expect(QuoteMatcher.normalize(event.quote ?? "") == QuoteMatcher.normalize(c.event.quote ?? ""))
        }
    }

    @Test func quotesWithQuotesBackslashesAndTabsAreWrittenSoTheyReadBackVerbatim() throws {
        let directory = try TemporaryDirectory("tricky")
        let seeds = directory.appending("seeds"), events = directory.appending("events")
        try Fixtures.copy(Shared.fixtures + "/tricky", to: seeds)
        try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: true)
        for name in ["parties.yaml", "tracks.yaml"] {
            try FileManager.default.copyItem(atPath: Fixtures.events + "/" + name, toPath: events + "/" + name)
        }
        let text = try String(contentsOfFile: seeds + "/tricky-quotes.txt", encoding: .utf8)
        let result = try Shared.extractor().extract(text: text, article: "tricky-quotes", published: Shared.day("2025-03-15"))
        #expect(result.candidates.contains { $0.event.type == .acceptance && $0.event.actor == "UA" })
        #expect(result.candidates.contains { $0.event.quote?.contains("\\") == true })
        try Self.reviewed(EventFileWriter.yaml(result)).write(toFile: events + "/extracted.yaml", atomically: true, encoding: .utf8)

        let corpus = try Corpus.load(seeds: seeds, events: events)
        #expect(corpus.events.map(\.event.quote) == result.candidates.map(\.event.quote))
    }

    @Test func theYAMLQuoterEscapesOnlyWhatItMust() {
        #expect(EventFileWriter.quoted("« a \"b\" \\ c »\td\u{2028}") == "\"« a \\\"b\\\" \\\\ c »\\td\\L\"")
    }

    @Test func anArticleWithNoCandidateGivesAnEmptyEventList() throws {
        let result = try Shared.extractor().extract(text: "Il pleuvait sur Paris.", article: "rain", published: Shared.day("2025-03-15"), language: "fr")
        #expect(result.candidates.isEmpty)
        #expect(EventFileWriter.yaml(result).hasSuffix("article: rain\nevents: []\n"))
    }
}
