import ArgumentParser
import Extraction
import FileIO
import Foundation
import Intake
import Negotiation

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a new article into the corpus, with the extractor's drafts of its events.",
        discussion: """
            Copies the text into the seeds folder byte for byte, appends its catalog entry (with \
            its SHA-256, its language, detected when not given, and its evaluation set by the \
            codebook's rule), and writes the extractor's drafts to EVENTS/<id>.yaml, each marked \
            `status: draft`. Nothing is written if anything is wrong: a text that is not UTF-8, a \
            binary file, an id already taken, a text already in the corpus. Then `parley review \
            <id>` goes through the drafts, and `parley ingest` records them.
            """
    )

    @Argument(help: ArgumentHelp("The article's text file, or - to read it from standard input.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The address the text was taken from.", valueName: "url"))
    var url: String

    @Option(help: ArgumentHelp("The outlet that published it, as it names itself.", valueName: "name"))
    var outlet: String

    @Option(help: ArgumentHelp("The headline as printed.", valueName: "text"))
    var title: String

    @Option(help: ArgumentHelp("The publication day.", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var published: Day

    @Option(help: ArgumentHelp("How precisely the publication day is known: day, ±N days or month.", valueName: "precision"))
    var precision = "day"

    @Option(help: ArgumentHelp("How the publication day is known, in a sentence.", valueName: "text"))
    var basis: String?

    @Option(help: ArgumentHelp("The day the text was taken (default: today).", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var retrieved: Day?

    @Option(help: ArgumentHelp("The article's language (fr, en…); detected from the text when not given.", valueName: "code"))
    var language: String?

    @Option(help: ArgumentHelp("The article's id (default: the next number, the outlet and the day, as 059_le-monde-2025-03-14).", valueName: "id"))
    var id: String?

    @OptionGroup var folders: ProjectOptions

    func validate() throws {
        try validateLanguage(language)
    }

    func run() throws {
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            do { bytes = try InputFile.read(file) } catch { throw error.isInputProblem ? IntakeError.badInput([.init(file: file, problem: error.description)]) : IntakeError.io(error) }
        }
        var description = ArticleDescription(url: url, outlet: outlet, title: title, published: published, retrieved: retrieved ?? Day.today)
        description.precision = precision
        description.basis = basis
        description.language = language
        description.id = id
        let intake = ArticleIntake(project: folders.project, extractor: Extractor(lexicon: try loadLexicon(folders.events)))
        let added = try intake.add(description, text: bytes, named: file == "-" ? "standard input" : file)
        print("added \(added.id) (\(added.language), \(added.split.rawValue) set, sha256 \(added.sha256.prefix(16))…)")
        print("  text     \(added.articlePath)")
        print("  catalog  \(folders.project.catalogPath)")
        if let skipped = added.extractionSkipped {
            print("  events   \(added.eventFilePath): no drafts (\(skipped))")
        } else {
            print("  events   \(added.eventFilePath): \(added.candidates) draft\(added.candidates == 1 ? "" : "s")")
        }
        print("next:")
        print("  parley review \(added.id)      # keep, fix or drop each draft")
        print("  parley ingest --dry-run        # what the log would gain, then `parley ingest`")
    }
}

/// The project's folders, for the commands that write its files.
struct ProjectOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The folder of articles and their catalog.", valueName: "folder"))
    var seeds = "seeds"

    @Option(help: ArgumentHelp("The folder of registries, lexicons and event files.", valueName: "folder"))
    var events = "events"

    var project: Project { Project(seeds: seeds, events: events) }
}
