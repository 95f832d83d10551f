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

        /// Writes the header row at once.
        public init(stream: OutputStream, knownOn: Day?, head: Head) throws {
            // CSVWriter hands its stream one byte at a time: one write(2) per byte on a file.
            output = BlockOutputStream(stream)
            csv = try CSVWriter(stream: output, newline: .crlf)
            self.knownOn = knownOn
            self.head = head
            try csv.write(row: CSVExport.columns)
        }

        /// One row per track on `day`.
        ///
        /// - Throws: ``CSVExport/WriteError`` when the stream refused bytes (a full disk).
        public func write(_ day: Day, _ states: [TrackState]) throws(WriteError) {
            do {
                for state in states { try csv.write(row: CSVExport.row(day, state, knownOn: knownOn, head: head)) }
            } catch {
                throw WriteError(reason: output.failure ?? "the stream refused the bytes")
            }
        }

        /// Ends the last row, passes on what is buffered and closes the stream.
        ///
        /// - Throws: ``CSVExport/WriteError`` when the stream refused bytes, here or in an
        ///   earlier ``write(_:_:)``.
        public func finish() throws(WriteError) {
            // CSVWriter separates rows; RFC 4180 lets the last one end with a line break too.
            _ = output.write("\r\n", maxLength: 2)
            output.close()
            if let failure = output.failure { throw WriteError(reason: failure) }
        }
    }

    /// The stream an export was written to refused bytes: a full disk, a closed pipe.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The system's words, e.g. "No space left on device".
        public var reason: String
        public var description: String { "cannot write the export: \(reason)" }
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

/// Passes what is written on to another stream in blocks of 64 KiB, and remembers a refusal
/// with the system's reason: after one, every write fails (CSVWriter then throws), and so does
/// ``CSVExport/Writer/finish()``.
final class BlockOutputStream: OutputStream {
    private let target: OutputStream
    private var buffer: [UInt8] = []
    /// Why the target refused bytes (strerror of the failed write), once it has.
    private(set) var failure: String?
    private var failed: Bool { failure != nil }
    private static let blockSize = 1 << 16

    init(_ target: OutputStream) {
        self.target = target
        super.init(toMemory: ())
        buffer.reserveCapacity(Self.blockSize)
    }

    /// Foundation requires it of a subclass: blocks passed on to a stream in memory.
    required convenience init(toMemory: ()) {
        self.init(OutputStream(toMemory: ()))
    }

    override var streamStatus: Stream.Status { failed ? .error : target.streamStatus }
    override var streamError: (any Error)? { target.streamError }
    override var hasSpaceAvailable: Bool { !failed }

    override func open() {
        if target.streamStatus == .notOpen { target.open() }
    }

    override func write(_ bytes: UnsafePointer<UInt8>, maxLength length: Int) -> Int {
        guard !failed else { return -1 }
        buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        if buffer.count >= Self.blockSize { flush() }
        return failed ? -1 : length
    }

    override func close() {
        flush()
        target.close()
    }

    private func flush() {
        var written = 0
        while !failed, written < buffer.count {
            let count = buffer[written...].withUnsafeBufferPointer { rest in
                rest.baseAddress.map { target.write($0, maxLength: rest.count) } ?? 0
            }
            if count > 0 {
                written += count
            } else {
                // Read at once: the target's failed write(2) left it in errno.
                let code = errno
                failure = code == 0 ? "the stream accepted no bytes" : String(cString: strerror(code))
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
