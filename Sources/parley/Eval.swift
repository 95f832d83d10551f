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
            and F1 per type and micro-averaged, then the misses and false alarms with their quotes. \
            When the catalog puts articles in a test set (`split: test`), the development and test \
            sets are scored apart (an article in no set is development), and only the \
            development set's errors are listed unless --errors-of says otherwise.
            """
    )

    @Argument(help: "The folder of articles and their catalog.yaml.")
    var seeds = "seeds"

    @Argument(help: "The folder of registries, lexicons and curated event files.")
    var events = "events"

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("Leave out candidates below this confidence (0…1).", valueName: "c"))
    var minimumConfidence = ExtractionOptions().minimumConfidence

    @Option(name: .customLong("errors-of"), help: ArgumentHelp("Whose misses and false alarms to list when the catalog names a test set: development, test or all.", valueName: "set"))
    var errorsOf: ErrorSet = .development

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
        // A catalog that names a test set is measured set by set; the errors listed are those
        // of one set (development unless told), so that reading them never tunes on the test set.
        let isSplit = corpus.articles.contains { $0.split == .test }
        let sets: [EvaluationSplit?] = isSplit ? [.development, .test] : [nil]
        var results: [(split: EvaluationSplit?, evaluation: Evaluation)] = []
        do {
            for set in sets { results.append((set, try Evaluation.run(extractor, on: corpus, split: set))) }
        } catch {
            throw CommandError("\(error)", exitCode: Failure.badInput)
        }
        let shown = isSplit ? (errorsOf == .all ? nil : errorsOf.split) : nil
        let detailed = shown.map { wanted in results.first { $0.split == wanted }?.evaluation } ?? nil
        let whole: Evaluation
        if isSplit, shown == nil {
            do { whole = try Evaluation.run(extractor, on: corpus) } catch { throw CommandError("\(error)", exitCode: Failure.badInput) }
        } else {
            whole = detailed ?? results[0].evaluation
        }
        if format.json {
            try printJSON(EvaluationJSON(sets: results.map { ($0.split?.rawValue ?? "all", $0.evaluation) },
                                         errorsOf: shown?.rawValue ?? "all", details: whole))
            return
        }
        for (set, evaluation) in results {
            let ms = Double(evaluation.extractionTime.components.attoseconds) / 1e15 + Double(evaluation.extractionTime.components.seconds) * 1000
            if let set { print("\(set.rawValue) set:") }
            print("\(evaluation.articles) articles extracted in \(String(format: "%.1f", ms)) ms; "
                + "\(evaluation.pairs.count + evaluation.falseAlarms.count) candidates, \(evaluation.pairs.count + evaluation.misses.count) curated events")
            print("")
            var rows = [["type", "matched", "false alarms", "misses", "precision", "recall", "F1"]]
            for (type, score) in evaluation.byType { rows.append(row(type.rawValue, score)) }
            rows.append(row("overall (micro)", evaluation.overall))
            print(table(rows))
            print("")
        }
        if isSplit { print("errors listed: \(shown?.rawValue ?? "every") set (--errors-of development|test|all)") }
        if !whole.misses.isEmpty {
            print("\nmisses (curated, not found):")
            for e in whole.misses {
                print("  \(e.article ?? "?")  \(e.type.rawValue) \(e.actor ?? "?") [\(e.tracks.joined(separator: ","))] \(e.on?.description ?? "")  \(e.id)")
                print("      « \(e.quote ?? "") »")
            }
        }
        if !whole.falseAlarms.isEmpty {
            print("\nfalse alarms (proposed, not curated):")
            for c in whole.falseAlarms {
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

    struct SetJSON: Encodable {
        var set: String
        var articles: Int
        var extractionMilliseconds: Double
        var byType: [ScoreJSON]
        var overall: ScoreJSON
    }

    /// The scores of each set (`development` and `test`, or `all` when the catalog has no test set).
    var sets: [SetJSON]
    /// The set whose matches and errors follow: `development`, `test` or `all`.
    var errorsOf: String
    var matches: [PairJSON]
    var misses: [MissJSON]
    var falseAlarms: [CandidateJSON]

    init(sets: [(String, Evaluation)], errorsOf: String, details e: Evaluation) {
        self.sets = sets.map { name, e in
            SetJSON(set: name, articles: e.articles,
                    extractionMilliseconds: Double(e.extractionTime.components.seconds) * 1000 + Double(e.extractionTime.components.attoseconds) / 1e15,
                    byType: e.byType.map { ScoreJSON($0.type.rawValue, $0.score) }, overall: ScoreJSON("overall", e.overall))
        }
        self.errorsOf = errorsOf
        matches = e.pairs.map { PairJSON(candidate: $0.candidate.event.id, curated: $0.curated.id) }
        misses = e.misses.map {
            MissJSON(article: $0.article, id: $0.id, type: $0.type.rawValue, actor: $0.actor, tracks: $0.tracks, on: $0.on?.description, quote: $0.quote)
        }
        falseAlarms = e.falseAlarms.map(CandidateJSON.init)
    }
}

/// `eval --errors-of`: whose errors to list.
enum ErrorSet: String, ExpressibleByArgument, CaseIterable {
    case development, test, all

    var split: EvaluationSplit? {
        switch self {
        case .development: .development
        case .test: .test
        case .all: nil
        }
    }
}
