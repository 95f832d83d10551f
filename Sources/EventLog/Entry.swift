/// One record offered to the log: an id that makes appending idempotent, and opaque bytes.
public struct Record: Sendable, Hashable {
    /// Unique within the log; 1 to ``EventLog/maximumIDLength`` bytes of UTF-8.
    public var id: String
    /// The entry's bytes; the log never interprets them.
    public var payload: [UInt8]

    public init(id: String, payload: [UInt8]) {
        self.id = id
        self.payload = payload
    }
}

/// A recorded entry, copied out of the log.
public struct Entry: Sendable, Hashable {
    /// The entry's place in the log: 1, 2, 3… with no gaps.
    public var sequence: UInt64
    /// When it was recorded (transaction time), in microseconds since 1970-01-01T00:00:00Z.
    public var recordedAtMicroseconds: Int64
    /// SHA-256(previous hash ‖ sequence as 8 big-endian bytes ‖ payload).
    public var hash: [UInt8]
    public var id: String
    public var payload: [UInt8]

    init(_ view: EntryView) {
        sequence = view.sequence
        recordedAtMicroseconds = view.recordedAtMicroseconds
        hash = [UInt8](view.hash)
        id = String(decoding: view.id, as: UTF8.self)
        payload = [UInt8](view.payload)
    }
}

/// A recorded entry lent without copying: its buffers point into the map and are valid only
/// inside the closure that received it.
public struct EntryView {
    public let sequence: UInt64
    public let recordedAtMicroseconds: Int64
    public let hash: UnsafeRawBufferPointer
    public let id: UnsafeRawBufferPointer
    public let payload: UnsafeRawBufferPointer

    /// A copy that may outlive the closure.
    public func copy() -> Entry { Entry(self) }
}

/// The end of the log: its last sequence (0 when empty) and the hash there.
public struct Head: Sendable, Hashable, CustomStringConvertible {
    public var sequence: UInt64
    /// 32 bytes; all zero for an empty log.
    public var hash: [UInt8]

    public static let empty = Head(sequence: 0, hash: [UInt8](repeating: 0, count: 32))

    /// The hash in lowercase hexadecimal.
    public var hashHex: String { hex(hash) }

    public var description: String { "\(sequence) \(hashHex)" }
}

/// What happened to one offered record.
public enum AppendOutcome: Sendable, Hashable {
    /// Recorded at this sequence.
    case appended(UInt64)
    /// Already recorded, with the same bytes, at this sequence: nothing was written.
    case existing(UInt64)

    public var sequence: UInt64 {
        switch self {
        case .appended(let s), .existing(let s): s
        }
    }
}

/// The result of one append: an outcome per offered record, in order, and the head after it.
public struct AppendReceipt: Sendable, Hashable {
    public var outcomes: [AppendOutcome]
    public var head: Head
    /// How many records were newly recorded.
    public var appendedCount: Int {
        outcomes.reduce(0) { if case .appended = $1 { $0 + 1 } else { $0 } }
    }
}

func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
