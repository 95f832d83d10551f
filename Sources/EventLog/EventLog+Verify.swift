import Crypto
import LMDB

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

    private func verifyChain(_ txn: borrowing ReadTransaction, into report: inout VerificationReport) throws {
        var previous = Head.empty
        var broken: VerificationReport.Problem?
        try txn.withCursor(on: entries) { cursor in
            var move = Cursor.Move.first
            while broken == nil {
                let more = try cursor.move(move) { key, value -> Bool in
                    let expected = previous.sequence + 1
                    guard let sequence = Layout.sequence(key), sequence == expected else {
                        let found = Layout.sequence(key).map(String.init) ?? "a \(key.count)-byte key"
                        broken = .init(sequence: expected, message: "sequence \(expected) expected, found \(found): the log has a gap or a foreign key")
                        return false
                    }
                    guard let view = Layout.decode(sequence: sequence, value) else {
                        broken = .init(sequence: sequence, message: "entry \(sequence) is shorter than its header")
                        return false
                    }
                    let digest = Layout.chainHash(previous: previous.hash, sequence: sequence, payload: view.payload)
                    guard digest.withUnsafeBytes({ $0.elementsEqual(view.hash) }) else {
                        broken = .init(sequence: sequence, message: "entry \(sequence): stored hash \(hex(view.hash.prefix(8)))… does not match its content (computed \(hex(Array(digest).prefix(8)))…)")
                        return false
                    }
                    let indexed = try txn.withValue(forKey: view.id, in: ids) { Layout.sequence($0) }
                    guard indexed == sequence else {
                        let id = String(decoding: view.id, as: UTF8.self)
                        broken = .init(sequence: sequence, message: "entry \(sequence): its id '\(id)' is not indexed to it")
                        return false
                    }
                    previous = Head(sequence: sequence, hash: Array(digest))
                    report.entriesChecked += 1
                    // Keep the process small on a large log: drop the pages walked so far.
                    if sequence % 16_384 == 0 { environment.releaseMappedPages() }
                    return true
                }
                guard more == true else { break }
                move = .next
            }
        }
        report.head = previous
        if let broken {
            report.firstBadSequence = broken.sequence
            report.problems.append(broken)
            return
        }
        let stored = try readHead(txn)
        if stored != previous {
            report.firstBadSequence = previous.sequence
            report.problems.append(.init(sequence: previous.sequence, message: "the stored head (\(stored.sequence), \(stored.hashHex.prefix(16))…) is not the last entry (\(previous.sequence), \(previous.hashHex.prefix(16))…)"))
        }
        let indexCount = try txn.count(ids)
        if indexCount != Int(previous.sequence) {
            report.problems.append(.init(message: "the id index holds \(indexCount) ids for \(previous.sequence) entries"))
        }
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
