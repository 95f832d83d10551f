import ArgumentParser
import Exchange

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a log from the NDJSON of `parley export --log`, every hash checked.",
        discussion: """
            Reads FILE line by line into a new log at --db (a folder that must not exist yet): \
            each entry must follow the one before, hash to its line's hash when chained at its \
            recorded time, and an article's text must hash to its catalog SHA-256; the file must \
            end at the head its first line names. A changed byte, a missing line or two lines \
            swapped are refused with the line named, and nothing is left at --db. The new log \
            has the same head, so the same answers, as the one exported.
            """
    )

    @Argument(help: ArgumentHelp("The NDJSON file.", valueName: "file"))
    var file: String

    @OptionGroup var log: LogOptions

    func run() throws {
        let imported = try LogExchange.importLog(from: file, into: log.path)
        print("imported \(imported.entries) entries (\(imported.articles) articles) into \(log.path)")
        print("head \(imported.head.sequence) \(imported.head.hashHex)")
    }
}
