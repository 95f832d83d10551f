import ArgumentParser
import Intake

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a new, empty project: registries, lexicons, an empty catalog and a README.",
        discussion: """
            Makes DIR/seeds (an empty catalog) and DIR/events (the registries and lexicons, copied \
            from --from, the shipped 2025 ones by default), and a README that says what to do next. \
            A folder that already holds seeds or events is refused.
            """
    )

    @Argument(help: ArgumentHelp("The new project's folder (made if missing).", valueName: "dir"))
    var directory = "."

    @Option(help: ArgumentHelp("The events folder whose registries and lexicons to start from.", valueName: "folder"))
    var from = "events"

    func run() throws {
        let created = try ProjectTemplate.create(at: directory, from: from)
        print("a new project in \(directory): \(created.files.count) files")
        print("next: edit \(directory)/events/tracks.yaml and parties.yaml for your conflict, then, from \(directory):")
        print("  parley add article.txt --url URL --outlet NAME --title TEXT --published YYYY-MM-DD")
    }
}
