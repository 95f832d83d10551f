import Foundation
import LMDB
import Synchronization

/// An append-only, hash-chained log of opaque payloads in an LMDB environment.
///
/// Every entry gets the next sequence (1, 2, 3… with no gaps), the time it was recorded, and
/// SHA-256(previous hash ‖ sequence ‖ payload). Appending is idempotent by id and atomic per
/// batch. There is no way to update or delete an entry.
///
/// Open a directory once per process and share the instance (see ``LMDB/Environment``).
public final class EventLog: Sendable {
    /// The longest id, in UTF-8 bytes (LMDB keys are at most 511 bytes).
    public static let maximumIDLength = 400

    /// How to open a log.
    public struct Options: Sendable {
        /// Open for reading only: nothing is created or written.
        public var readOnly = false
        /// The initial map size; the map grows as the log does.
        public var initialMapSize = 64 << 20
        /// Skip the second fsync per commit (`MDB_NOMETASYNC`): faster, and a system crash
        /// (not a process crash) may then undo the last commit.
        public var relaxedDurability = false
        /// Derived indexes the layer above keeps beside the log (see ``IndexWriter``).
        public var indexes: [String] = []
        /// The format a new log is written in: the current one, or 1 to make an old log in tests.
        var newLogFormat = Layout.formatVersion
        /// Where new entries' recorded times come from, in µs since the epoch: the system's
        /// clock unless set. Two logs of the same records appended at the same times are the
        /// same bytes, which is how tests compare two ways of writing one log.
        public var clock: @Sendable () -> Int64 = EventLog.systemClock
        /// How much of the file's structure is checked at open (see ``checkCounts()`` for what
        /// the log itself checks). ``verify()`` checks it all, whatever this says.
        public var structureCheck: StructureCheckDepth = EventLog.openingStructureCheck
        /// A log whose data file is no larger than this is checked whole at every open.
        public var fullCheckUpToBytes: UInt64 = EventLog.openingFullCheckUpToBytes
        /// Whether the open holds the entry and id counts to the head (see ``checkCounts()``).
        /// A verification opens without: its walk names the first entry at fault instead.
        public var checksCounts = true

        public init(readOnly: Bool = false, indexes: [String] = []) {
            self.readOnly = readOnly
            self.indexes = indexes
        }
    }

    /// The directory holding the log.
    public let path: String
    /// The LMDB environment under the log.
    public let environment: Environment
    let entries: Database
    let ids: Database
    let blobs: Database
    let meta: Database
    /// The derived indexes, by name.
    let indexes: [String: Database]
    /// The log's format (see ``Layout``): 2, or 1 for a log begun by an older build, whose
    /// entries' ids and recorded times are outside the hash chain.
    public let format: Int
    /// The clock new entries are recorded by (see ``Options/clock``).
    public let clock: @Sendable () -> Int64
    /// The log's one page-residency policy (``PageResidency``).
    let residency: PageResidency

    /// Batches of this many records or more have their chain hashed on a second thread.
    static let concurrentChainThreshold = 64

    /// `body` with the UTF-8 bytes of `text`, copied only if the string is not stored as UTF-8.
    static func withUTF8<R>(_ text: String, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let result = try text.utf8.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) { return result }
        return try Array(text.utf8).withUnsafeBytes(body)
    }

    /// Opens the log in `directory`, creating the directory and an empty log unless read-only.
    ///
    /// - Throws: ``EventLogError/noLog(path:)`` when reading a directory with no data file,
    ///   ``EventLogError/noLogYet(path:)`` when reading one whose data file holds no log yet,
    ///   ``EventLogError/damaged(problems:)`` when the files are damaged (see ``checkCounts()``),
    ///   ``EventLogError/unsupportedFormat(path:found:supported:)`` for a log of another format,
    ///   ``EventLogError/directory(path:reason:)`` or ``EventLogError/storage(_:)`` otherwise.
    public init(directory: String, options: Options = .init()) throws(EventLogError) {
        path = directory
        clock = options.clock
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
        if exists, !isDirectory.boolValue {
            throw .directory(path: directory, reason: "it is a file, not a directory")
        }
        if !exists {
            if options.readOnly { throw .noLog(path: directory) }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                let reason = (error as? CocoaError)?.code == .fileWriteNoPermission ? "permission denied" : error.localizedDescription
                throw .directory(path: directory, reason: "cannot create it (\(reason))")
            }
        }
        if options.readOnly, !FileManager.default.fileExists(atPath: directory + "/data.mdb") {
            throw .noLog(path: directory)
        }

        var configuration = Environment.Configuration()
        configuration.readOnly = options.readOnly
        configuration.mapSize = options.initialMapSize
        if options.relaxedDurability { configuration.flags.insert(.noMetaSync) }
        var names: [String: DatabaseFlags] = ["entries": [], "ids": [], "blobs": [], "meta": []]
        for index in options.indexes { names[Self.indexPrefix + index] = [] }
        configuration.maximumDatabases = UInt32(names.count + 4)
        configuration.structureCheck = options.structureCheck
        configuration.fullCheckUpToBytes = options.fullCheckUpToBytes
        // A log's own databases are made together, with the log: never one alone into a file
        // that holds others (an index may be added to a log at any time).
        configuration.createdOnlyInANewEnvironment = ["entries", "ids", "blobs", "meta"]
        var opened: Environment?
        do {
            let environment = try Environment(path: directory, databases: names, configuration: configuration)
            opened = environment
            self.environment = environment
            residency = PageResidency(environment)
            entries = try environment.database("entries")
            ids = try environment.database("ids")
            blobs = try environment.database("blobs")
            meta = try environment.database("meta")
            var indexes: [String: Database] = [:]
            // Read-only, an index the log was written without is simply absent.
            for index in options.indexes { indexes[index] = try? environment.database(Self.indexPrefix + index) }
            self.indexes = indexes
        } catch LMDBError.notFound {
            throw Self.missingDatabases(in: directory, stored: opened?.openingCheck.databases ?? [], wanted: names.keys.sorted())
        } catch let error where error.code == EACCES {
            throw .directory(path: directory, reason: options.readOnly
                ? "permission denied: even reading needs write access to its lock.mdb, where readers register (copy the folder to read the copy)"
                : "permission denied: cannot write to the log; nothing was appended")
        } catch let error where error.code == EROFS {
            throw .directory(path: directory, reason: "the file system is read-only: cannot write to the log; nothing was appended")
        } catch {
            throw EventLogError(error)
        }
        format = try Self.checkFormat(environment, meta: meta, entries: entries, path: directory, readOnly: options.readOnly,
                                      newLogFormat: options.newLogFormat)
        if options.checksCounts { try checkCounts() }
    }

    /// The log's format, written first into a new log.
    private static func checkFormat(_ environment: Environment, meta: Database, entries: Database, path: String, readOnly: Bool,
                                    newLogFormat: Int) throws(EventLogError) -> Int {
        let found: [UInt8]?
        let isEmpty: Bool
        do {
            (found, isEmpty) = try environment.read { txn in
                (try txn.get(Layout.formatKey, in: meta), try txn.count(entries) == 0)
            }
        } catch {
            throw Self.wrap(error)
        }
        let supported = Layout.formatVersion
        func parse(_ bytes: [UInt8]) throws(EventLogError) -> Int {
            guard let format = Int(String(decoding: bytes, as: UTF8.self)), Layout.readableFormats.contains(format),
                  bytes == Array(String(format).utf8) else {
                throw .unsupportedFormat(path: path, found: String(decoding: bytes.prefix(40), as: UTF8.self), supported: supported)
            }
            return format
        }
        if let found { return try parse(found) }
        guard isEmpty else { throw .unsupportedFormat(path: path, found: "(none)", supported: supported) }
        if readOnly { throw .noLogYet(path: path) }
        let written: [UInt8]
        do {
            written = try environment.write { txn in
                // Another process may have written it since we looked.
                if let other = try txn.get(Layout.formatKey, in: meta) { return other }
                let format = Array(String(newLogFormat).utf8)
                try txn.put(format, forKey: Layout.formatKey, in: meta)
                return format
            }
        } catch {
            throw Self.wrap(error)
        }
        return try parse(written)
    }

    static func wrap(_ error: any Error) -> EventLogError {
        switch error {
        case let error as EventLogError: error
        case let error as LMDBError: EventLogError(error)
        default: .storage(LMDBError(code: -1, context: String(describing: error)))
        }
    }

    // MARK: Reading

    /// The last sequence and its hash, read from one stored record.
    public func head() throws(EventLogError) -> Head {
        do {
            return try environment.read { txn in try readHead(txn) }
        } catch {
            throw Self.wrap(error)
        }
    }

    func readHead(_ txn: borrowing some ReadableTransaction & ~Copyable) throws -> Head {
        try txn.withValue(forKey: Layout.headKey, in: meta) { bytes -> Head in
            guard bytes.count == 40, let sequence = Layout.sequence(UnsafeRawBufferPointer(rebasing: bytes[0..<8])) else {
                throw EventLogError.damagedEntry(sequence: 0, reason: "the stored head is \(bytes.count) bytes, expected 40")
            }
            return Head(sequence: sequence, hash: [UInt8](bytes[8..<40]))
        } ?? .empty
    }

    /// The entry at `sequence`, copied, or `nil` when there is none.
    public func entry(at sequence: UInt64) throws(EventLogError) -> Entry? {
        do {
            return try environment.read { txn in
                try txn.withValue(forKey: Layout.key(sequence), in: entries) { value in
                    guard let view = Layout.decode(sequence: sequence, value) else {
                        throw EventLogError.damagedEntry(sequence: sequence, reason: "value of \(value.count) bytes is shorter than its header")
                    }
                    return view.copy()
                }
            }
        } catch {
            throw Self.wrap(error)
        }
    }

    /// The sequence recorded for `id`, or `nil`.
    public func sequence(of id: String) throws(EventLogError) -> UInt64? {
        do {
            return try environment.read { txn in
                try txn.withValue(forKey: Array(id.utf8), in: ids) { Layout.sequence($0) }
            } ?? nil
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Lends each entry from `start` through `end` (inclusive), in order, to `body`, one at a
    /// time in one read transaction, without loading the log into memory (the pages read are
    /// dropped from the process as it goes). Return `false` from `body` to stop early.
    ///
    /// The entry's buffers are valid only inside `body`; call ``EntryView/copy()`` to keep one.
    public func forEachEntry(from start: UInt64 = 1, through end: UInt64 = .max,
                             _ body: (EntryView) throws -> Bool) throws {
        try environment.read { txn in
            try txn.withCursor(on: entries) { cursor in
                var move = Cursor.Move.atOrAfter(Layout.key(start))
                var lent = 0
                while true {
                    lent += 1
                    if lent % 64 == 0 { residency.lent(64) }
                    let goOn = try cursor.move(move) { key, value -> Bool in
                        guard let sequence = Layout.sequence(key) else {
                            throw EventLogError.damagedEntry(sequence: 0, reason: "a key of \(key.count) bytes, expected 8")
                        }
                        guard sequence <= end else { return false }
                        guard let view = Layout.decode(sequence: sequence, value) else {
                            throw EventLogError.damagedEntry(sequence: sequence, reason: "value of \(value.count) bytes is shorter than its header")
                        }
                        return try body(view)
                    }
                    guard goOn == true else { return }
                    move = .next
                }
            }
        }
    }

    /// Lends the entries at `sequences`, in the order given, one at a time in one read
    /// transaction; a sequence with no entry is skipped. The pages read are dropped from the
    /// process as it goes, so that scattered reads over a large log stay small in memory.
    ///
    /// The entry's buffers are valid only inside `body`.
    public func forEachEntry(at sequences: some Sequence<UInt64>, _ body: (EntryView) throws -> Void) throws {
        try environment.read { txn in
            for sequence in sequences {
                try txn.withValue(forKey: Layout.key(sequence), in: entries) { value in
                    guard let view = Layout.decode(sequence: sequence, value) else {
                        throw EventLogError.damagedEntry(sequence: sequence, reason: "value of \(value.count) bytes is shorter than its header")
                    }
                    try body(view)
                }
                residency.lent(PageResidency.scatteredRead)
            }
        }
    }

    /// Copies of the entries from `start` through `end`.
    public func entries(from start: UInt64, through end: UInt64) throws -> [Entry] {
        var result: [Entry] = []
        try forEachEntry(from: start, through: end) { view in
            result.append(view.copy())
            return true
        }
        return result
    }

    /// The sequence recorded for each of `ids` (`nil` for one not in the log), looked up in one
    /// read transaction.
    public func sequences(of ids: [String]) throws(EventLogError) -> [UInt64?] {
        do {
            return try environment.read { txn in
                var found: [UInt64?] = []
                found.reserveCapacity(ids.count)
                for id in ids {
                    found.append(try txn.withValue(forKey: Array(id.utf8), in: self.ids) { Layout.sequence($0) } ?? nil)
                    residency.lent(PageResidency.scatteredRead)
                }
                return found
            }
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Lends each entry whose id starts with `prefix`, in id order: a scan of the id index,
    /// not of the log.
    public func forEachEntry(withIDPrefix prefix: String, _ body: (EntryView) throws -> Void) throws {
        let prefixBytes = Array(prefix.utf8)
        var sequences: [UInt64] = []
        try environment.read { txn in
            try txn.withCursor(on: ids) { cursor in
                var move = prefixBytes.isEmpty ? Cursor.Move.first : .atOrAfter(prefixBytes)
                while try cursor.move(move, { key, value -> Bool in
                    guard key.starts(with: prefixBytes), let sequence = Layout.sequence(value) else { return false }
                    sequences.append(sequence)
                    return true
                }) == true {
                    move = .next
                }
            }
            for sequence in sequences {
                try txn.withValue(forKey: Layout.key(sequence), in: entries) { value in
                    guard let view = Layout.decode(sequence: sequence, value) else {
                        throw EventLogError.damagedEntry(sequence: sequence, reason: "value of \(value.count) bytes is shorter than its header")
                    }
                    try body(view)
                }
            }
        }
    }

    /// Whether bytes are stored under this SHA-256 (without reading them).
    public func hasBlob(sha256 digest: [UInt8]) throws(EventLogError) -> Bool {
        do {
            return try environment.read { txn in try txn.withValue(forKey: digest, in: blobs) { _ in true } } ?? false
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Whether bytes are stored under each of these SHA-256s, in one read transaction.
    public func hasBlobs(sha256 digests: [[UInt8]]) throws(EventLogError) -> [Bool] {
        do {
            return try environment.read { txn in
                try digests.map { try txn.withValue(forKey: $0, in: blobs) { _ in true } ?? false }
            }
        } catch {
            throw Self.wrap(error)
        }
    }

    /// The bytes stored under their SHA-256, or `nil`.
    public func blob(sha256 digest: [UInt8]) throws(EventLogError) -> [UInt8]? {
        do {
            return try environment.read { txn in try txn.get(digest, in: blobs) }
        } catch {
            throw Self.wrap(error)
        }
    }

    // MARK: Appending

    /// Appends `records` as one batch, whole or not at all, and stores `blobs` by their SHA-256
    /// in the same transaction.
    ///
    /// A record whose id is already in the log with the same bytes is not appended again: its
    /// outcome is ``AppendOutcome/existing(_:)``.
    ///
    /// - Parameter expectedLastSequence: when given, the append happens only if the log still
    ///   ends there (optimistic concurrency).
    /// - Throws: ``EventLogError/conflict(expected:actual:)``,
    ///   ``EventLogError/idReusedWithOtherContent(id:existing:offered:)``,
    ///   ``EventLogError/invalidID(_:)``, ``EventLogError/storage(_:)``. Nothing is written then.
    @discardableResult
    public func append(_ records: [Record], blobs newBlobs: [[UInt8]] = [],
                       expectedLastSequence: UInt64? = nil,
                       indexing: ((inout IndexWriter, AppendReceipt) throws -> Void)? = nil) throws -> AppendReceipt {
        try append(records, blobs: newBlobs.map(Blob.init), expectedLastSequence: expectedLastSequence, indexing: indexing)
    }

    /// Appends `records` as one batch and stores `blobs`, already hashed (on another thread,
    /// say), in the same transaction. See ``append(_:blobs:expectedLastSequence:indexing:)-([Record],[[UInt8]],_,_)``.
    @discardableResult
    public func append(_ records: [Record], blobs newBlobs: [Blob],
                       expectedLastSequence: UInt64? = nil,
                       indexing: ((inout IndexWriter, AppendReceipt) throws -> Void)? = nil) throws -> AppendReceipt {
        try append(records, chained: nil, blobs: newBlobs, expectedLastSequence: expectedLastSequence, indexing: indexing)
    }

    /// Appends records whose chain hashes were worked out ahead (see ``ChainedRecords``): used
    /// when the log still ends where they were worked out from and every record is new; worked
    /// out again otherwise. Otherwise as ``append(_:blobs:expectedLastSequence:indexing:)-([Record],[Blob],_,_)``.
    @discardableResult
    public func append(_ chained: ChainedRecords, blobs newBlobs: [Blob],
                       expectedLastSequence: UInt64? = nil,
                       indexing: ((inout IndexWriter, AppendReceipt) throws -> Void)? = nil) throws -> AppendReceipt {
        try append(chained.records, chained: chained, blobs: newBlobs, expectedLastSequence: expectedLastSequence, indexing: indexing)
    }

    private func append(_ records: [Record], chained: ChainedRecords?, blobs newBlobs: [Blob],
                        expectedLastSequence: UInt64?,
                        indexing: ((inout IndexWriter, AppendReceipt) throws -> Void)?) throws -> AppendReceipt {
        for record in records {
            let length = record.id.utf8.count
            guard length > 0, length <= Self.maximumIDLength else { throw EventLogError.invalidID(record.id) }
        }
        // Records hashed ahead carry the time they were hashed with (their batch was formed).
        let recordedAt = chained?.recordedAt ?? clock()
        do {
            let receipt = try environment.write { txn in
                let start = try readHead(txn)
                if let expected = expectedLastSequence, expected != start.sequence {
                    throw EventLogError.conflict(expected: expected, actual: start.sequence)
                }
                try checkBeforeAppending(txn, after: start)
                // The chain is guessed on the assumption that every record is new: worked out
                // ahead by the caller, or hashed on another core while the ids are indexed here.
                // A record already there makes the guess wrong, and the chain is worked out below.
                let chain = ChainHashing(records, after: start, format: format, recordedAt: recordedAt, ahead: chained,
                                         concurrently: records.count >= Self.concurrentChainThreshold)
                var sequence = start.sequence
                var outcomes: [AppendOutcome] = []
                outcomes.reserveCapacity(records.count)
                // The records that are appended, by sequence - start - 1.
                var fresh: [Int] = []
                fresh.reserveCapacity(records.count)
                for (i, record) in records.enumerated() {
                    let next = sequence + 1
                    var key = next.bigEndian
                    // The id is indexed first: if it is already there, nothing of this record is written.
                    let existing = try withUnsafeBytes(of: &key) { keyBytes in
                        try Self.withUTF8(record.id) { id in
                            try txn.insert(keyBytes, forKey: id, in: ids) { Layout.sequence($0) }
                        }
                    }
                    guard let existing else {
                        sequence = next
                        fresh.append(i)
                        outcomes.append(.appended(next))
                        continue
                    }
                    guard let existing else {
                        throw EventLogError.damagedEntry(sequence: 0, reason: "the index entry of id '\(record.id)' is not 8 bytes")
                    }
                    let same: Bool?
                    if existing > start.sequence {
                        // Offered twice in this batch: its entry is not written yet.
                        same = records[fresh[Int(existing - start.sequence - 1)]].payload == record.payload
                    } else {
                        same = try txn.withValue(forKey: Layout.key(existing), in: entries) { value in
                            Layout.decode(sequence: existing, value).map { $0.payload.elementsEqual(record.payload) }
                        } ?? nil
                    }
                    guard same == true else {
                        throw EventLogError.idReusedWithOtherContent(id: record.id, existing: existing, offered: next)
                    }
                    outcomes.append(.existing(existing))
                }
                // Each entry is stored as soon as its hash is known (while the next are hashed).
                let last = try chain.forEach(appending: fresh) { n, hash in
                    let record = records[fresh[n]]
                    var key = (start.sequence + UInt64(n) + 1).bigEndian
                    let size = Layout.headerSize + record.id.utf8.count + record.payload.count
                    try withUnsafeBytes(of: &key) { keyBytes in
                        try txn.put(reserving: size, forKey: keyBytes, in: entries, flags: .append) { out in
                            Self.withUTF8(record.id) { idBytes in
                                record.payload.withUnsafeBytes { payloadBytes in
                                    Layout.encode(into: out, recordedAt: recordedAt, hash: hash, id: idBytes, payload: payloadBytes)
                                }
                            }
                        }
                    }
                }
                let head = Head(sequence: sequence, hash: last)
                for blob in newBlobs {
                    if try txn.withValue(forKey: blob.sha256, in: blobs, { _ in true }) == nil {
                        try txn.put(blob.bytes, forKey: blob.sha256, in: blobs)
                    }
                }
                if head.sequence != start.sequence {
                    try txn.put(Layout.key(head.sequence) + head.hash, forKey: Layout.headKey, in: meta)
                }
                let receipt = AppendReceipt(outcomes: outcomes, head: head)
                if let indexing {
                    var writer = IndexWriter(txn: WriteTransaction(handle: txn.handle.pointer, state: txn.state), log: self)
                    try indexing(&writer, receipt)
                }
                return receipt
            }
            residency.lent(receipt.appendedCount * PageResidency.appendedEntry)
            return receipt
        } catch let error as EventLogError {
            throw error
        } catch let error as LMDBError {
            throw EventLogError(error)
        }
    }

    /// What an append checks of the log it extends, in a few lookups: a log that fails is not
    /// extended, since a new entry would be chained to a head that is not the log's, or an id
    /// whose index key is gone would be appended a second time.
    ///
    /// The entries run 1…head (as many as the head's sequence), each has its id indexed (as
    /// many ids as entries), and the last entry is the stored head, sequence and hash.
    private func checkBeforeAppending(_ txn: borrowing WriteTransaction, after head: Head) throws {
        if let problem = countProblem(entries: try txn.count(entries), ids: try txn.count(ids), head: head) {
            throw EventLogError.damaged(problems: [problem, "nothing was appended"])
        }
        guard head.sequence > 0 else { return }
        let last = try txn.withCursor(on: entries) { cursor in
            try cursor.move(.last) { key, value in
                (Layout.sequence(key), Layout.decode(sequence: head.sequence, value).map { Array($0.hash) })
            }
        }
        guard let (sequence, hash) = last, sequence == head.sequence, hash == head.hash else {
            throw EventLogError.damaged(problems: ["\(path): its stored head (sequence \(head.sequence), \(hex(head.hash).prefix(16))…) is not its last entry",
                                                   "nothing was appended"])
        }
    }

    /// The system's clock, in µs since the epoch.
    @Sendable public static func systemClock() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
    }
}

/// Records to append, with the chain hash each gets if the log ends at `start` when they are
/// appended and every one is new: worked out ahead, on another thread say, while an earlier
/// batch is appended (`end` is where the next batch starts). Only this type works them out, so
/// they are always those of the records.
///
/// They are hashed in the current format, recorded at the time they were hashed; appended to a
/// log of another format they are hashed again.
public struct ChainedRecords: Sendable {
    public let records: [Record]
    let start: Head
    /// When they are recorded, in µs since the epoch: it is under their hashes.
    let recordedAt: Int64
    let format = Layout.formatVersion
    /// The records' chain hashes, 32 bytes each.
    let digests: [UInt8]
    /// The head after these records, if every one is appended after `start`.
    public let end: Head

    /// Hashes `records` as if appended after `start` at `recordedAt` (µs since the epoch:
    /// the log's ``EventLog/clock`` read when the batch is formed).
    public init(_ records: [Record], after start: Head, recordedAt: Int64) {
        self.records = records
        self.start = start
        self.recordedAt = recordedAt
        digests = ChainHashing.hash(records, records.indices, after: start, format: format, recordedAt: recordedAt)
        end = records.isEmpty ? start : Head(sequence: start.sequence + UInt64(records.count), hash: Array(digests.suffix(32)))
    }
}

/// Bytes to store by their SHA-256, with that digest, computed once when the blob is made.
public struct Blob: Sendable, Hashable {
    public let bytes: [UInt8]
    /// SHA-256 of `bytes`.
    public let sha256: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        sha256 = SHA256.hash(data: bytes)
    }
}

/// When the process lets go of the log's mapped pages: the log's one policy for its memory,
/// applied by the log itself as it reads and writes (no caller asks for it).
///
/// The log is read through a memory map, so every page read stays in the process until it is
/// let go. Each read and append counts its cost in units of about a kilobyte of pages mapped
/// (an entry or an index row read in order: one; a read at a random place, which the kernel
/// fills with up to 16 neighbouring pages: 64; an appended entry: 16, for the id index page its
/// id goes to and the pages its commit maps); when the count passes
/// ``unitsBetweenReleases`` the log lets go of its pages (``LMDB/Environment/releaseMappedPages()``),
/// which stay in the system's file cache. A write transaction of the derived indexes lets go
/// when it commits. Only a verification, which reads every page on several threads, keeps an
/// allowance of its own (``LMDB/MappedPageAllowance``).
final class PageResidency: Sendable {
    /// About 16 MiB of pages.
    static let unitsBetweenReleases = 16_384
    /// The cost of a read at a random place.
    static let scatteredRead = 64
    /// The cost of an appended entry: its id goes to its place in the id index, and its commit
    /// maps the pages it writes to.
    static let appendedEntry = 16

    private let environment: Environment
    private let count = Atomic(0)

    init(_ environment: Environment) { self.environment = environment }

    /// Counts `units` read or appended, and lets go of the pages once they reach the limit.
    func lent(_ units: Int) {
        var old = count.load(ordering: .relaxed)
        while true {
            let reached = old + units >= Self.unitsBetweenReleases
            let (exchanged, found) = count.compareExchange(expected: old, desired: reached ? 0 : old + units, ordering: .relaxed)
            if exchanged {
                if reached { environment.releaseMappedPages() }
                return
            }
            old = found
        }
    }

    /// Lets go of the pages now: a transaction that read many has ended.
    func release() {
        count.store(0, ordering: .relaxed)
        environment.releaseMappedPages()
    }
}
