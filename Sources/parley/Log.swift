import Answers
import ArgumentParser
import EventLog
import Foundation
import Negotiation
import Report

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the recorded events, in log order.",
        discussion: """
            Shows each event's sequence, id, date, type, tracks, actor and counterparts, and \
            article; an event fixed later is marked (`corrected`, `retracted`, `+N sources`), and \
            a fix or second source names the event it amends. Filters combine; --notes adds each \
            event's note and each fix's reason.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Only events on this track (`general`: the general meetings).", valueName: "track"), completion: Completions.tracks)
    var track: String?

    @Option(help: ArgumentHelp("Only events of this type (\(EventType.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "type"),
            completion: Completions.types)
    var type: String?

    @Option(help: ArgumentHelp("Only events whose actor or counterparts include this party.", valueName: "code"), completion: Completions.parties)
    var party: String?

    @Option(help: ArgumentHelp("Only events recorded from, fixed on the word of, or reported again by this article.", valueName: "id"))
    var article: String?

    @Option(help: ArgumentHelp("Only events that may have happened on or after this day.", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var from: Day?

    @Option(help: ArgumentHelp("Only events that may have happened on or before this day.", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var to: Day?

    @Flag(help: "Show each event's note, and each fix's reason, under it.")
    var notes = false

    @Flag(help: "Print CSV (dates as first and last day with their precision, CAMEO and PLOVER codes) instead of a table.")
    var csv = false

    func validate() throws {
        if let type, EventType(rawValue: type) == nil {
            throw ValidationError("unknown type '\(type)'; expected one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
        if csv, output.json { throw ValidationError("give --csv or --json, not both") }
    }

    struct Row: Encodable {
        var sequence: UInt64
        var id: String
        var on: String?
        var type: String
        var tracks: [String]
        var actor: String?
        var counterparts: [String]
        var place: String?
        var planned: Bool
        var format: MeetingFormat?
        var proposal: String?
        var article: String?
        var quote: String?
        var target: String?
        var note: String?
        var reason: String?
        /// What was recorded later about it: `corrected`, `retracted`, and how many second sources.
        var fixedBy: [String]
        /// The act in CAMEO and PLOVER (none for a source, a fix, or a term that ran out).
        var codes: EventCodes?
        var recorded: String
    }

    func run() throws {
        let store = try log.openForReading()
        let history = try store.history()
        let all = history.recorded
        let byID = Dictionary(all.map { ($0.event.id, $0) }, uniquingKeysWith: { first, _ in first })
        var amendments: [String: [Event]] = [:]
        for r in all { if let target = r.event.target { amendments[target, default: []].append(r.event) } }
        let wantedType = type.flatMap(EventType.init(rawValue:))
        let events = all.filter { recorded in
            let e = recorded.event
            // A fix or source is placed by the event it amends: its track, parties and date.
            let subject = e.target.flatMap { byID[$0]?.event } ?? e
            let tracks = subject.general ? ["general"] : subject.tracks
            if let track, !tracks.contains(track) { return false }
            if let wantedType, e.type != wantedType { return false }
            if let party, subject.actor != party, !subject.counterparts.contains(party) { return false }
            if let article, e.article != article, !(amendments[e.id] ?? []).contains(where: { $0.article == article }) { return false }
            if let from, let on = subject.on, on.last < from { return false }
            if let to, let on = subject.on, on.first > to { return false }
            return true
        }
        let rows = events.map { r in
            let fixes = amendments[r.event.id] ?? []
            var fixedBy: [String] = []
            if fixes.contains(where: { $0.type == .correction }) { fixedBy.append("corrected") }
            if fixes.contains(where: { $0.type == .retraction }) { fixedBy.append("retracted") }
            let sources = fixes.count { $0.type == .source }
            if sources > 0 { fixedBy.append("+\(sources) source\(sources == 1 ? "" : "s")") }
            return Row(sequence: r.sequence, id: r.event.id, on: r.event.on?.description, type: r.event.type.rawValue,
                       tracks: r.event.general ? ["general"] : r.event.tracks, actor: r.event.actor, counterparts: r.event.counterparts,
                       place: r.event.place, planned: r.event.planned, format: r.event.format, proposal: r.event.proposal,
                       article: r.event.article, quote: r.event.quote, target: r.event.target, note: r.event.note, reason: r.event.reason,
                       fixedBy: fixedBy, codes: EventCodes(r.event),
                       recorded: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(r.recordedAtMicroseconds) / 1e6)))
        }
        if output.json {
            try printAnswer(head: history.head, ["events": rows])
            return
        }
        if csv {
            print(try EventsCSV.render(events), terminator: "")
            return
        }
        var table: [[String]] = []
        var under: [Int: [String]] = [:]
        for row in rows {
            let who = [row.actor, row.counterparts.isEmpty ? nil : row.counterparts.joined(separator: ",")]
                .compactMap { $0 }.joined(separator: " → ")
            var what = row.type + (row.format.map { " (\($0.rawValue))" } ?? "") + (row.planned ? " (planned)" : "")
            if let place = row.place { what += " @ \(place)" }
            if let target = row.target { what += " of \(target)" }
            if !row.fixedBy.isEmpty { what += " [\(row.fixedBy.joined(separator: ", "))]" }
            if notes {
                under[table.count] = (row.note.map { ["note: \($0)"] } ?? []) + (row.reason.map { ["reason: \($0)"] } ?? [])
            }
            table.append([String(row.sequence), row.on ?? "—", row.id, what, row.tracks.joined(separator: ","), who, row.article ?? "—"])
        }
        printTable(header: ["seq", "on", "id", "type", "tracks", "actor → counterparts", "article"], rows: table, under: under)
        print("\(rows.count) event\(rows.count == 1 ? "" : "s")")
    }
}

/// Prints rows in aligned columns, each cell on one line and safe for a terminal; the lines of
/// `under[i]` follow row `i`, indented, without widening the columns.
func printTable(header: [String], rows: [[String]], under: [Int: [String]] = [:]) {
    let all = ([header] + rows).map { $0.map(terminalSafe) }
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    for (i, row) in all.enumerated() {
        let cells = row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
        }
        print(cells.joined(separator: "  "))
        for line in under[i - 1] ?? [] { print("      " + terminalSafe(line)) }
    }
}

/// The text with every control character (C0, DEL, C1, line and paragraph separators) written
/// as `\u{1B}`: a log written before such characters were refused must not move the cursor,
/// clear the screen or break a row when printed.
func terminalSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}
