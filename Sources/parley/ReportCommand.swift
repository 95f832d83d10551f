import ArgumentParser
import FileIO
import Foundation
import Negotiation
import Report

extension ReportLanguage: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the negotiation timeline as one HTML page.",
        discussion: """
            One lane per track across time, banded by its status day by day (the fold of \
            `parley state`), with a marker per event that shows its date, actors, quote and \
            article on hover or focus and links to its evidence, and a row of its own for the \
            general talks, which count on no track; then the state table as of --as-of (with \
            since when a ceasefire is in effect, how it ended, each party's claims and the \
            sources behind each state), each proposal's audit, the evidence list with every \
            source of each event, and how to reproduce the page. \
            The time axis runs from --from (default: the first day any event could be) to --to \
            (default: the as-of day). The file is self-contained: open it in any browser, \
            offline.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var query: QueryOptions
    @OptionGroup(title: "Time axis") var range: DateRangeOptions

    @Option(help: ArgumentHelp("The language of the labels and of track and party names.", valueName: "en|fr"))
    var language: ReportLanguage = .en

    @Flag(help: "Leave out the bars over the days an imprecise date could be (its hollow marker stays).")
    var hideRanges = false

    @Flag(help: "Write a page to embed in another (an iframe): the chart alone, at its container's width, with a source line.")
    var embed = false

    @Option(help: ArgumentHelp("The HTML file to write (replaced if it exists).", valueName: "file.html"))
    var output: String

    func validate() throws {
        let lowered = output.lowercased()
        guard lowered.hasSuffix(".html") || lowered.hasSuffix(".htm") else {
            throw ValidationError("--output '\(output)': expected a file name ending in .html")
        }
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("--output '\(output)': the folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw ValidationError("--output '\(output)': the folder \(folder) is not writable")
        }
        if let from = range.from, range.to == nil, let asOf = query.asOf, asOf < from {
            throw ValidationError("--from (\(from)) is after --as-of (\(asOf)), where the axis ends by default: give --to")
        }
    }

    func run() throws {
        let history = try readHistory(log)
        let q = query.query
        var options = ReportOptions(asOf: q.asOf, knownOn: q.knownOn, from: range.from, to: range.to, language: language)
        options.showsRanges = !hideRanges
        options.embedded = embed
        let report = try Report(history: history, options: options)
        try checkOutput(output, against: log)
        try OutputFile.write(report.html().utf8, to: output)
        print("wrote \(output): \(history.registry.tracks.count) tracks, \(report.eventCount) events, "
            + "\(report.axis.lowerBound) to \(report.axis.upperBound), as of \(q.asOf)"
            + (q.knownOn.map { " as known on \($0)" } ?? "")
            + " (log: \(history.head.sequence) entries, head \(history.head.hashHex.prefix(16))…)")
    }
}
