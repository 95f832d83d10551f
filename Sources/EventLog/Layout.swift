import Dispatch
import Synchronization

/// How entries are laid out in LMDB (formats 1 and 2; new logs are written in format 2).
///
/// Databases:
/// - `entries`: key = sequence (8 bytes, big-endian, appended with `MDB_APPEND`);
///   value = recorded time (8 bytes, big-endian µs since the epoch) ‖ hash (32) ‖
///   id length (2, big-endian) ‖ id (UTF-8) ‖ payload.
/// - `ids`: key = id (UTF-8); value = sequence (8 bytes, big-endian).
/// - `blobs`: key = SHA-256 of the value (32 bytes); value = the bytes.
/// - `meta`: `format` = "2" (or "1"); `head` = last sequence (8) ‖ its hash (32).
///
/// An entry's hash chains it to the one before:
/// - format 2: SHA-256(previous hash ‖ sequence ‖ recorded time ‖ id length ‖ id ‖ payload),
///   so everything an entry holds is under the chain;
/// - format 1: SHA-256(previous hash ‖ sequence ‖ payload): the id and the recorded time are
///   outside it, and can be changed without breaking the chain. Such logs are still read,
///   verified and appended to in their own format.
enum Layout {
    /// The format of new logs.
    static let formatVersion = 2
    /// The formats this build reads and appends to.
    static let readableFormats = 1...2
    static let headerSize = 8 + 32 + 2
    static let formatKey = Array("format".utf8)
    static let headKey = Array("head".utf8)

    static func key(_ sequence: UInt64) -> [UInt8] {
        withUnsafeBytes(of: sequence.bigEndian) { [UInt8]($0) }
    }

    static func sequence(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// Writes an entry's chain hash into `out` (32 bytes), with `hasher` (which starts over
    /// after it): in format 2, SHA-256(previous ‖ sequence ‖ recorded time ‖ id length ‖ id ‖
    /// payload), the integers big-endian (8, 8 and 2 bytes); in format 1, SHA-256(previous ‖
    /// sequence ‖ payload). What comes before the id is fed in one piece.
    static func chainHash(format: Int, previous: UnsafeRawBufferPointer, sequence: UInt64, recordedAt: Int64,
                          id: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer,
                          into out: UnsafeMutableRawBufferPointer, with hasher: inout SHA256) {
        var prefix: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt16) =
            (0, 0, 0, 0, sequence.bigEndian, UInt64(bitPattern: recordedAt).bigEndian, UInt16(truncatingIfNeeded: id.count).bigEndian)
        withUnsafeMutableBytes(of: &prefix) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: previous.prefix(32))) }
        withUnsafeBytes(of: &prefix) { bytes in
            // The tuple's fields lie at offsets 0, 8 … 48: 50 bytes, then padding.
            hasher.update(UnsafeRawBufferPointer(rebasing: bytes[0..<(format >= 2 ? 50 : 40)]))
        }
        if format >= 2 { hasher.update(id) }
        hasher.update(payload)
        hasher.finalize(into: out)
    }

    /// Writes one entry's value into `out`, which must be `headerSize + id.count + payload.count` bytes.
    static func encode(into out: UnsafeMutableRawBufferPointer, recordedAt: Int64, hash: UnsafeRawBufferPointer,
                       id: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
        out.storeBytes(of: UInt64(bitPattern: recordedAt).bigEndian, toByteOffset: 0, as: UInt64.self)
        UnsafeMutableRawBufferPointer(rebasing: out[8..<40]).copyMemory(from: UnsafeRawBufferPointer(rebasing: hash.prefix(32)))
        out.storeBytes(of: UInt16(id.count).bigEndian, toByteOffset: 40, as: UInt16.self)
        let idEnd = headerSize + id.count
        UnsafeMutableRawBufferPointer(rebasing: out[headerSize..<idEnd]).copyMemory(from: id)
        UnsafeMutableRawBufferPointer(rebasing: out[idEnd...]).copyMemory(from: payload)
    }

    /// Splits a stored value into its parts without copying; `nil` when it is too short.
    static func decode(sequence: UInt64, _ value: UnsafeRawBufferPointer) -> EntryView? {
        guard value.count >= headerSize else { return nil }
        let recorded = value.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian
        let idLength = Int(value.loadUnaligned(fromByteOffset: 40, as: UInt16.self).bigEndian)
        guard value.count >= headerSize + idLength else { return nil }
        return EntryView(
            sequence: sequence,
            recordedAtMicroseconds: Int64(bitPattern: recorded),
            hash: UnsafeRawBufferPointer(rebasing: value[8..<40]),
            id: UnsafeRawBufferPointer(rebasing: value[headerSize..<(headerSize + idLength)]),
            payload: UnsafeRawBufferPointer(rebasing: value[(headerSize + idLength)...])
        )
    }
}

/// The chain hashes of a batch, on the guess that every record of it is appended: worked out
/// ahead by the caller (``ChainedRecords``), or on another thread while the caller indexes the
/// ids and then stores the entries, each as soon as its hash is known, when asked.
struct ChainHashing {
    private let records: [Record]
    private let start: Head
    private let format: Int
    private let recordedAt: Int64
    private let guess: Guess

    private enum Guess {
        case none
        case ahead([UInt8])
        case pending(Pending)
    }

    /// Where another thread leaves its digests, a chunk at a time, in order.
    private final class Pending: Sendable {
        /// Records per chunk: the caller stores a chunk's entries while the next is hashed.
        static let chunk = 64
        /// The chunks delivered, in order; one taken is left empty.
        private let chunks = Mutex<[[UInt8]]>([])
        /// Signalled once for each chunk delivered.
        private let ready = DispatchSemaphore(value: 0)
        /// Left when the worker is done.
        let done = DispatchGroup()

        func deliver(_ digests: [UInt8]) {
            chunks.withLock { $0.append(digests) }
            ready.signal()
        }

        /// Chunk `index`'s digests, once delivered. Chunks are taken in order, each once.
        func take(_ index: Int) -> [UInt8] {
            ready.wait()
            return chunks.withLock { chunks in
                var taken: [UInt8] = []
                swap(&taken, &chunks[index])
                return taken
            }
        }
    }

    init(_ records: [Record], after start: Head, format: Int, recordedAt: Int64, ahead: ChainedRecords?, concurrently: Bool) {
        self.records = records
        self.start = start
        self.format = format
        self.recordedAt = recordedAt
        if let ahead, ahead.start == start, ahead.records.count == records.count, ahead.format == format, ahead.recordedAt == recordedAt {
            guess = .ahead(ahead.digests)
        } else if concurrently {
            let pending = Pending()
            DispatchQueue.global(qos: .userInitiated).async(group: pending.done) {
                var hasher = SHA256()
                var head = start
                for first in stride(from: 0, to: records.count, by: Pending.chunk) {
                    let end = min(first + Pending.chunk, records.count)
                    let digests = [UInt8](unsafeUninitializedCapacity: (end - first) * SHA256.byteCount) { buffer, count in
                        Self.hash(records, first..<end, after: head, format: format, recordedAt: recordedAt,
                                  into: UnsafeMutableRawBufferPointer(buffer), with: &hasher)
                        count = (end - first) * SHA256.byteCount
                    }
                    head = Head(sequence: head.sequence + UInt64(end - first), hash: Array(digests.suffix(SHA256.byteCount)))
                    pending.deliver(digests)
                }
            }
            guess = .pending(pending)
        } else {
            guess = .none
        }
    }

    /// Lends `body` the chain hash (32 bytes) of each record at `appended` (indices into the
    /// batch, in order) as the sequences after `start`, with its place among them, in order and
    /// each as soon as it is known: the guessed ones when every record is appended.
    /// - Returns: the last hash, or `start`'s when `appended` is empty.
    func forEach(appending appended: [Int], _ body: (Int, UnsafeRawBufferPointer) throws -> Void) rethrows -> [UInt8] {
        let size = SHA256.byteCount
        let digests: [UInt8]
        switch guess {
        case .ahead(let ahead) where appended.count == records.count:
            digests = ahead
        case .pending(let pending) where appended.count == records.count && !appended.isEmpty:
            var chunk: [UInt8] = []
            for n in appended.indices {
                if n % Pending.chunk == 0 { chunk = pending.take(n / Pending.chunk) }
                let offset = (n % Pending.chunk) * size
                try chunk.withUnsafeBytes { try body(n, UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + size)])) }
            }
            pending.done.wait()
            return Array(chunk.suffix(size))
        case .pending(let pending):
            // Not every record is appended: the guess is of no use.
            pending.done.wait()
            fallthrough
        default:
            digests = Self.hash(records, appended, after: start, format: format, recordedAt: recordedAt)
        }
        try digests.withUnsafeBytes { digests in
            for n in appended.indices { try body(n, UnsafeRawBufferPointer(rebasing: digests[(n * size)..<((n + 1) * size)])) }
        }
        return appended.isEmpty ? start.hash : Array(digests.suffix(size))
    }

    /// The chain from `start` over the records at `indices`, 32 bytes per record, each
    /// recorded at `recordedAt`, in `format`.
    static func hash(_ records: [Record], _ indices: some Collection<Int>, after start: Head, format: Int, recordedAt: Int64) -> [UInt8] {
        var hasher = SHA256()
        return [UInt8](unsafeUninitializedCapacity: indices.count * SHA256.byteCount) { buffer, count in
            hash(records, indices, after: start, format: format, recordedAt: recordedAt, into: UnsafeMutableRawBufferPointer(buffer), with: &hasher)
            count = indices.count * SHA256.byteCount
        }
    }

    /// ``hash(_:_:after:format:recordedAt:)`` into `digests`, with `hasher`. Each digest is
    /// written in place, and the next is chained from it there.
    static func hash(_ records: [Record], _ indices: some Collection<Int>, after start: Head, format: Int, recordedAt: Int64,
                     into digests: UnsafeMutableRawBufferPointer, with hasher: inout SHA256) {
        let size = SHA256.byteCount
        for (n, i) in indices.enumerated() {
            let out = UnsafeMutableRawBufferPointer(rebasing: digests[(n * size)..<((n + 1) * size)])
            let sequence = start.sequence + UInt64(n) + 1
            EventLog.withUTF8(records[i].id) { id in
                records[i].payload.withUnsafeBytes { payload in
                    if n == 0 {
                        start.hash.withUnsafeBytes {
                            Layout.chainHash(format: format, previous: $0, sequence: sequence, recordedAt: recordedAt, id: id, payload: payload,
                                             into: out, with: &hasher)
                        }
                    } else {
                        let previous = UnsafeRawBufferPointer(rebasing: digests[((n - 1) * size)..<(n * size)])
                        Layout.chainHash(format: format, previous: previous, sequence: sequence, recordedAt: recordedAt, id: id, payload: payload,
                                         into: out, with: &hasher)
                    }
                }
            }
        }
    }
}
