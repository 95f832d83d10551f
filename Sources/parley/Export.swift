import ArgumentParser
import FileIO
import Exchange
import EventLog
import Foundation
import Negotiation
import Report
import Store

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tracks' states as CSV: on one day, or as a series; or the whole log as NDJSON.",
        discussion: """
            One row per track per date, and one for the general meetings (track `general`), with \
            stable columns (see the README). Every row \
            carries known_on, log_sequence and head_hash, so the export says how to reproduce it \
            and spreadsheets open it as a plain table. With --log: every entry of the log, one \
            JSON object a line (sequence, recorded time, id, hash, record, and an article's text), \
            after a first line with the head; `parley import` rebuilds the log from it.
            """
    )

    @OptionGroup var log: LogOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("One row per track on this day (default: today).", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var asOf: Day?

    @OptionGroup(title: "A series (all three together)") var range: DateRangeOptions

    @Option(help: ArgumentHelp("The series' step: day, week or month.", valueName: "day|week|month"))
    var every: String?

    @Option(name: .customLong("known-on"), help: ArgumentHelp(
        "Keep only what was published by this day; `each`: each row as it was known on its own date (a real-time series).",
        valueName: "YYYY-MM-DD|each"))
    var knownOnText: String?

    /// `--known-on each`.
    private var knownOnEach: Bool { knownOnText == "each" }
    /// `--known-on` as a day (`nil` for none, or `each`).
    private func knownOnDay() throws -> Day? { try knownOnEach ? nil : knownOnText.map(dayArgument) }

    @Option(help: ArgumentHelp("Write the CSV to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .customLong("log"), help: "Write every entry of the log as NDJSON instead of the states as CSV.")
    var wholeLog = false

    @Flag(name: .customLong("timelinejs"), help: "Write a TimelineJS timeline (JSON) of the acts as of --as-of, as known on --known-on.")
    var timelineJS = false

    @Option(help: ArgumentHelp("The timeline's language for track names (en, fr).", valueName: "code"))
    var language = "en"

    @Flag(help: "Also write a Frictionless Data Package (datapackage.json) describing the CSV, beside --output.")
    var datapackage = false

    @Flag(help: "One row per day, each track a set of columns (energy.status, …), instead of one row per track.")
    var wide = false

    func validate() throws {
        _ = try knownOnDay()
        if wide, wholeLog || timelineJS { throw ValidationError("--wide is for the CSV of states") }
        if datapackage, output == nil || wholeLog || timelineJS {
            throw ValidationError("--datapackage describes a CSV written with --output")
        }
        if knownOnEach, timelineJS || wholeLog { throw ValidationError("--known-on each is for the CSV series") }
        if timelineJS, wholeLog || range.from != nil || range.to != nil || every != nil {
            throw ValidationError("--timelinejs writes one timeline as of --as-of: it takes no series, nor --log")
        }
        if wholeLog, asOf != nil || range.from != nil || range.to != nil || every != nil || knownOnText != nil {
            throw ValidationError("--log writes the whole log: it takes no --as-of, series or --known-on")
        }
        let series = range.from != nil || range.to != nil || every != nil
        if series {
            guard range.from != nil, range.to != nil, let every else {
                throw ValidationError("a series needs all of --from, --to and --every")
            }
            guard Cadence(rawValue: every) != nil else {
                throw ValidationError("--every '\(every)': expected day, week or month")
            }
            if asOf != nil { throw ValidationError("give either --as-of or a series (--from, --to, --every), not both") }
        }
    }

    func run() throws {
        let store = try log.openForReading()
        if wholeLog { return try exportLog(store) }
        if timelineJS { return try exportTimeline(store) }
        let days: [Day]
        if let from = range.from, let to = range.to, let cadence = every.flatMap(Cadence.init(rawValue:)) {
            days = cadence.days(from: from, to: to)
        } else {
            days = [asOf ?? .today]
        }
        let knownOn = try knownOnDay()
        // Rows are streamed; the head is known once the log is open, before the first row.
        let head = try store.log.head()
        if let output { try checkOutput(output, against: log) }
        let file = try output.map { try OutputFile(replacing: $0) }
        let standardOutput = FileHandle.standardOutput
        var rows = 0
        do {
            let written = try CSVExport.writeStates(
                of: store, days: days, knowledge: knownOnEach ? .eachDay : .knownOn(knownOn), wide: wide, head: head,
                to: { block in
                    if let file { try file.write(block) } else { try standardOutput.write(contentsOf: Data(block)) }
                })
            rows = written.rows
            // Renamed into place whole, so a reader never sees half an export; on any failure
            // the new file is removed and what was at the name stays as it was.
            try file?.commit()
            // Once the CSV is in place: the package describes a file that is there.
            if datapackage, let output { try writePackage(for: output, columns: written.columns, days: days, knownOn: knownOn, head: head) }
        } catch let error as CSVExport.WriteError {
            printError("error: \(error.reason)")
            throw ExitCode(Failure.inputOutput)
        }
        if let output { printError("wrote \(rows) rows to \(output)") }
    }

    /// The log as NDJSON, to the file (written whole) or standard output.
    private func exportLog(_ store: NegotiationStore) throws {
        if let output { try checkOutput(output, against: log) }
        let file = try output.map { try OutputFile(replacing: $0) }
        let standardOutput = FileHandle.standardOutput
        let head = try LogExchange.export(store) { line in
            if let file { try file.write(line.utf8) } else { try standardOutput.write(contentsOf: Data(line.utf8)) }
        }
        try file?.commit()
        if let output { printError("wrote \(head.sequence) entries to \(output), head \(head.hashHex)") }
    }

    /// The TimelineJS file, to the file (written whole) or standard output.
    private func exportTimeline(_ store: NegotiationStore) throws {
        let timeline = try TimelineJS.timeline(store.history(), asOf: asOf ?? .today, knownOn: try knownOnDay(), language: language)
        let bytes = try TimelineJS.json(timeline)
        guard let output else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        try checkOutput(output, against: log)
        try OutputFile.write(bytes, to: output)
        printError("wrote \(timeline.events.count) events and \(timeline.eras.count) eras to \(output)")
    }

    /// `datapackage.json` beside the CSV, naming it by its file name.
    private func writePackage(for output: String, columns: [String], days: [Day], knownOn: Day?, head: Head) throws {
        let url = URL(fileURLWithPath: output)
        let asOf = days.count == 1 ? days[0].description : "\(days.first?.description ?? "")..\(days.last?.description ?? "")"
        let command = (["parley"] + CommandLine.arguments.dropFirst()).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        let bytes = try DataPackage.states(csvName: url.lastPathComponent, columns: columns,
                                           provenance: .init(command: command, asOf: asOf, knownOn: knownOnText, head: head))
        let path = url.deletingLastPathComponent().appendingPathComponent("datapackage.json").path
        try OutputFile.write(bytes, to: path)
        printError("wrote \(path)")
    }
}
