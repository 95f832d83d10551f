import EventLog
import Foundation
import Negotiation

/// A Frictionless Data Package (`datapackage.json`) that describes a CSV export: each column's
/// name, type, meaning and allowed values, and how the export was made (as of, known on, the
/// log's head, the command that reproduces it).
public enum DataPackage {
    /// What an export was made from, for the package's own `parley` section.
    public struct Provenance: Sendable {
        public var command: String
        public var asOf: String
        public var knownOn: String?
        public var head: Head

        public init(command: String, asOf: String, knownOn: String?, head: Head) {
            self.command = command
            self.asOf = asOf
            self.knownOn = knownOn
            self.head = head
        }
    }

    /// The package's JSON for the states export `csvName` (a file beside it) of `columns`
    /// (a wide export's `track.column` included).
    public static func states(csvName: String, columns: [String], provenance: Provenance) throws -> [UInt8] {
        let fields = columns.map(field)
        let package: [String: Any] = [
            "name": "parley-track-states",
            "title": "Ceasefire tracks' states, one row per track per date",
            "description": "Exported by Parley from a hash-chained log of sourced negotiation events. Each row is a track's state on its date, as the press knew it on known_on (empty: everything recorded).",
            "resources": [[
                "name": "states",
                "path": csvName,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": ["delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true],
                "schema": ["fields": fields, "missingValues": [""]],
            ]],
            "parley": [
                "command": provenance.command,
                "asOf": provenance.asOf,
                "knownOn": provenance.knownOn ?? "",
                "head": ["sequence": provenance.head.sequence, "hash": provenance.head.hashHex],
            ] as [String: Any],
        ]
        let data = try JSONSerialization.data(withJSONObject: package, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return Array(data) + [0x0A]
    }

    /// One column's descriptor.
    static func field(_ name: String) -> [String: Any] {
        var field: [String: Any] = ["name": name]
        // A wide export's column: the track's id, then the column.
        let (track, column) = name.firstIndex(of: ".").map { (String(name[..<$0]), String(name[name.index(after: $0)...])) } ?? (nil, name)
        let (type, description, values) = meaning(column)
        field["type"] = type
        field["description"] = track.map { "\($0): \(description)" } ?? description
        if let values { field["constraints"] = ["enum": values] }
        return field
    }

    static func meaning(_ name: String) -> (type: String, description: String, values: [String]?) {
        if name.hasPrefix("position_") {
            let party = name.dropFirst("position_".count)
            return ("string", "\(party)'s position on the track's proposal; empty where the track does not require \(party)",
                    Stance.allCases.map(\.rawValue))
        }
        switch name {
        case "date": return ("date", "the day the state is of (as of)", nil)
        case "track": return ("string", "the track's id (general: the general meetings, on no track)", nil)
        case "status": return ("string", "the track's status that day", TrackStatus.allCases.map(\.rawValue))
        case "proposal": return ("string", "the proposal on the table, <track>/<slug>", nil)
        case "open_conditions": return ("string", "the conditions set and not met or dropped, PARTY: label, joined with '; '", nil)
        case "violations", "meetings", "sources", "log_sequence":
            let what = ["violations": "alleged violations counted", "meetings": "meetings held", "sources": "articles behind the events counted",
                        "log_sequence": "the log's last sequence when exported"][name] ?? name
            return ("integer", what, nil)
        case "last_violation_precision", "last_meeting_precision":
            return ("string", "how the date above is known: one day, a month, or a range", ["day", "month", "range"])
        case "uncertain", "disputed":
            return ("boolean", name == "uncertain" ? "some event counted has an imprecise date" : "the parties' claims of a start or end disagree", nil)
        case "end_reason": return ("string", "how the ceasefire ended", EndReason.allCases.map(\.rawValue))
        case "head_hash": return ("string", "the log's head hash when exported: reproduce the row against a log with this head", nil)
        case "in_effect_by": return ("string", "the party whose start counted", nil)
        case "last_meeting_place": return ("string", "where the last meeting was held", nil)
        case "last_event": return ("string", "the id of the last event counted", nil)
        case "claims": return ("string", "each party's account of a start or end, PARTY fact day, joined with '; '", nil)
        default:
            // The date columns: one ISO day each.
            let what = name.replacingOccurrences(of: "_", with: " ")
            return ("date", what, nil)
        }
    }
}
