import Answers
import ArgumentParser
import Corpus
import Extraction
import Foundation
import Negotiation

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure extraction against the curated events.",
        discussion: """
            Extracts every article of SEEDS/catalog.yaml (with its catalogued language and \
            publication date) and compares the candidates with the curated events of EVENTS. \
            A candidate matches a curated event when the article, type and actor are the same, \
            the tracks intersect (or both are empty), the dates overlap and the candidate's \
            sentence overlaps the curated quote in the article; matching is one-to-one and \
            maximal per article (augmenting paths). The catalog's `split` puts each article in \
            the development or the test set (an article in neither is development). Prints \
            micro-F1 for every set and language, then, for the set --split names (development \
            unless told), precision, recall and F1 per type and per language, precision per \
            confidence band, and its misses and false alarms with their quotes.
            """
    )

    @Argument(help: "The folder of articles and their catalog.yaml.")
    var seeds = "seeds"

    @Argument(help: "The folder of registries, lexicons and curated event files.")
    var events = "events"

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("Leave out candidates below this confidence (0…1).", valueName: "c"))
    var minimumConfidence = ExtractionOptions().minimumConfidence

    @Option(help: ArgumentHelp("The set to detail: dev, test or all.", valueName: "set"))
    var split: SplitChoice = .dev

    @OptionGroup var format: OutputOptions

    func validate() throws {
        guard (0...1).contains(minimumConfidence) else { throw ValidationError("--min-confidence must be from 0 to 1, not \(minimumConfidence)") }
    }

    func run() throws {
        let corpus: Corpus
        do {
            corpus = try Corpus.load(seeds: seeds, events: events)
        } catch {
            for issue in error.issues { printError("error: \(issue)") }
            throw ExitCode(Failure.badInput)
        }
        let extractor = Extractor(lexicon: try loadLexicon(events), options: ExtractionOptions(minimumConfidence: minimumConfidence))
        let whole: Evaluation
        do { whole = try Evaluation.run(extractor, on: corpus) } catch { throw CommandError("\(error)", exitCode: Failure.badInput) }
        // Every figure is a view of the one run: by set, by language, by confidence.
        let setOf = Dictionary(corpus.articles.map { ($0.article.id, $0.split ?? .development) }, uniquingKeysWith: { a, _ in a })
        let languageOf = Dictionary(corpus.articles.map { ($0.article.id, $0.article.language) }, uniquingKeysWith: { a, _ in a })
        let languages = Array(Set(languageOf.values)).sorted()
        let detailed = whole.restricted { article in split.split.map { setOf[article] == $0 } ?? true }
        var summary: [(set: String, language: String, evaluation: Evaluation)] = []
        for set in EvaluationSplit.allCases {
            let inSet = whole.restricted { setOf[$0] == set }
            guard inSet.articles > 0 else { continue }
            summary.append((set.rawValue, "all", inSet))
            for language in languages {
                let part = whole.restricted { setOf[$0] == set && languageOf[$0] == language }
                if part.articles > 0 { summary.append((set.rawValue, language, part)) }
            }
        }
        let byLanguage = languages.map { language in (language, detailed.restricted { languageOf[$0] == language }) }.filter { $0.1.articles > 0 }
        let bands = Self.bands.map { band in (band, detailed.candidates(confidence: band)) }
        if format.json {
            try printAnswer(head: nil, EvaluationJSON(summary: summary, split: split.rawValue, details: detailed, byLanguage: byLanguage, bands: bands))
            return
        }
        let ms = Double(whole.extractionTime.components.attoseconds) / 1e15 + Double(whole.extractionTime.components.seconds) * 1000
        print("\(whole.articles) articles extracted in \(String(format: "%.1f", ms)) ms")
        print("")
        var rows = [["set", "language", "articles", "matched", "false alarms", "misses", "precision", "recall", "F1"]]
        for (set, language, e) in summary { rows.append([set, language, "\(e.articles)"] + Array(row("", e.overall).dropFirst())) }
        print(table(rows))
        print("")
        print("\(split.rawValue) set, \(detailed.articles) articles: "
            + "\(detailed.pairs.count + detailed.falseAlarms.count) candidates, \(detailed.pairs.count + detailed.misses.count) curated events")
        print("")
        rows = [["type", "matched", "false alarms", "misses", "precision", "recall", "F1"]]
        for (type, score) in detailed.byType { rows.append(row(type.rawValue, score)) }
        rows.append(row("overall (micro)", detailed.overall))
        for (language, e) in byLanguage { rows.append(row("language \(language)", e.overall)) }
        print(table(rows))
        print("")
        rows = [["confidence", "candidates", "matched", "precision"]]
        for (band, (count, matched)) in bands {
            rows.append([Self.describe(band), "\(count)", "\(matched)", count == 0 ? "—" : String(format: "%.3f", Double(matched) / Double(count))])
        }
        print(table(rows))
        if !detailed.misses.isEmpty {
            print("\nmisses (curated, not found):")
            for e in detailed.misses {
                print("  \(e.article ?? "?")  \(e.type.rawValue) \(e.actor ?? "?") [\(e.tracks.joined(separator: ","))] \(e.on?.description ?? "")  \(e.id)")
                print("      « \(e.quote ?? "") »")
            }
        }
        if !detailed.falseAlarms.isEmpty {
            print("\nfalse alarms (proposed, not curated):")
            for c in detailed.falseAlarms {
                let e = c.event
                print("  \(e.article ?? "?")  \(e.type.rawValue) \(e.actor ?? "?") [\(e.tracks.joined(separator: ","))] \(e.on?.description ?? "")"
                    + "  confidence \(String(format: "%.2f", c.confidence)), cue « \(c.cue) »")
                print("      « \(e.quote ?? "") »")
            }
        }
    }

    /// The confidence bands of the calibration table.
    static let bands: [Range<Double>] = [0..<0.5, 0.5..<0.7, 0.7..<0.85, 0.85..<1.01]

    static func describe(_ band: Range<Double>) -> String {
        band.upperBound > 1 ? String(format: "≥ %.2f", band.lowerBound) : String(format: "%.2f–%.2f", band.lowerBound, band.upperBound)
    }

    private func row(_ name: String, _ s: Evaluation.Score) -> [String] {
        [name, "\(s.matched)", "\(s.falseAlarms)", "\(s.misses)", percent(s.precision), percent(s.recall), String(format: "%.3f", s.f1)]
    }

    private func percent(_ value: Double?) -> String {
        value.map { String(format: "%.3f", $0) } ?? "—"
    }

    /// Columns padded to their widest cell; numbers right-aligned.
    private func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// The `--json` shape of an evaluation.
struct EvaluationJSON: Encodable {
    struct ScoreJSON: Encodable {
        var type: String
        var matched: Int
        var falseAlarms: Int
        var misses: Int
        var precision: Double?
        var recall: Double?
        var f1: Double

        init(_ type: String, _ s: Evaluation.Score) {
            self.type = type
            matched = s.matched
            falseAlarms = s.falseAlarms
            misses = s.misses
            precision = s.precision
            recall = s.recall
            f1 = s.f1
        }
    }

    struct MissJSON: Encodable {
        var article: String?
        var id: String
        var type: String
        var actor: String?
        var tracks: [String]
        var on: String?
        var quote: String?
    }

    struct PairJSON: Encodable {
        var candidate: String
        var curated: String
    }

    struct PartJSON: Encodable {
        var set: String
        var language: String
        var articles: Int
        var overall: ScoreJSON
    }

    struct BandJSON: Encodable {
        var from: Double
        var below: Double
        var candidates: Int
        var matched: Int
    }

    /// Micro-averaged scores of each set (`development`, `test`) and language (`all`, `fr`, `en`…).
    var summary: [PartJSON]
    /// The set detailed below: `dev`, `test` or `all`.
    var split: String
    var articles: Int
    var extractionMilliseconds: Double
    var byType: [ScoreJSON]
    var overall: ScoreJSON
    var byLanguage: [ScoreJSON]
    /// Candidates and matches per confidence band.
    var calibration: [BandJSON]
    var matches: [PairJSON]
    var misses: [MissJSON]
    var falseAlarms: [CandidateJSON]

    init(summary: [(set: String, language: String, evaluation: Evaluation)], split: String, details e: Evaluation,
         byLanguage: [(String, Evaluation)], bands: [(Range<Double>, (count: Int, matched: Int))]) {
        self.summary = summary.map { PartJSON(set: $0.set, language: $0.language, articles: $0.evaluation.articles, overall: ScoreJSON("overall", $0.evaluation.overall)) }
        self.split = split
        articles = e.articles
        extractionMilliseconds = Double(e.extractionTime.components.seconds) * 1000 + Double(e.extractionTime.components.attoseconds) / 1e15
        byType = e.byType.map { ScoreJSON($0.type.rawValue, $0.score) }
        overall = ScoreJSON("overall", e.overall)
        self.byLanguage = byLanguage.map { ScoreJSON($0.0, $0.1.overall) }
        calibration = bands.map { BandJSON(from: $0.0.lowerBound, below: $0.0.upperBound, candidates: $0.1.count, matched: $0.1.matched) }
        matches = e.pairs.map { PairJSON(candidate: $0.candidate.event.id, curated: $0.curated.id) }
        misses = e.misses.map {
            MissJSON(article: $0.article, id: $0.id, type: $0.type.rawValue, actor: $0.actor, tracks: $0.tracks, on: $0.on?.description, quote: $0.quote)
        }
        falseAlarms = e.falseAlarms.map(CandidateJSON.init)
    }
}

/// `eval --split`: the set to detail.
enum SplitChoice: String, ExpressibleByArgument, CaseIterable {
    case dev, test, all

    var split: EvaluationSplit? {
        switch self {
        case .dev: .development
        case .test: .test
        case .all: nil
        }
    }
}
