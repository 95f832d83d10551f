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
            the tracks intersect (or both are empty) and the dates overlap; matching is \
            one-to-one and maximal per article (augmenting paths). Prints precision, recall \
            and F1 per type and micro-averaged, then the misses and false alarms with their quotes.
            """
    )

    @Argument(help: "The folder of articles and their catalog.yaml.")
    var seeds = "seeds"

    @Argument(help: "The folder of registries, lexicons and curated event files.")
    var events = "events"

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("Leave out candidates below this confidence (0…1).", valueName: "c"))
    var minimumConfidence = ExtractionOptions().minimumConfidence

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
        let evaluation: Evaluation
        do {
            evaluation = try Evaluation.run(extractor, on: corpus)
        } catch {
            throw CommandError("\(error)", exitCode: Failure.badInput)
        }
        if format.json {
            try printJSON(EvaluationJSON(evaluation))
            return
        }
        let ms = Double(evaluation.extractionTime.components.attoseconds) / 1e15 + Double(evaluation.extractionTime.components.seconds) * 1000
        print("\(evaluation.articles) articles extracted in \(String(format: "%.1f", ms)) ms; "
            + "\(evaluation.pairs.count + evaluation.falseAlarms.count) candidates, \(evaluation.pairs.count + evaluation.misses.count) curated events")
        print("")
        var rows = [["type", "matched", "false alarms", "misses", "precision", "recall", "F1"]]
        for (type, score) in evaluation.byType { rows.append(row(type.rawValue, score)) }
        rows.append(row("overall (micro)", evaluation.overall))
        print(table(rows))
        if !evaluation.misses.isEmpty {
            print("\nmisses (curated, not found):")
            for e in evaluation.misses {
                print("  \(e.article ?? "?")  \(e.type.rawValue) \(e.actor ?? "?") [\(e.tracks.joined(separator: ","))] \(e.on?.description ?? "")  \(e.id)")
                print("      « \(e.quote ?? "") »")
            }
        }
        if !evaluation.falseAlarms.isEmpty {
            print("\nfalse alarms (proposed, not curated):")
            for c in evaluation.falseAlarms {
                let e = c.event
                print("  \(e.article ?? "?")  \(e.type.rawValue) \(e.actor ?? "?") [\(e.tracks.joined(separator: ","))] \(e.on?.description ?? "")"
                    + "  confidence \(String(format: "%.2f", c.confidence)), cue « \(c.cue) »")
                print("      « \(e.quote ?? "") »")
            }
        }
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

    var articles: Int
    var extractionMilliseconds: Double
    var byType: [ScoreJSON]
    var overall: ScoreJSON
    var matches: [PairJSON]
    var misses: [MissJSON]
    var falseAlarms: [CandidateJSON]

    init(_ e: Evaluation) {
        articles = e.articles
        extractionMilliseconds = Double(e.extractionTime.components.seconds) * 1000 + Double(e.extractionTime.components.attoseconds) / 1e15
        byType = e.byType.map { ScoreJSON($0.type.rawValue, $0.score) }
        overall = ScoreJSON("overall", e.overall)
        matches = e.pairs.map { PairJSON(candidate: $0.candidate.event.id, curated: $0.curated.id) }
        misses = e.misses.map {
            MissJSON(article: $0.article, id: $0.id, type: $0.type.rawValue, actor: $0.actor, tracks: $0.tracks, on: $0.on?.description, quote: $0.quote)
        }
        falseAlarms = e.falseAlarms.map(CandidateJSON.init)
    }
}
