import Answers
import ArgumentParser
import Extraction
import FileIO
import Foundation
import Lexicons
import Negotiation

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Propose candidate events for a new article.",
        discussion: """
            Cuts ARTICLE into sentences and proposes the events they report, in the curated \
            event-file format: type, tracks, actor and counterparts, the date resolved against \
            --published, the whole sentence as the quote. Each event's comment gives its \
            confidence and the cue that fired. Review the file, then ingest it as is. \
            Registries and lexicons are read from EVENTS (events/lexicons/*.yaml).
            """
    )

    @Argument(help: ArgumentHelp("The article's text file; its stem is the article id.", valueName: "article"))
    var article: String

    @Option(help: ArgumentHelp("The article's publication date, against which « hier » or \"last week\" are resolved.",
                               valueName: "YYYY-MM-DD"), transform: dayArgument)
    var published: Day

    @Option(help: ArgumentHelp("The article's language (fr, en…); detected from the text when not given.", valueName: "code"))
    var language: String?

    @Option(help: ArgumentHelp("Write the event file (or the JSON) here instead of printing it.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("The folder of registries and lexicons.", valueName: "folder"))
    var events = "events"

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("Leave out candidates below this confidence (0…1).", valueName: "c"))
    var minimumConfidence = ExtractionOptions().minimumConfidence

    @OptionGroup var format: OutputOptions

    func validate() throws {
        guard (0...1).contains(minimumConfidence) else { throw ValidationError("--min-confidence must be from 0 to 1, not \(minimumConfidence)") }
        try validateLanguage(language)
    }

    func run() throws {
        let bytes = try InputFile.read(article)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CommandError("\(article) is not UTF-8 text", exitCode: Failure.badInput) }
        let id = ((article as NSString).lastPathComponent as NSString).deletingPathExtension
        let extractor = Extractor(lexicon: try loadLexicon(events), options: ExtractionOptions(minimumConfidence: minimumConfidence))
        let result: ExtractionResult
        do {
            result = try extractor.extract(text: text, article: id, published: published, language: language)
        } catch {
            throw CommandError("\(article): \(error)", exitCode: Failure.badInput)
        }
        let rendered = format.json ? try JSONAnswer(head: nil, ["candidates": result.candidates.map(CandidateJSON.init)]).json() : EventFileWriter.yaml(result)
        guard let output else {
            print(rendered, terminator: "")
            return
        }
        try OutputFile.write(rendered.utf8, to: output)
        printError("\(result.candidates.count) candidate events from \(result.sentenceCount) sentences (\(result.language)) written to \(output)")
    }
}


/// Refuses a `--language` that is not an ISO 639-1 code.
func validateLanguage(_ language: String?) throws {
    if let language, !(language.count == 2 && language.allSatisfy({ $0.isASCII && $0.isLowercase })) {
        throw ValidationError("--language takes an ISO 639-1 code such as fr or en, not '\(language)'")
    }
}

/// Reads the registries and lexicons, or stops with every problem, each with file, line and field.
func loadLexicon(_ events: String) throws -> Lexicon {
    do {
        return try Lexicon.load(events: events)
    } catch {
        for issue in error.issues { printError("error: \(issue)") }
        throw ExitCode(Failure.badInput)
    }
}

/// The `--json` shape of a candidate.
struct CandidateJSON: Encodable {
    var id: String
    var article: String?
    var type: String
    var tracks: [String]
    var actor: String?
    var counterparts: [String]
    var on: String?
    var precision: String
    var planned: Bool
    var place: String?
    var proposal: String?
    var conditions: [String]
    var quote: String?
    var confidence: Double
    var cue: String
    var cuePhrase: String
    var note: String?
    var sentence: Int

    init(_ c: Candidate) {
        id = c.event.id
        article = c.event.article
        type = c.event.type.rawValue
        tracks = c.event.tracks
        actor = c.event.actor
        counterparts = c.event.counterparts
        on = c.event.on?.description
        precision = c.precision.rawValue
        planned = c.event.planned
        place = c.event.place
        proposal = c.event.proposal
        conditions = c.event.conditions.map { $0.words.values.first ?? $0.label }
        quote = c.event.quote
        confidence = c.confidence
        cue = c.cue
        cuePhrase = c.cuePhrase
        note = c.event.note
        sentence = c.sentence + 1
    }
}
