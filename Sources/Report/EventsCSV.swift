import CSV
import Foundation
import Negotiation

/// The recorded events as CSV, one row per record in log order: what `parley log --csv` writes.
///
/// Columns (RFC 4180, CRLF, UTF-8, lists joined with "; "): `sequence, id, type, cameo,
/// cameo_name, plover, on_earliest, on_latest, on_precision, tracks, actor, counterparts,
/// proposal, place, planned, article, quote, amends, recorded_at`. A date is two ISO days a
/// spreadsheet reads as dates (the first and last it may be) and its precision (`day`,
/// `month`, `range`); `cameo` and `plover` code the act as event-data tools do (empty for a
/// source, a fix, or a term that ran out).
public enum EventsCSV {
    public static let columns = [
        "sequence", "id", "type", "cameo", "cameo_name", "plover", "on_earliest", "on_latest", "on_precision", "tracks", "actor",
        "counterparts", "proposal", "place", "planned", "article", "quote", "amends", "recorded_at",
    ]

    public static func render(_ events: [RecordedEvent]) throws -> String {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let csv = try CSVWriter(stream: stream, newline: .crlf)
        try csv.write(row: columns)
        let iso = ISO8601DateFormatter()
        for r in events {
            let e = r.event
            let codes = EventCodes(e)
            let precision: String = switch e.on {
            case .day?: "day"
            case .month?: "month"
            case .range?: "range"
            case nil: ""
            }
            try csv.write(row: [
                String(r.sequence), e.id, e.type.rawValue, codes?.cameo ?? "", codes?.cameoName ?? "", codes?.plover ?? "",
                e.on.map { $0.first.description } ?? "", e.on.map { $0.last.description } ?? "", precision,
                (e.general ? ["general"] : e.tracks).joined(separator: "; "), e.actor ?? "", e.counterparts.joined(separator: "; "),
                e.proposal ?? "", e.place ?? "", e.planned ? "true" : "false", e.article ?? "", e.quote ?? "", e.target ?? "",
                iso.string(from: Date(timeIntervalSince1970: Double(r.recordedAtMicroseconds) / 1e6)),
            ])
        }
        csv.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }
}
