import ArgumentParser
import Foundation
import Negotiation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tracks' states as CSV: on one day, or as a series.",
        discussion: """
            One row per track per date, with stable columns (see the README). Every row \
            carries known_on, log_sequence and head_hash, so the export says how to reproduce it \
            and spreadsheets open it as a plain table.
            """
    )

    @OptionGroup var log: LogOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("One row per track on this day (default: today).", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Option(help: ArgumentHelp("The series' first day (with --to and --every).", valueName: "YYYY-MM-DD"))
    var from: Day?

    @Option(help: ArgumentHelp("The series' last day (with --from and --every).", valueName: "YYYY-MM-DD"))
    var to: Day?

    @Option(help: ArgumentHelp("The series' step: day, week or month.", valueName: "day|week|month"))
    var every: String?

    @Option(name: .customLong("known-on"), help: ArgumentHelp(
        "Keep only events whose article was published on or before this day.", valueName: "YYYY-MM-DD"))
    var knownOn: Day?

    @Option(help: ArgumentHelp("Write the CSV to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        let series = from != nil || to != nil || every != nil
        if series {
            guard let from, let to, let every else {
                throw ValidationError("a series needs all of --from, --to and --every")
            }
            guard Cadence(rawValue: every) != nil else {
                throw ValidationError("--every '\(every)': expected day, week or month")
            }
            if to < from { throw ValidationError("--to (\(to)) is before --from (\(from))") }
            if asOf != nil { throw ValidationError("give either --as-of or a series (--from, --to, --every), not both") }
        }
    }

    func run() throws {
        let history = try readHistory(log)
        let days: [Day]
        if let from, let to, let cadence = every.flatMap(Cadence.init(rawValue:)) {
            days = cadence.days(from: from, to: to)
        } else {
            days = [asOf ?? .today]
        }
        let csv = try CSVExport.render(try history.series(days, knownOn: knownOn), knownOn: knownOn, head: history.head)
        if let output {
            try Data(csv.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            printError("wrote \(days.count * history.registry.tracks.count) rows to \(output)")
        } else {
            print(csv, terminator: "")
        }
    }
}
