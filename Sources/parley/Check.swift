import Answers
import ArgumentParser
import Corpus
import Foundation
import Negotiation
import Store

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a table of questions to the log: does each answer still say what the table says?",
        discussion: """
            Each question of QUESTIONS (YAML, described in docs/corpus.md) names a track, an \
            as-of day and optionally a known-on day, the fields of the answer it expects (paths \
            into `state --json`'s track object: status, positions.RU, inEffect.since, \
            openConditions.count…) and the articles the answer rests on (each must report an \
            event counted in it, first or again). Prints each question with what differs, and \
            exits 1 when an answer differs, 65 when the table is not valid.
            """
    )

    @Argument(help: ArgumentHelp("The table of questions.", valueName: "questions.yaml"))
    var questions: String

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let table: [Question]
        do {
            table = try QuestionTable.load(path: questions)
        } catch {
            for issue in error.issues { printError("error: \(issue)") }
            throw ExitCode(Failure.badInput)
        }
        let store = try log.openForReading()
        let history = try store.history()
        var results: [CheckResult] = []
        for question in table {
            results.append(try check(question, store: store, history: history))
        }
        let failed = results.filter { !$0.differences.isEmpty }
        if output.json {
            try printAnswer(head: history.head, CheckJSON(questions: results, passed: results.count - failed.count, failed: failed.count))
        } else {
            for r in results {
                print((r.differences.isEmpty ? "ok    " : "DIFFERS ") + "\(r.id): \(r.ask)")
                for d in r.differences { print("        \(d)") }
            }
            print("\(results.count - failed.count) of \(results.count) answers as the table says")
        }
        if !failed.isEmpty { throw ExitCode(Failure.damaged) }
    }

    private func check(_ q: Question, store: NegotiationStore, history: History) throws -> CheckResult {
        let at = "\(q.location.file):\(q.location.line.map(String.init) ?? "?")"
        let query = Query(asOf: q.asOf, knownOn: q.knownOn)
        guard history.registry.track(q.track) != nil else {
            return CheckResult(id: q.id, ask: q.ask, differences: ["\(at): the log has no track \(quoted(q.track))"])
        }
        let answer = try store.states(query, track: q.track)
        guard let state = answer.states.first else {
            return CheckResult(id: q.id, ask: q.ask, differences: ["\(at): no state for \(quoted(q.track))"])
        }
        let json = try JSONTree(state)
        var differences: [String] = []
        for e in q.expectations {
            let found = json.value(at: e.path)
            if found != e.value {
                differences.append("\(q.location.file):\(e.line.map(String.init) ?? "?"): \(e.path) is \(found ?? "absent"), the table says \(e.value)")
            }
        }
        // The articles behind the answer: every event counted on the track by the as-of day,
        // as known on the known-on day, and every source of it.
        let steps = try history.timeline(query, track: q.track)
        var behind = Set<String>()
        for step in steps {
            if let article = step.event.event.article { behind.insert(article) }
            for source in step.event.event.sources { behind.insert(source.article) }
        }
        for article in q.sources where !behind.contains(article) {
            differences.append("\(at): cites \(article), but no event counted on \(q.track) by \(q.asOf)"
                + (q.knownOn.map { " as known on \($0)" } ?? "") + " comes from it")
        }
        return CheckResult(id: q.id, ask: q.ask, differences: differences)
    }
}

/// One question's outcome.
struct CheckResult: Encodable {
    var id: String
    var ask: String
    /// What differs from the table, one finding a line; empty when the answer is as it says.
    var differences: [String]
}

/// `check --json`.
struct CheckJSON: Encodable {
    var questions: [CheckResult]
    var passed: Int
    var failed: Int
}

