import ArgumentParser
import Foundation
import Intake
import Store

struct Correct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct a recorded event: write the correction into the event files.",
        discussion: """
            Appends a correction of EVENT to the event file that holds it (after it), with each \
            --set field=value and the reason; lists take commas (--set counterparts=UA,US). It \
            is checked as ingest checks it, and refused with nothing written if a field or value \
            is wrong. `parley ingest` then records it: the log keeps both.
            """
    )

    @Argument(help: ArgumentHelp("The id of the event to correct.", valueName: "event"))
    var event: String

    @Option(name: .customLong("set"), help: ArgumentHelp("A field and its new value (repeat for more).", valueName: "field=value"))
    var changes: [String] = []

    @OptionGroup var fix: FixOptions

    func run() throws {
        var request = FixRequest(kind: .correction, target: event, reason: fix.reason)
        request.changes = try changes.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw IntakeError.badInput([.init(file: "--set", problem: "'\(text)' is not field=value", expected: "e.g. --set on=2025-03-12")])
            }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
        try fix.write(request)
    }
}

struct Retract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Retract a recorded event: write the retraction into the event files.",
        discussion: """
            Appends a retraction of EVENT, with its reason, to the event file that holds it. \
            `parley ingest` then records it: the event stays in the log, withdrawn from every \
            answer (as known from the retraction's article on, when one is given).
            """
    )

    @Argument(help: ArgumentHelp("The id of the event to retract.", valueName: "event"))
    var event: String

    @OptionGroup var fix: FixOptions

    func run() throws {
        try fix.write(FixRequest(kind: .retraction, target: event, reason: fix.reason))
    }
}

/// What a correction and a retraction both take.
struct FixOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Why the record is fixed, in a sentence.", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("The article whose words justify the fix (its id).", valueName: "id"))
    var article: String?

    @Option(help: ArgumentHelp("Those words, verbatim (with --article).", valueName: "text"))
    var quote: String?

    @Option(help: ArgumentHelp("Who fixes it (default: git's user.name, else $USER).", valueName: "name"))
    var by: String?

    @OptionGroup var folders: ProjectOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        if quote != nil, article == nil { throw ValidationError("--quote needs --article: the article the words are from") }
    }

    func write(_ request: FixRequest) throws {
        var request = request
        request.article = article
        request.quote = quote
        request.by = by ?? Review.defaultReviewer()
        let fixer = RecordFixer(project: folders.project)
        guard let (target, ids) = try folders.project.fixTarget(request.target, inLog: log.recordedEvent) else {
            throw IntakeError.badInput([.init(file: "event", problem: "no event '\(request.target)' in the event files or the log",
                                              expected: "the id of a reported event (`parley log` lists them)")])
        }
        let (id, file) = try fixer.write(request, place: target, ids: ids)
        print("\(request.kind == .correction ? "correction" : "retraction") \(id) of \(request.target) written to \(file)")
        print("next: parley ingest --dry-run, then parley ingest")
    }
}
