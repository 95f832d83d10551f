import CSV
import EventLog
import Foundation
import Negotiation
import Store

/// How often a series samples the tracks.
public enum Cadence: String, Sendable, CaseIterable {
    case day, week, month

    /// The days from `from` through `to` a series samples: every day; every Monday; the first
    /// of every month. Empty when `to` is before `from` (or no Monday, or no first of a month,
    /// falls between them).
    ///
    /// Bounded by the calendar: no day past 9999-12-31 is made, so every pair of days ends,
    /// with at most one entry per day between them.
    public func days(from: Day, to: Day) -> [Day] {
        guard from <= to else { return [] }
        switch self {
        case .day:
            return (from.ordinal...to.ordinal).map(Day.init(ordinal:))
        case .week:
            // The first Monday on or after `from` (weekday 0 is Monday).
            let first = from.ordinal + (7 - from.weekday) % 7
            guard first <= to.ordinal else { return [] }
            return stride(from: first, through: to.ordinal, by: 7).map(Day.init(ordinal:))
        case .month:
            var result: [Day] = []
            var (year, month) = from.day == 1 ? (from.year, from.month) : from.month == 12 ? (from.year + 1, 1) : (from.year, from.month + 1)
            // Day(year:month:day:) refuses year 10000, which ends the walk at the calendar's edge.
            while let day = Day(year: year, month: month, day: 1), day <= to {
                result.append(day)
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
            }
            return result
        }
    }
}

/// CSV export of track states: one row per track per date.
///
/// Columns, stable and in this order (RFC 4180, CRLF line ends, UTF-8, lists joined with "; "):
/// `date, track, status, proposal`, then `position_<PARTY>` for each party a track requires
/// (the registry's, in its order; empty where the track does not require the party), then
/// `open_conditions, violations, last_violation_earliest, last_violation_latest,
/// last_violation_precision, meetings, last_meeting_earliest, last_meeting_latest,
/// last_meeting_precision, last_meeting_place, last_event, uncertain, status_since,
/// status_possible_since, in_effect_since, in_effect_by, in_effect_through, ended_on,
/// end_reason, disputed, claims, sources, known_on, log_sequence, head_hash`. Every date column
/// holds one ISO day a spreadsheet reads as a date: an imprecise date is two columns, its
/// first and last possible day, with its precision (`day`, `month`, `range`) beside them.
/// `status_since` is the day the status is certain, `status_possible_since` the first day it
/// may have been so; `claims` lists each party's account of a start or end (`RU start
/// 2025-03-18`); `sources` counts the articles behind the events folded. The last three columns
/// make every row reproducible: rerun `parley export` with the same dates against a log whose
/// head is that hash.
///
/// Each date also has a row of its own for the general meetings (talks on the war as a whole,
/// counted on no track), its `track` being `general`: the meetings held by then, the last one,
/// its place, and the sources behind them; the track columns stay empty.
public enum CSVExport {
    /// The columns, with a position column for each of `parties`.
    public static func columns(parties: [String]) -> [String] {
        ["date", "track", "status", "proposal"] + parties.map { "position_\($0)" } + [
            "open_conditions", "violations", "last_violation_earliest", "last_violation_latest", "last_violation_precision",
            "meetings", "last_meeting_earliest", "last_meeting_latest", "last_meeting_precision", "last_meeting_place", "last_event", "uncertain",
            "status_since", "status_possible_since", "in_effect_since", "in_effect_by", "in_effect_through", "ended_on", "end_reason",
            "disputed", "claims", "sources", "known_on", "log_sequence", "head_hash",
        ]
    }

    /// The parties with a position column: those the tracks require, in the order met.
    static func parties(of states: [TrackState]) -> [String] {
        var seen: [String] = []
        for state in states { for party in state.required where !seen.contains(party) { seen.append(party) } }
        return seen
    }

    /// The CSV text for `series`, with the general meetings' row for each day when `general`
    /// (the general meetings by the last day) is given.
    public static func render(_ series: [(Day, [TrackState])], general: [RecordedEvent]? = nil, knownOn: Day?, head: Head) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try Writer(stream: stream, knownOn: knownOn, head: head)
        for (day, states) in series { try writer.write(day, states, general: general) }
        try writer.finish()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes rows to a stream as they come, so that a long series is never held in memory.
    public final class Writer {
        private let csv: CSVWriter
        private let output: BlockOutputStream
        private let knownOn: Day?
        private let head: Head
        /// The parties with a position column, fixed by the first day's tracks (the header is
        /// written then).
        public private(set) var parties: [String]?
        /// The header written: the columns of every row.
        public private(set) var columns: [String]?
        /// One row per day instead of one per track: `date`, then each track's columns with its id
        /// before them (`energy.status`), then the general meetings' (`general.meetings`), then
        /// `known_on, log_sequence, head_hash`. Set before the first row.
        public var wide = false

        /// The columns a track has in a wide row, and those the general meetings have.
        static let perTrackDropped: Set<String> = ["date", "track", "known_on", "log_sequence", "head_hash"]
        static let generalColumns = ["meetings", "last_meeting_earliest", "last_meeting_latest", "last_meeting_precision",
                                     "last_meeting_place", "last_event", "uncertain", "sources"]

        /// Writes to `stream`; the header row goes first, with the first day's rows.
        public convenience init(stream: OutputStream, knownOn: Day?, head: Head) throws {
            try self.init(output: BlockOutputStream(stream), knownOn: knownOn, head: head)
        }

        /// Writes to `sink` (the header first, with the first day's rows), handed the text in blocks of 64 KiB and
        /// throws to refuse them (its error's description becomes the ``WriteError``'s reason).
        public convenience init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void, knownOn: Day?, head: Head) throws {
            try self.init(output: BlockOutputStream(sink: sink), knownOn: knownOn, head: head)
        }

        private init(output: BlockOutputStream, knownOn: Day?, head: Head) throws {
            // CSVWriter hands its stream one byte at a time: one write(2) per byte on a file.
            self.output = output
            csv = try CSVWriter(stream: output, newline: .crlf)
            self.knownOn = knownOn
            self.head = head
        }

        private func header(_ states: [TrackState], general: Bool) throws -> [String] {
            if let parties { return parties }
            let found = CSVExport.parties(of: states)
            let long = CSVExport.columns(parties: found)
            var header = long
            if wide {
                let perTrack = long.filter { !Self.perTrackDropped.contains($0) }
                header = ["date"] + states.flatMap { state in perTrack.map { "\(state.track).\($0)" } }
                    + (general ? Self.generalColumns.map { "general.\($0)" } : []) + ["known_on", "log_sequence", "head_hash"]
            }
            try csv.write(row: header)
            parties = found
            columns = header
            return found
        }

        /// A day's one wide row, from its long rows.
        private func wideRow(_ day: Day, _ states: [TrackState], general: [RecordedEvent]?, parties: [String], knownOn: Day?) -> [String] {
            let long = CSVExport.columns(parties: parties)
            let keep = long.indices.filter { !Self.perTrackDropped.contains(long[$0]) }
            var row = [day.description]
            for state in states {
                let cells = CSVExport.row(day, state, parties: parties, knownOn: knownOn, head: head)
                row += keep.map { cells[$0] }
            }
            if let general {
                let cells = CSVExport.generalRow(day, general, parties: parties, knownOn: knownOn, head: head)
                row += Self.generalColumns.compactMap { column in long.firstIndex(of: column).map { cells[$0] } }
            }
            return row + [knownOn?.description ?? "", String(head.sequence), head.hashHex]
        }

        /// One row per track on `day`, then, when `general` is given (the general meetings by some
        /// later day, in valid-time order), the general meetings' row.
        ///
        /// - Throws: ``CSVExport/WriteError`` when the stream refused bytes (a full disk).
        /// `knownOn`, when given, is this day's known-on day instead of the writer's (a real-time
        /// series: each day as it was known on that day).
        public func write(_ day: Day, _ states: [TrackState], general: [RecordedEvent]? = nil, knownOn rowKnownOn: Day? = nil) throws(WriteError) {
            let knownOn = rowKnownOn ?? knownOn
            do {
                let parties = try header(states, general: general != nil)
                if wide {
                    try csv.write(row: wideRow(day, states, general: general, parties: parties, knownOn: knownOn))
                    return
                }
                for state in states { try csv.write(row: CSVExport.row(day, state, parties: parties, knownOn: knownOn, head: head)) }
                if let general { try csv.write(row: CSVExport.generalRow(day, general, parties: parties, knownOn: knownOn, head: head)) }
            } catch {
                throw WriteError(reason: output.failure ?? "the stream refused the bytes")
            }
        }

        /// Ends the last row, passes on what is buffered and closes the stream.
        ///
        /// - Throws: ``CSVExport/WriteError`` when the stream refused bytes, here or in an
        ///   earlier ``write(_:_:)``.
        public func finish() throws(WriteError) {
            do { _ = try header([], general: false) } catch { throw WriteError(reason: output.failure ?? "the stream refused the bytes") }
            // CSVWriter separates rows; RFC 4180 lets the last one end with a line break too.
            _ = output.write("\r\n", maxLength: 2)
            output.close()
            if let failure = output.failure { throw WriteError(reason: failure) }
        }
    }

    /// The stream an export was written to refused bytes: a full disk, a closed pipe.
    /// Which articles a series counts.
    public enum Knowledge: Sendable, Hashable {
        /// Those published by this day (all when `nil`), for every row.
        case knownOn(Day?)
        /// For each row, those published by its own day: the series as it was known in real time.
        case eachDay
    }

    /// Writes the states of the log on `days`, each track a row (or, `wide`, each day a row),
    /// to `sink`; returns how many rows and the columns. `head` is the log's head when the
    /// export began, written in every row.
    public static func writeStates(of store: NegotiationStore, days: [Day], knowledge: Knowledge, wide: Bool, head: Head,
                                   to sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> (rows: Int, columns: [String]) {
        let knownOn: Day? = if case .knownOn(let day) = knowledge { day } else { nil }
        let writer = try Writer(sink: sink, knownOn: knownOn, head: head)
        writer.wide = wide
        var rows = 0
        switch knowledge {
        case .eachDay:
            // Each day as the press knew it that day: a question of its own per day.
            for day in days {
                let general = try store.generalMeetings(asOf: day, knownOn: day)
                _ = try store.forEachDay([day], knownOn: day) { day, states in
                    try writer.write(day, states, general: general, knownOn: day)
                    rows += wide ? 1 : states.count + 1
                }
            }
        case .knownOn(let knownOn):
            // The general meetings by the last day: each day's row takes those that had happened.
            let general = try days.last.map { try store.generalMeetings(asOf: $0, knownOn: knownOn) } ?? []
            _ = try store.forEachDay(days, knownOn: knownOn) { day, states in
                try writer.write(day, states, general: general)
                rows += wide ? 1 : states.count + 1
            }
        }
        try writer.finish()
        return (rows, writer.columns ?? [])
    }

    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The system's words, e.g. "No space left on device".
        public var reason: String
        public var description: String { "cannot write the export: \(reason)" }
    }

    /// A date as a spreadsheet reads it: its first and last possible day, and its precision.
    static func dateColumns(_ text: String?) -> [String] {
        guard let text, let time = try? ValidTime(parsing: text) else { return ["", "", ""] }
        let precision = switch time {
        case .day: "day"
        case .month: "month"
        case .range: "range"
        }
        return [time.first.description, time.last.description, precision]
    }

    static func row(_ day: Day, _ s: TrackState, parties: [String], knownOn: Day?, head: Head) -> [String] {
        [day.description, s.track, s.status.rawValue, s.proposal?.id ?? ""]
            + parties.map { s.required.contains($0) ? (s.positions[$0]?.stance.rawValue ?? Stance.none.rawValue) : "" }
            + [s.openConditions.map { "\($0.party): \($0.label)" }.joined(separator: "; "), String(s.violationCount)]
            + dateColumns(s.lastViolation?.date)
            + [String(s.meetingCount)]
            + dateColumns(s.lastMeeting?.date)
            + [
            s.lastMeeting?.place ?? "",
            s.lastEvent?.id ?? "",
            s.uncertain ? "true" : "false",
            s.statusSince?.description ?? "",
            s.statusPossibleSince?.description ?? "",
            s.inEffect?.since.description ?? "",
            s.inEffect?.by ?? "",
            s.inEffect?.through?.description ?? "",
            s.ending?.on.description ?? "",
            s.ending?.reason.rawValue ?? "",
            s.disputed ? "true" : "false",
            s.claims.map { "\($0.party) \($0.fact.rawValue) \($0.date)" }.joined(separator: "; "),
            String(s.sourceCount),
            knownOn?.description ?? "",
            String(head.sequence),
            head.hashHex,
        ]
    }
}

extension CSVExport {
    /// The general meetings' row on `day`: of `general` (in valid-time order), those that had
    /// happened by then, held ones counted.
    static func generalRow(_ day: Day, _ general: [RecordedEvent], parties: [String], knownOn: Day?, head: Head) -> [String] {
        let columns = columns(parties: parties)
        let happened = general.filter { ($0.event.on?.last ?? .latest) <= day }
        let held = happened.filter { !$0.event.planned }
        let last = held.last?.event
        var row = Array(repeating: "", count: columns.count)
        func set(_ column: String, _ value: String) {
            if let i = columns.firstIndex(of: column) { row[i] = value }
        }
        set("date", day.description)
        set("track", "general")
        set("violations", "0")
        set("meetings", String(held.count))
        for (column, value) in zip(["last_meeting_earliest", "last_meeting_latest", "last_meeting_precision"], dateColumns(last?.on?.description)) {
            set(column, value)
        }
        set("last_meeting_place", last?.place ?? "")
        set("last_event", last?.id ?? "")
        set("uncertain", held.contains { $0.event.on?.isPrecise == false } ? "true" : "false")
        set("disputed", "false")
        set("sources", String(held.reduce(0) { $0 + max(1, $1.event.sources.count) }))
        set("known_on", knownOn?.description ?? "")
        set("log_sequence", String(head.sequence))
        set("head_hash", head.hashHex)
        return row
    }
}

/// Passes what is written on in blocks of 64 KiB, to another stream or to a sink, and remembers
/// a refusal with its reason: after one, every write fails (CSVWriter then throws), and so does
/// ``CSVExport/Writer/finish()``.
final class BlockOutputStream: OutputStream {
    /// Takes one block; returns why it was refused, or `nil`.
    private let pass: (UnsafeRawBufferPointer) -> String?
    private let closeTarget: () -> Void
    private var buffer: [UInt8] = []
    /// Why the target refused bytes (the system's words), once it has.
    private(set) var failure: String?
    private var failed: Bool { failure != nil }
    private static let blockSize = 1 << 16

    /// Blocks passed on to `target`, opened if it is not yet.
    init(_ target: OutputStream) {
        if target.streamStatus == .notOpen { target.open() }
        pass = { block in
            guard let base = block.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var written = 0
            while written < block.count {
                let count = target.write(base + written, maxLength: block.count - written)
                guard count > 0 else {
                    // Read at once: the target's failed write(2) left it in errno.
                    let code = errno
                    return code == 0 ? "the stream accepted no bytes" : String(cString: strerror(code))
                }
                written += count
            }
            return nil
        }
        closeTarget = { target.close() }
        super.init(toMemory: ())
        buffer.reserveCapacity(Self.blockSize)
    }

    /// Blocks handed to `sink`, which throws to refuse them.
    init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        pass = { block in
            do {
                try sink(block)
                return nil
            } catch {
                return "\(error)"
            }
        }
        closeTarget = {}
        super.init(toMemory: ())
        buffer.reserveCapacity(Self.blockSize)
    }

    /// Foundation requires it of a subclass: blocks passed on to a stream in memory.
    required convenience init(toMemory: ()) {
        self.init(OutputStream(toMemory: ()))
    }

    override var streamStatus: Stream.Status { failed ? .error : .open }
    override var streamError: (any Error)? { nil }
    override var hasSpaceAvailable: Bool { !failed }

    override func open() {}

    override func write(_ bytes: UnsafePointer<UInt8>, maxLength length: Int) -> Int {
        guard !failed else { return -1 }
        buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        if buffer.count >= Self.blockSize { flush() }
        return failed ? -1 : length
    }

    override func close() {
        flush()
        closeTarget()
    }

    private func flush() {
        if !failed, !buffer.isEmpty {
            failure = buffer.withUnsafeBytes { pass($0) }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
