import Crypto
import LMDB

#if canImport(Glibc)
import Glibc
#endif

/// What ``EventLog/verify()`` found.
public struct VerificationReport: Sendable, Hashable {
    /// One thing found wrong.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The entry it concerns, when it concerns one.
        public var sequence: UInt64?
        /// The SHA-256 (hex) of the blob it concerns, when it concerns one.
        public var blob: String?
        public var message: String
        public var description: String { message }

        public init(sequence: UInt64? = nil, blob: String? = nil, message: String) {
            self.sequence = sequence
            self.blob = blob
            self.message = message
        }
    }

    /// Entries whose chain link was checked, up to the first break.
    public var entriesChecked: UInt64 = 0
    /// Blobs whose content hash was checked.
    public var blobsChecked = 0
    /// The head as recomputed from the entries (up to the first break).
    public var head = Head.empty
    /// The first entry that breaks the chain, if any.
    public var firstBadSequence: UInt64?
    /// Everything found wrong, the chain's first break first.
    public var problems: [Problem] = []

    /// True when nothing was found wrong.
    public var isIntact: Bool { problems.isEmpty }
}

extension EventLog {
    /// Where a head someone saw stands in this log: the sequence whose entry carries `hash`
    /// (lowercase hex, or a prefix of at least 16 digits), or `nil` when no entry does — the log
    /// was rolled back past it, or is another log.
    public func sequence(ofHash hash: String) throws(EventLogError) -> UInt64? {
        let wanted = hash.lowercased()
        guard wanted.count >= 16 else { return nil }
        var found: UInt64?
        do {
            try forEachEntry { view in
                if hex(view.hash).hasPrefix(wanted) {
                    found = view.sequence
                    return false
                }
                return true
            }
        } catch {
            throw Self.wrap(error)
        }
        return found
    }

    /// Walks the whole log in one read transaction: sequences must run 1, 2, 3… without gaps,
    /// each stored hash must equal SHA-256(previous hash ‖ sequence ‖ payload), each id must be
    /// indexed to its own sequence, the stored head must be the last entry, and each blob must
    /// hash to its key. Stops checking the chain at its first break.
    ///
    /// - Throws: only when the log cannot be read; damage is reported, not thrown.
    public func verify() throws(EventLogError) -> VerificationReport {
        do {
            return try environment.read { txn in
                var report = VerificationReport()
                try verifyChain(txn, into: &report)
                try verifyBlobs(txn, into: &report)
                return report
            }
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Walks the entries in order, checking sequences and hashes. The id index is checked with
    /// two sequential walks instead of a lookup per entry: the sum of a hash of every (id,
    /// sequence) pair must be the same over the entries and over the index. Only when it is
    /// not are the ids looked up one by one, to name the first entry at fault.
    private func verifyChain(_ txn: borrowing ReadTransaction, into report: inout VerificationReport) throws {
        var sequence: UInt64 = 0
        var previous = Head.empty.hash
        var broken: VerificationReport.Problem?
        var entryPairs: UInt64 = 0
        try txn.withCursor(on: entries) { cursor in
            var move = Cursor.Move.first
            while broken == nil {
                let more = try cursor.move(move) { key, value -> Bool in
                    let expected = sequence + 1
                    guard let found = Layout.sequence(key), found == expected else {
                        let found = Layout.sequence(key).map(String.init) ?? "a \(key.count)-byte key"
                        broken = .init(sequence: expected, message: "sequence \(expected) expected, found \(found): the log has a gap or a foreign key")
                        return false
                    }
                    guard let view = Layout.decode(sequence: expected, value) else {
                        broken = .init(sequence: expected, message: "entry \(expected) is shorter than its header")
                        return false
                    }
                    let digest = Layout.chainHash(previous: previous, sequence: expected, payload: view.payload)
                    let matches = digest.withUnsafeBytes { computed in
                        guard let a = computed.baseAddress, let b = view.hash.baseAddress, computed.count == view.hash.count else { return false }
                        return memcmp(a, b, computed.count) == 0
                    }
                    guard matches else {
                        broken = .init(sequence: expected, message: "entry \(expected): stored hash \(hex(view.hash.prefix(8)))… does not match its content (computed \(hex(Array(digest).prefix(8)))…)")
                        return false
                    }
                    digest.withUnsafeBytes { bytes in previous.withUnsafeMutableBytes { $0.copyMemory(from: bytes) } }
                    entryPairs &+= Self.pairHash(view.id, expected)
                    sequence = expected
                    report.entriesChecked += 1
                    // Keep the process small on a large log: drop the pages walked so far.
                    if expected % 16_384 == 0 { environment.releaseMappedPages() }
                    return true
                }
                guard more == true else { break }
                move = .next
            }
        }
        let walked = Head(sequence: sequence, hash: previous)
        report.head = walked
        if let broken {
            report.firstBadSequence = broken.sequence
            report.problems.append(broken)
            return
        }
        let stored = try readHead(txn)
        if stored != walked {
            report.firstBadSequence = walked.sequence
            report.problems.append(.init(sequence: walked.sequence, message: "the stored head (\(stored.sequence), \(stored.hashHex.prefix(16))…) is not the last entry (\(walked.sequence), \(walked.hashHex.prefix(16))…)"))
        }
        var indexPairs: UInt64 = 0
        var indexCount = 0
        try txn.withCursor(on: ids) { cursor in
            var move = Cursor.Move.first
            while try cursor.move(move, { key, value -> Bool in
                indexPairs &+= Self.pairHash(key, Layout.sequence(value) ?? 0)
                indexCount += 1
                if indexCount % 65_536 == 0 { environment.releaseMappedPages() }
                return true
            }) == true {
                move = .next
            }
        }
        guard indexPairs != entryPairs || indexCount != Int(walked.sequence) else { return }
        if let first = try firstEntryNotIndexed(txn) {
            report.firstBadSequence = first.sequence
            report.problems.append(first)
        }
        if indexCount != Int(walked.sequence) {
            report.problems.append(.init(message: "the id index holds \(indexCount) ids for \(walked.sequence) entries"))
        } else if report.problems.isEmpty {
            report.problems.append(.init(message: "the id index does not match the entries' ids"))
        }
    }

    /// The slow path: looks every entry's id up, to name the first one the index does not map to it.
    private func firstEntryNotIndexed(_ txn: borrowing ReadTransaction) throws -> VerificationReport.Problem? {
        var problem: VerificationReport.Problem?
        try txn.withCursor(on: entries) { cursor in
            var move = Cursor.Move.first
            while problem == nil, try cursor.move(move, { key, value -> Bool in
                guard let sequence = Layout.sequence(key), let view = Layout.decode(sequence: sequence, value) else { return false }
                let indexed = try txn.withValue(forKey: view.id, in: ids) { Layout.sequence($0) }
                if indexed != sequence {
                    let id = String(decoding: view.id, as: UTF8.self)
                    problem = .init(sequence: sequence, message: "entry \(sequence): its id '\(id)' is not indexed to it")
                }
                return true
            }) == true {
                move = .next
            }
        }
        return problem
    }

    /// A 64-bit FNV-1a hash of an id and a sequence, mixed: what the index check sums.
    static func pairHash(_ id: UnsafeRawBufferPointer, _ sequence: UInt64) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        h ^= sequence &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 29)
    }

    private func verifyBlobs(_ txn: borrowing ReadTransaction, into report: inout VerificationReport) throws {
        try txn.withCursor(on: blobs) { cursor in
            var move = Cursor.Move.first
            while true {
                let found = try cursor.move(move) { key, value -> Bool in
                    let digest = SHA256.hash(data: value)
                    if !digest.withUnsafeBytes({ $0.elementsEqual(key) }) {
                        report.problems.append(.init(blob: hex(key), message: "blob \(hex(key)) does not hash to its key (its content changed)"))
                    }
                    report.blobsChecked += 1
                    if report.blobsChecked % 1_024 == 0 { environment.releaseMappedPages() }
                    return true
                }
                guard found == true else { return }
                move = .next
            }
        }
    }
}
