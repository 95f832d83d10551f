import Dispatch
import Foundation
import LMDB
import Synchronization

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

    /// The log's format (see ``EventLog/format``).
    public var format = Layout.formatVersion
    /// What an entry holds that this log's hash chain does not cover, so that a change to it
    /// goes unseen: the ids and recorded times of a format-1 log; nothing for format 2.
    public var notCoveredByTheChain: [String] { format >= 2 ? [] : ["entry ids", "recorded times"] }
}

extension EventLog {
    /// File-backed memory a verification may map over what the process maps when it starts,
    /// before it drops the pages it walked (see ``LMDB/MappedPageAllowance``): the process's
    /// peak stays near 100 MB however large the log and however the file cache holds it.
    static let verifyMappedAllowance = 64 << 20

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

    /// Walks the whole log in one snapshot: sequences must run 1, 2, 3… without gaps, each
    /// stored hash must equal SHA-256(previous hash ‖ sequence ‖ payload), each id must be
    /// indexed to its own sequence, the stored head must be the last entry, and each blob must
    /// hash to its key. Stops checking the chain at its first break.
    ///
    /// The work is shared between the machine's cores (see ``verify(collecting:_:)``); what it
    /// reports does not depend on how: the first break is always the lowest bad sequence.
    ///
    /// - Throws: when the log cannot be read: ``EventLogError/damaged(problems:)`` when the file's
    ///   structure is damaged (see ``checkWholeStructure()``), for LMDB cannot read such a file
    ///   safely. Damage to what the entries hold is reported, not thrown.
    public func verify() throws(EventLogError) -> VerificationReport {
        do {
            return try verify(collecting: nil) { _, _ in () }.report
        } catch {
            throw Self.wrap(error)
        }
    }

    /// ``verify()``, also handing `transform` every entry whose id starts with `idPrefix` on the
    /// way, so that a layer above can check what it keeps in those entries without reading the
    /// log a second time; with it, a view of the blobs of the snapshot being verified.
    ///
    /// The chain is checked in consecutive ranges of sequences, on as many threads as there are
    /// cores (at most four), each in its own read transaction of one snapshot: a range starts
    /// from the stored hash of the entry before it, which the range before checks. The blobs and
    /// the id index are checked alongside. `transform` is therefore called from several threads
    /// at once, and not in log order.
    ///
    /// - Returns: the report, and what `transform` returned for each matching entry in log
    ///   order, or `nil` when the chain broke (the entries after the break were not all seen).
    /// - Throws: when the log cannot be read (``EventLogError/damaged(problems:)`` when its
    ///   structure is damaged: nothing is read through LMDB then), or what `transform` threw for
    ///   the lowest entry.
    public func verify<T: Sendable>(
        collecting idPrefix: String?, _ transform: @Sendable (EntryView, borrowing StoredBlobs) throws -> T
    ) throws -> (report: VerificationReport, collected: [T]?) {
        try checkWholeStructure()
        let prefix = idPrefix.map { Array($0.utf8) }
        // Every page is read: have the kernel read the file ahead, unless it is so large that
        // it would not stay in the file cache until the walk reaches it.
        DispatchQueue.global(qos: .utility).async { [environment] in
            environment.readAheadDataFile(maximumBytes: Int(clamping: ProcessInfo.processInfo.physicalMemory / 4))
        }
        let work = VerificationWork()
        let allowance = environment.mappedPageAllowance(Self.verifyMappedAllowance)
        let threads = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let done = try environment.readConcurrently(threads) { _, txn -> [(Int, VerificationPart<T>)] in
            // Every thread plans the same tasks from the same snapshot, then takes them in turn.
            let plan = try VerificationPlan(entries: txn.count(entries))
            var parts: [(Int, VerificationPart<T>)] = []
            while let task = work.next(below: plan.tasks.count) {
                switch plan.tasks[task] {
                case .chain(let first, let last):
                    if work.isPast(first) {
                        parts.append((task, .skipped))
                        continue
                    }
                    let part = try walkChain(from: first, through: last, txn, prefix: prefix, transform: transform, work: work, allowance: allowance)
                    if let bad = part.firstBad { work.noteBreak(at: bad) }
                    parts.append((task, part.interrupted ? .skipped : .chain(part)))
                case .blobs(let low, let high):
                    parts.append((task, .blobs(try walkBlobs(from: low, below: high, txn, allowance: allowance))))
                case .ids:
                    parts.append((task, .ids(try walkIDs(txn, allowance: allowance))))
                }
            }
            return parts
        }
        var byTask: [Int: VerificationPart<T>] = [:]
        for (task, part) in done.joined() { byTask[task] = part }
        return try assemble((0..<byTask.count).map { byTask[$0] })
    }

    /// Puts the parts together in sequence order: the chain up to its first break, the stored
    /// head, the id index, then the blobs.
    private func assemble<T>(_ parts: [VerificationPart<T>?]) throws -> (report: VerificationReport, collected: [T]?) {
        var report = VerificationReport()
        report.format = format
        var collected: [T] = []
        var walked = Head.empty
        var entryPairs: UInt64 = 0
        var broken: VerificationReport.Problem?
        var ids: IDIndexPart?
        var blobProblems: [VerificationReport.Problem] = []
        var chainDone = false
        for part in parts {
            switch part {
            case .chain(let chain)?:
                guard !chainDone else { continue }
                if let failure = chain.failure { throw failure }
                report.entriesChecked += chain.checked
                entryPairs &+= chain.pairs
                collected += chain.collected
                if let last = chain.last { walked = last }
                if let problem = chain.broken {
                    broken = problem
                    chainDone = true
                } else if chain.ended {
                    chainDone = true
                }
            case .skipped?:
                // Only ranges past a break are skipped; reaching one means the walk was cut short.
                guard !chainDone else { continue }
                broken = .init(sequence: walked.sequence + 1, message: "entry \(walked.sequence + 1) was not checked")
                chainDone = true
            case .blobs(let part)?:
                report.blobsChecked += part.checked
                blobProblems += part.problems
            case .ids(let part)?:
                ids = part
            case nil:
                throw EventLogError.storage(LMDBError(code: -1, context: "verify: a part of the work did not run"))
            }
        }
        report.head = walked
        if let broken {
            report.firstBadSequence = broken.sequence
            report.problems.append(broken)
            report.problems += blobProblems
            return (report, nil)
        }
        guard let ids else { throw EventLogError.storage(LMDBError(code: -1, context: "verify: the id index was not walked")) }
        if ids.storedHead != walked {
            report.firstBadSequence = walked.sequence
            report.problems.append(.init(sequence: walked.sequence, message: "the stored head (\(ids.storedHead.sequence), \(ids.storedHead.hashHex.prefix(16))…) is not the last entry (\(walked.sequence), \(walked.hashHex.prefix(16))…)"))
        }
        if ids.pairs != entryPairs || ids.count != Int(walked.sequence) {
            if let first = try environment.read({ txn in try firstEntryNotIndexed(txn, through: walked.sequence) }) {
                report.firstBadSequence = first.sequence
                report.problems.append(first)
            }
            if ids.count != Int(walked.sequence) {
                report.problems.append(.init(message: "the id index holds \(ids.count) ids for \(walked.sequence) entries"))
            } else if report.problems.isEmpty {
                report.problems.append(.init(message: "the id index does not match the entries' ids"))
            }
        }
        report.problems += blobProblems
        return (report, collected)
    }

    /// Checks the entries `first…last` (to the end when `last` is `nil`), starting from the
    /// stored hash of the entry before `first`. The id index is checked with two sequential
    /// walks instead of a lookup per entry: the sum of a hash of every (id, sequence) pair must
    /// be the same over the entries and over the index; each range sums its own entries.
    private func walkChain<T>(from first: UInt64, through last: UInt64?, _ txn: borrowing ReadTransaction,
                              prefix: [UInt8]?, transform: (EntryView, borrowing StoredBlobs) throws -> T,
                              work: VerificationWork, allowance: MappedPageAllowance) throws -> ChainPart<T> {
        var part = ChainPart<T>()
        var previous = Head.empty.hash
        // Each entry's hash is worked out into `digest`, which then becomes `previous`: one
        // hasher and two buffers for the whole range.
        var digest = [UInt8](repeating: 0, count: SHA256.byteCount)
        var hasher = SHA256()
        var expected = first
        let handle = txn.handle.pointer
        try txn.withCursor(on: entries) { cursor in
            var move = Cursor.Move.first
            if first > 1 {
                // Where this range's chain starts: the range before checks that hash.
                let start = try cursor.move(.exactly(Layout.key(first - 1))) { _, value in
                    Layout.decode(sequence: first - 1, value).map { [UInt8]($0.hash) }
                }
                guard let start, let start else {
                    part.broken = .init(sequence: first - 1, message: "entry \(first - 1) cannot be read")
                    return
                }
                previous = start
                move = .next
            }
            while true {
                let more = try cursor.move(move) { key, value -> Bool in
                    guard let found = Layout.sequence(key), found == expected else {
                        let found = Layout.sequence(key).map(String.init) ?? "a \(key.count)-byte key"
                        part.broken = .init(sequence: expected, message: "sequence \(expected) expected, found \(found): the log has a gap or a foreign key")
                        return false
                    }
                    // The entry after the range is the next range's, once its key is right.
                    if let last, expected > last { return false }
                    guard let view = Layout.decode(sequence: expected, value) else {
                        part.broken = .init(sequence: expected, message: "entry \(expected) is shorter than its header")
                        return false
                    }
                    digest.withUnsafeMutableBytes { out in
                        previous.withUnsafeBytes {
                            Layout.chainHash(format: format, previous: $0, sequence: expected, recordedAt: view.recordedAtMicroseconds,
                                             id: view.id, payload: view.payload, into: out, with: &hasher)
                        }
                    }
                    let matches = digest.withUnsafeBytes { computed in
                        guard let a = computed.baseAddress, let b = view.hash.baseAddress, computed.count == view.hash.count else { return false }
                        return memcmp(a, b, computed.count) == 0
                    }
                    guard matches else {
                        part.broken = .init(sequence: expected, message: "entry \(expected): stored hash \(hex(view.hash.prefix(8)))… does not match its content (computed \(hex(Array(digest).prefix(8)))…)")
                        return false
                    }
                    if let prefix, view.id.starts(with: prefix) {
                        do {
                            let stored = StoredBlobs(txn: ReadTransaction(handle: handle), blobs: blobs)
                            part.collected.append(try transform(view, stored))
                        } catch {
                            part.failure = error
                            return false
                        }
                    }
                    swap(&previous, &digest)
                    part.pairs &+= Self.pairHash(view.id, expected)
                    part.checked += 1
                    return true
                }
                guard let more else {
                    part.ended = true
                    break
                }
                guard more else { break }
                expected += 1
                move = .next
                if part.checked % 256 == 0 {
                    // Keep the process small on a large log: drop the pages walked so far.
                    if part.checked % 1_024 == 0 { allowance.check() }
                    // A range past a break found elsewhere is not needed.
                    if work.isPast(first) {
                        part.interrupted = true
                        break
                    }
                }
            }
        }
        if part.checked > 0 { part.last = Head(sequence: first + part.checked - 1, hash: previous) }
        if part.failure != nil { part.firstBad = first + part.checked }
        if let broken = part.broken { part.firstBad = broken.sequence }
        return part
    }

    /// Sums the pair hashes of the id index, and reads the stored head.
    private func walkIDs(_ txn: borrowing ReadTransaction, allowance: MappedPageAllowance) throws -> IDIndexPart {
        var part = IDIndexPart(storedHead: try readHead(txn))
        try txn.withCursor(on: ids) { cursor in
            var move = Cursor.Move.first
            while try cursor.move(move, { key, value -> Bool in
                part.pairs &+= Self.pairHash(key, Layout.sequence(value) ?? 0)
                part.count += 1
                if part.count % 4_096 == 0 { allowance.check() }
                return true
            }) == true {
                move = .next
            }
        }
        return part
    }

    /// The slow path: looks every entry's id up, to name the first one the index does not map to it.
    private func firstEntryNotIndexed(_ txn: borrowing ReadTransaction, through end: UInt64) throws -> VerificationReport.Problem? {
        var problem: VerificationReport.Problem?
        try txn.withCursor(on: entries) { cursor in
            var move = Cursor.Move.first
            while problem == nil, try cursor.move(move, { key, value -> Bool in
                guard let sequence = Layout.sequence(key), sequence <= end, let view = Layout.decode(sequence: sequence, value) else { return false }
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

    /// Checks the blobs whose key starts with a byte in `low..<high`, in key order.
    private func walkBlobs(from low: Int, below high: Int, _ txn: borrowing ReadTransaction,
                           allowance: MappedPageAllowance) throws -> BlobPart {
        var part = BlobPart()
        try txn.withCursor(on: blobs) { cursor in
            var move = low == 0 ? Cursor.Move.first : .atOrAfter([UInt8(low)])
            while true {
                let found = try cursor.move(move) { key, value -> Bool in
                    if let byte = key.first, Int(byte) >= high { return false }
                    let digest = SHA256.hash(value)
                    if !digest.withUnsafeBytes({ $0.elementsEqual(key) }) {
                        part.problems.append(.init(blob: hex(key), message: "blob \(hex(key)) does not hash to its key (its content changed)"))
                    }
                    part.checked += 1
                    if part.checked % 64 == 0 { allowance.check() }
                    return true
                }
                guard found == true else { return }
                move = .next
            }
        }
        return part
    }
}

/// Whether blobs are stored, in the snapshot a verification reads; lent to the closure of
/// ``EventLog/verify(collecting:_:)`` with each entry, and valid only inside it.
public struct StoredBlobs: ~Copyable {
    let txn: ReadTransaction
    let blobs: Database

    /// Whether bytes are stored under this SHA-256.
    public func contains(sha256 digest: [UInt8]) throws -> Bool {
        try txn.withValue(forKey: digest, in: blobs) { _ in true } ?? false
    }
}

/// The tasks one verification is split into: ranges of the chain, lowest first (so that a
/// break found early spares the ranges after it), ranges of blob keys, and the id index.
struct VerificationPlan {
    enum Task {
        /// The entries `first…last`; to the end of the log when `last` is `nil`.
        case chain(first: UInt64, last: UInt64?)
        /// The blobs whose key starts with a byte in `low..<high`.
        case blobs(low: Int, high: Int)
        case ids
    }

    static let chainRanges: UInt64 = 8
    static let blobRanges = 8

    let tasks: [Task]

    /// `entries` is the number of keys in the entries database.
    init(entries: Int) {
        let count = UInt64(max(entries, 0))
        let ranges = max(1, min(count, Self.chainRanges))
        var tasks: [Task] = (0..<ranges).map { i in
            let first = 1 + i * count / ranges
            return .chain(first: first, last: i == ranges - 1 ? nil : (i + 1) * count / ranges)
        }
        let step = 256 / Self.blobRanges
        tasks += stride(from: 0, to: 256, by: step).map { .blobs(low: $0, high: $0 + step >= 256 ? Int.max : $0 + step) }
        tasks.append(.ids)
        self.tasks = tasks
    }
}

/// What the threads of one verification share: the next task to take, and the lowest
/// sequence found bad so far. Each is one atomic word, and neither orders any other memory:
/// what a thread found reaches the caller with what it returned, not through these.
final class VerificationWork: Sendable {
    private let taken = Atomic(0)
    private let lowestBad = Atomic(UInt64.max)

    /// The next task's index, or `nil` when all are taken.
    func next(below count: Int) -> Int? {
        let task = taken.wrappingAdd(1, ordering: .relaxed).oldValue
        return task < count ? task : nil
    }

    func noteBreak(at sequence: UInt64) {
        lowestBad.min(sequence, ordering: .relaxed)
    }

    /// Whether a range starting at `first` lies wholly past a break already found.
    func isPast(_ first: UInt64) -> Bool {
        first > lowestBad.load(ordering: .relaxed)
    }
}

enum VerificationPart<T> {
    case chain(ChainPart<T>)
    /// A range of the chain not walked, because it lies past a break.
    case skipped
    case blobs(BlobPart)
    case ids(IDIndexPart)
}

extension VerificationPart: Sendable where T: Sendable {}

struct ChainPart<T> {
    /// Entries checked, from the range's first.
    var checked: UInt64 = 0
    /// The last entry checked and its hash.
    var last: Head?
    /// The sum of the checked entries' (id, sequence) pair hashes.
    var pairs: UInt64 = 0
    /// Where the chain breaks in this range (or right after it), if it does.
    var broken: VerificationReport.Problem?
    /// The log ended in this range, or right after it.
    var ended = false
    /// What `transform` returned for the range's matching entries, in log order.
    var collected: [T] = []
    /// What `transform` threw, for the entry after the last checked.
    var failure: (any Error)?
    /// The lowest sequence at fault, if any.
    var firstBad: UInt64?
    /// The walk stopped because a break was found in a range before this one.
    var interrupted = false
}

extension ChainPart: Sendable where T: Sendable {}

struct BlobPart: Sendable {
    var checked = 0
    var problems: [VerificationReport.Problem] = []
}

struct IDIndexPart: Sendable {
    var storedHead: Head
    var pairs: UInt64 = 0
    var count = 0
}
