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
        let writer = try Writer(stream: stream, knownOn: knownOn, head: head)
        for (day, states) in series { try writer.write(day, states) }
        writer.finish()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes rows to a stream as they come, so that a long series is never held in memory.
    public final class Writer {
        private let csv: CSVWriter
        private let knownOn: Day?
        private let head: Head

        /// Writes the header row at once.
        public init(stream: OutputStream, knownOn: Day?, head: Head) throws {
            csv = try CSVWriter(stream: stream, newline: .crlf)
            self.knownOn = knownOn
            self.head = head
            try csv.write(row: CSVExport.columns)
        }

        /// One row per track on `day`.
        public func write(_ day: Day, _ states: [TrackState]) throws {
            for state in states { try csv.write(row: CSVExport.row(day, state, knownOn: knownOn, head: head)) }
        }

        /// Ends the last row and closes the stream.
        public func finish() {
            // CSVWriter separates rows; RFC 4180 lets the last one end with a line break too.
            csv.stream.write("\r\n", maxLength: 2)
            csv.stream.close()
        }
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
