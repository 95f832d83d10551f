import Answers
import ArgumentParser
import Negotiation
import Store

struct ArticleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "article",
        abstract: "One article as the log holds it: its catalog entry, and every event it reports.",
        discussion: """
            Shows the catalog entry as recorded (outlet, title, URL, publication day and how it \
            is known, when the text was taken, its SHA-256) and, in log order, the acts recorded \
            from it, the acts it reports again (second sources) and the fixes that rest on it.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The article's id.", valueName: "article"))
    var id: String

    func run() throws {
        let history = try readHistory(log)
        guard let article = history.articles[id], let answer = ArticleAnswer(id: id, in: history) else {
            throw CommandError("no article '\(id)' in the log", exitCode: Failure.usage)
        }
        let events = answer.events
        if output.json {
            try printAnswer(head: history.head, answer)
            return
        }
        print("\(id): \(article.outlet), « \(article.title) » (\(article.language))")
        if let url = article.url { print("  url          \(url)") }
        print("  published    \(article.published) (\(article.precision.description))")
        if let basis = article.basis { print("  basis        \(basis)") }
        if let retrieved = article.retrieved { print("  retrieved    \(retrieved)") }
        print("  sha256       \(article.sha256)")
        let counts = ["act", "source", "fix"].map { role in events.filter { $0.role == role }.count }
        print("  reports      \(counts[0]) acts recorded from it, \(counts[1]) reported again, \(counts[2]) fixes")
        for r in events {
            print("    \(r.sequence)  \(r.role == "act" ? r.type : r.role + " of " + (r.about ?? "?"))  \(r.id)")
        }
    }
}
