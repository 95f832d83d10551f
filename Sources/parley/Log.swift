import ArgumentParser
import EventLog
import Foundation
import Negotiation

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the recorded events, in log order.",
        discussion: "Shows each event's sequence, date, type, tracks, actor and counterparts, and article."
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Only events on this track (`general`: the general meetings).", valueName: "track"))
    var track: String?

    @Option(help: ArgumentHelp("Only events of this type (\(EventType.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "type"))
    var type: String?

    func validate() throws {
        if let type, EventType(rawValue: type) == nil {
            throw ValidationError("unknown type '\(type)'; expected one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
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
        var recorded: String
    }

    func run() throws {
        let store = try log.openForReading()
        let wantedType = type.flatMap(EventType.init(rawValue:))
        let events = try store.contents().events.filter { recorded in
            let tracks = recorded.event.general ? ["general"] : recorded.event.tracks
            return (track == nil || tracks.contains(track ?? "")) && (wantedType == nil || recorded.event.type == wantedType)
        }
        let rows = events.map { r in
            Row(sequence: r.sequence, id: r.event.id, on: r.event.on?.description, type: r.event.type.rawValue,
                tracks: r.event.general ? ["general"] : r.event.tracks, actor: r.event.actor, counterparts: r.event.counterparts, place: r.event.place,
                planned: r.event.planned, format: r.event.format, proposal: r.event.proposal, article: r.event.article, quote: r.event.quote,
                target: r.event.target,
                recorded: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(r.recordedAtMicroseconds) / 1e6)))
        }
        if output.json {
            try printJSON(rows)
            return
        }
        let table = rows.map { row -> [String] in
            let who = [row.actor, row.counterparts.isEmpty ? nil : row.counterparts.joined(separator: ",")]
                .compactMap { $0 }.joined(separator: " → ")
            var what = row.type + (row.format.map { " (\($0.rawValue))" } ?? "") + (row.planned ? " (planned)" : "")
            if let place = row.place { what += " @ \(place)" }
            if let target = row.target { what += " of \(target)" }
            return [String(row.sequence), row.on ?? "—", what, row.tracks.joined(separator: ","), who, row.article ?? "—"]
        }
        printTable(header: ["seq", "on", "type", "tracks", "actor → counterparts", "article"], rows: table)
        print("\(rows.count) event\(rows.count == 1 ? "" : "s")")
    }
}

/// Prints rows in aligned columns, each cell on one line and safe for a terminal.
func printTable(header: [String], rows: [[String]]) {
    let all = ([header] + rows).map { $0.map(terminalSafe) }
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    for row in all {
        let cells = row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
        }
        print(cells.joined(separator: "  "))
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
