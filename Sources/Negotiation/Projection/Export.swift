import CSV
import EventLog
import Foundation

/// How often a series samples the tracks.
public enum Cadence: String, Sendable, CaseIterable {
    case day, week, month

    /// The days from `from` through `to`, `from` first: every day, every 7 days, or the same
    /// day of each month (the month's last day when it is shorter).
    public func days(from: Day, to: Day) -> [Day] {
        var result: [Day] = []
        var index = 0
        while true {
            let day: Day
            switch self {
            case .day: day = from.adding(days: index)
            case .week: day = from.adding(days: 7 * index)
            case .month:
                let months = from.month - 1 + index
                let year = from.year + months / 12, month = months % 12 + 1
                day = Day(year: year, month: month, day: min(from.day, Day.daysIn(month: month, year: year))) ?? to
            }
            guard day <= to else { return result }
            result.append(day)
            index += 1
        }
    }
}

/// CSV export of track states: one row per track per date.
///
/// Columns, stable and in this order (RFC 4180, CRLF line ends, UTF-8, lists joined with "; "):
/// `date, track, status, proposal, positions, open_conditions, violations, last_violation,
/// meetings, last_meeting, last_meeting_place, last_event, uncertain, known_on, log_sequence,
/// head_hash`. The last three columns make every row reproducible: rerun `parley export` with
/// the same dates against a log whose head is that hash.
public enum CSVExport {
    public static let columns = [
        "date", "track", "status", "proposal", "positions", "open_conditions", "violations", "last_violation",
        "meetings", "last_meeting", "last_meeting_place", "last_event", "uncertain", "known_on", "log_sequence", "head_hash",
    ]

    /// The CSV text for `series`.
    public static func render(_ series: [(Day, [TrackState])], knownOn: Day?, head: Head) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        try writer.write(row: columns)
        for (day, states) in series {
            for state in states {
                try writer.write(row: row(day, state, knownOn: knownOn, head: head))
            }
        }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }

    static func row(_ day: Day, _ s: TrackState, knownOn: Day?, head: Head) -> [String] {
        [
            day.description,
            s.track,
            s.status.rawValue,
            s.proposal?.id ?? "",
            s.required.map { "\($0)=\(s.positions[$0]?.stance.rawValue ?? Stance.none.rawValue)" }.joined(separator: "; "),
            s.openConditions.map { "\($0.party): \($0.label)" }.joined(separator: "; "),
            String(s.violationCount),
            s.lastViolation?.date ?? "",
            String(s.meetingCount),
            s.lastMeeting?.date ?? "",
            s.lastMeeting?.place ?? "",
            s.lastEvent?.id ?? "",
            s.uncertain ? "true" : "false",
            knownOn?.description ?? "",
            String(head.sequence),
            head.hashHex,
        ]
    }
}
