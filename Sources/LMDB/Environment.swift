import CLMDB
import Foundation
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open LMDB environment: a directory holding `data.mdb` and `lock.mdb`, and the named
/// databases declared when it was opened.
///
/// ## Ownership
/// The environment owns its `MDB_env *` and closes it in `deinit`. Open a given path **once
/// per process** and share the instance: LMDB drops a process's locks when any handle on the
/// same file closes, and an environment must never be used in a child after `fork()`.
///
/// ## Threading
/// - Transactions are lent to a closure and end when it returns; they cannot escape it, and
///   the closure is synchronous, so no `await` can suspend inside one. This matters for
///   writes: the writer lock is a mutex owned by the OS thread that took it.
/// - The environment is opened with `MDB_NOTLS`, so several read transactions may be open
///   on one OS thread at once, as interleaved Swift tasks will do.
/// - Any thread may run transactions concurrently. Writers are serialised by LMDB itself.
/// - Growing the map waits until no transaction of this process is open. Do not begin a write
///   transaction inside a read closure: if that write had to grow the map it would wait for the
///   enclosing read forever.
public final class Environment: @unchecked Sendable {
    // @unchecked, for two C objects the compiler cannot see into. Sound because:
    // - `handle`, the `MDB_env *`, is set once and never changes, and LMDB is made for one
    //   environment handle shared by the threads of the process that opened it ("fully
    //   thread-aware", lmdb.h). What lmdb.h asks of those threads is kept: a transaction is used
    //   by one thread at a time (each is lent to one synchronous closure; with MDB_NOTLS, which
    //   every open adds, a read transaction may move to another thread when its use is
    //   synchronised, as `readConcurrently` does through a Mutex; a write transaction stays on
    //   the thread that began it); `mdb_env_set_mapsize`, which LMDB allows only with no
    //   transaction of the process open, and `mdb_env_info`'s read of the size it sets, are
    //   made under `resizeLock`, exclusive for the first, shared for the second and for every
    //   transaction; `mdb_env_close` runs in deinit, when no other thread holds a reference.
    // - `resizeLock` is a pthread read-write lock (the standard library has no shared lock),
    //   made to be shared by threads: allocated and initialised once, never moved, destroyed in
    //   deinit.
    // Every other stored property is an immutable `let` of a Sendable type, or a `Mutex`.

    /// How to open an environment.
    public struct Configuration: Sendable {
        /// The initial map size in bytes. Only address space on 64-bit systems; the map grows
        /// when a write fills it.
        public var mapSize: Int = 1 << 30
        /// How many times one write may grow the map before giving up with ``LMDBError/mapFull``.
        public var maximumGrowths: Int = 16
        /// The most named databases this environment can hold.
        public var maximumDatabases: UInt32 = 16
        /// The most concurrent read transactions, across all processes.
        public var maximumReaders: UInt32 = 126
        /// Open for reading only: writes fail, nothing is created.
        public var readOnly: Bool = false
        /// Extra flags for `mdb_env_open`; `MDB_NOTLS` is always added.
        public var flags: EnvironmentFlags = []
        /// The Unix mode of files the environment creates.
        public var fileMode: mode_t = 0o644
        /// How much of the data file's structure is checked at open, before LMDB reads any of
        /// it (see ``StructureCheckDepth``). The file checks are made whatever this says.
        public var structureCheck: StructureCheckDepth = .roots
        /// A data file no larger than this is checked whole at open, whatever
        /// ``structureCheck`` says: a full check reads every page, so its time grows with the
        /// file.
        public var fullCheckUpToBytes: UInt64 = 0
        /// Named databases a writable open creates only in an environment that holds no named
        /// database yet. In one that holds others, one of these missing is left out, as a
        /// read-only open leaves it (``database(_:)`` reports it): the environment is damaged,
        /// or is not the one expected, and creating it empty would write into it as if it were.
        public var createdOnlyInANewEnvironment: Set<String> = []

        public init() {}
    }

    /// The directory holding the environment.
    public let path: String
    /// Whether the environment was opened read-only.
    public let isReadOnly: Bool
    /// How many stale reader slots, left by dead processes, `mdb_reader_check` cleared at open.
    public let staleReadersCleared: Int
    /// What the structure check at open found (sound, or the open would have thrown).
    public let openingCheck: StructureReport

    let handle: OpaquePointer
    private let maximumGrowths: Int
    private let configurationUsesWriteMap: Bool
    private let resizeLock: UnsafeMutablePointer<pthread_rwlock_t>
    /// Where the data file is mapped, once looked up; forgotten when the map is resized.
    private let mappedRanges = Mutex<[Range<UInt>]?>(nil)
    private let databases: [String: Database]
    private let declaredDatabases: [String: DatabaseFlags]
    /// Notices `lock.mdb` deleted or replaced under this process; `nil` with `.noLock`.
    private let lockWatch: LockWatch?

    /// Opens (and, unless read-only, creates) the environment at `path` and its named databases.
    ///
    /// Before LMDB reads any page, the files are checked (see ``StructureCheckDepth``): a
    /// `data.mdb` or `lock.mdb` that is not a regular file, meta pages that are not sound, a
    /// data file shorter than they say, or (as deep as `configuration.structureCheck` asks)
    /// damaged trees make the open throw instead of letting LMDB fault on them.
    ///
    /// - Parameters:
    ///   - path: a directory. It must exist.
    ///   - databases: the named databases to open, with their flags, all in one transaction.
    ///     Unless read-only, missing ones are created. Read-only, a missing one is left out:
    ///     ``database(_:)`` reports it.
    /// - Throws: ``LMDBError`` from any step: ``LMDBError/corrupted`` or ``LMDBError/invalid``
    ///   for damage, ``LMDBError/lockFileReplaced`` when another process uses the log through a
    ///   lock file that has since been replaced. Nothing stays open after a failure.
    public init(path: String, databases: [String: DatabaseFlags] = [:], configuration: Configuration = .init()) throws(LMDBError) {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: EINVAL, context: "mdb_env_create returned no environment") }

        var flags = configuration.flags.union(.noThreadLocalStorage)
        if configuration.readOnly { flags.insert(.readOnly) }
        let files = Files(path: path, flags: flags)
        var opened: [String: Database] = [:]
        var cleared: Int32 = 0
        var watch: LockWatch?
        let report: StructureReport
        do throws(LMDBError) {
            try check(mdb_env_set_mapsize(env, configuration.mapSize), "mdb_env_set_mapsize(\(configuration.mapSize))")
            try check(mdb_env_set_maxdbs(env, configuration.maximumDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, configuration.maximumReaders), "mdb_env_set_maxreaders")
            try Self.refuseFilesThatAreNotLogs(files)
            try check(mdb_env_open(env, path, flags.rawValue, configuration.fileMode), "mdb_env_open(\(path))")
            // Nothing below reads the map before the file has been found to hold what it says.
            let newest = try Self.checkDataFile(env, path: path)
            let small = newest.pageCount.multipliedReportingOverflow(by: UInt64(newest.pageSize))
            let depth = !small.overflow && small.partialValue <= configuration.fullCheckUpToBytes ? .full : configuration.structureCheck
            if !flags.contains(.noLock) {
                var fd: Int32 = -1
                try check(mdb_env_get_fd(env, &fd), "mdb_env_get_fd(\(path))")
                watch = try LockWatch(files, dataDescriptor: fd)
            }
            // A reader killed mid-transaction pins an old snapshot until its slot is cleared.
            try check(mdb_reader_check(env, &cleared), "mdb_reader_check(\(path))")
            report = try Self.checkStructure(env, path: path, depth: depth, declared: databases) { () throws(LMDBError) in
                try Self.beginWhileOpening(env, path: path)
            }
            guard report.isSound else {
                throw LMDBError(found: MDB_CORRUPTED, "\(files.data): " + report.problems.joined(separator: "; "))
            }
            if !databases.isEmpty {
                let notCreated = report.databases.isEmpty ? [] : configuration.createdOnlyInANewEnvironment
                opened = try Self.openDatabases(env, databases, readOnly: configuration.readOnly, notCreated: notCreated, path: path)
            }
        } catch {
            // A failed open still owns the handle; the mark goes before LMDB's locks do, and the
            // watch's descriptor of lock.mdb after them.
            watch?.releaseMark()
            withExtendedLifetime(watch) { mdb_env_close(env) }
            throw error
        }

        self.handle = env
        self.path = path
        self.isReadOnly = configuration.readOnly
        self.staleReadersCleared = Int(cleared)
        self.openingCheck = report
        self.maximumGrowths = configuration.maximumGrowths
        self.configurationUsesWriteMap = flags.contains(.writeMap)
        self.databases = opened
        self.declaredDatabases = databases
        self.lockWatch = watch
        self.resizeLock = .allocate(capacity: 1)
        pthread_rwlock_init(resizeLock, nil)
    }

    deinit {
        // The mark that this process has the log open goes before LMDB's lock on lock.mdb;
        // the watch's descriptor of lock.mdb closes after LMDB's, when the property goes.
        lockWatch?.releaseMark()
        mdb_env_close(handle)
        pthread_rwlock_destroy(resizeLock)
        resizeLock.deallocate()
    }

    private static func openDatabases(
        _ env: OpaquePointer, _ wanted: [String: DatabaseFlags], readOnly: Bool, notCreated: Set<String>, path: String
    ) throws(LMDBError) -> [String: Database] {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn), "mdb_txn_begin(\(path))")
        guard let txn else { throw LMDBError(code: EINVAL, context: "mdb_txn_begin returned no transaction") }
        var result: [String: Database] = [:]
        do {
            for (name, flags) in wanted.sorted(by: { $0.key < $1.key }) {
                var dbi: MDB_dbi = 0
                let creates = !readOnly && !notCreated.contains(name)
                let all = creates ? flags.union(.create) : flags.subtracting(.create)
                let code = mdb_dbi_open(txn, name, all.rawValue, &dbi)
                if code == MDB_NOTFOUND, !creates { continue }
                try check(code, "mdb_dbi_open(\(name)) in \(path)")
                result[name] = Database(name: name, dbi: dbi)
            }
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        // Commit frees the transaction even when it fails: never abort after it.
        try check(mdb_txn_commit(txn), "mdb_txn_commit(open databases in \(path))")
        return result
    }

    /// The named database opened with this environment.
    /// - Throws: ``LMDBError/notFound`` when `name` was not declared at open.
    public func database(_ name: String) throws(LMDBError) -> Database {
        guard let db = databases[name] else {
            throw LMDBError(code: MDB_NOTFOUND, context: "database '\(name)' was not opened with \(path)")
        }
        return db
    }

    /// The current size of the memory map in bytes.
    public var mapSize: Int {
        // Under the shared lock: a resize, under the exclusive one, writes what this reads.
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        return currentMapSize()
    }

    /// ``mapSize``, for a caller that holds the resize lock.
    private func currentMapSize() -> Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Runs `body` in a read transaction and ends it on every path.
    ///
    /// Bytes the transaction lends are valid only inside `body`: copy what you keep.
    public func read<R>(_ body: (borrowing ReadTransaction) throws -> R) throws -> R {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let txn = try begin(flags: UInt32(MDB_RDONLY))
        defer { mdb_txn_abort(txn) }
        return try body(ReadTransaction(handle: txn))
    }

    /// Runs `body` on `count` threads at once, each lent a read transaction of its own, all of
    /// one snapshot, and returns what each call returned, in index order.
    ///
    /// LMDB lets a read transaction be used by one thread at a time, so each call gets its own;
    /// they are begun together and checked to share one transaction id (a commit between two
    /// begins makes them start over). If writers keep committing in between, the calls run one
    /// after another on a single transaction instead: `body` must give the same result whether
    /// its calls overlap or not (sharing work through a queue, say), and must not wait for
    /// another call.
    ///
    /// - Throws: the error of the lowest-indexed call that threw, or ``LMDBError``. Every call
    ///   has returned or thrown by then, and every transaction has ended.
    public func readConcurrently<R: Sendable>(
        _ count: Int, _ body: @Sendable (_ index: Int, _ txn: borrowing ReadTransaction) throws -> R
    ) throws -> [R] {
        guard count > 1 else { return try (0..<max(count, 0)).map { i in try read { try body(i, $0) } } }
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let handles = try beginSnapshot(count)
        guard handles.count == count else {
            // No common snapshot: one transaction, the calls in turn.
            defer { for handle in handles { mdb_txn_abort(handle) } }
            return try (0..<count).map { i in try body(i, ReadTransaction(handle: handles[0])) }
        }
        // Each transaction is moved to the one thread that uses it, which ends it: LMDB lets a
        // read transaction be used by one thread at a time, and with MDB_NOTLS by any thread.
        let lent = Mutex(handles.map(Optional.some))
        let results = Mutex([Result<R, any Error>?](repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { i in
            guard let txn = lent.withLock({ $0[i].take() }) else { return }
            let result = Result { try body(i, ReadTransaction(handle: txn)) }
            mdb_txn_abort(txn)
            results.withLock { $0[i] = result }
        }
        // concurrentPerform returns once every index has run: every transaction has ended.
        var values: [R] = []
        values.reserveCapacity(count)
        for result in results.withLock({ $0 }) {
            guard let result else { throw LMDBError(code: EINVAL, context: "a concurrent read did not run") }
            values.append(try result.get())
        }
        return values
    }

    /// Begins `count` read transactions on one snapshot, or only one when writers keep
    /// committing between the begins. Called with the shared resize lock held.
    private func beginSnapshot(_ count: Int) throws(LMDBError) -> [OpaquePointer] {
        attempts: for _ in 0..<8 {
            // Only the first begin may adopt a map another process grew: none other is open then.
            let first = try begin(flags: UInt32(MDB_RDONLY))
            var handles = [first]
            let id = mdb_txn_id(first)
            while handles.count < count {
                var txn: OpaquePointer?
                let code = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn)
                if code == 0, let txn, mdb_txn_id(txn) == id {
                    handles.append(txn)
                    continue
                }
                if code == 0, let txn { mdb_txn_abort(txn) }
                for handle in handles { mdb_txn_abort(handle) }
                // A commit in between, or a map grown meanwhile: start over.
                if code == 0 || code == MDB_MAP_RESIZED { continue attempts }
                try check(code, "mdb_txn_begin(\(path))")
                continue attempts
            }
            return handles
        }
        return [try begin(flags: UInt32(MDB_RDONLY))]
    }

    /// Runs `body` in a write transaction: commits when it returns, aborts when it throws.
    ///
    /// When the map fills, in `body` or at commit, the transaction is aborted, the map is
    /// doubled once no transaction of this process is open, and `body` runs again from the
    /// start in a new transaction. `body` must therefore have no effect outside the transaction
    /// that it relies on being done once.
    ///
    /// - Throws: the first error `body` throws, or ``LMDBError``; nothing is written then.
    public func write<R>(_ body: (borrowing WriteTransaction) throws -> R) throws -> R {
        guard !isReadOnly else {
            throw LMDBError(code: EACCES, context: "write to \(path), which was opened read-only")
        }
        var growths = 0
        while true {
            let outcome = try writeOnce(body)
            switch outcome {
            case .committed(let value):
                return value
            case .mapFull(let error):
                guard growths < maximumGrowths else { throw error }
                growths += 1
                try grow()
            }
        }
    }

    private enum WriteOutcome<R> {
        case committed(R)
        case mapFull(LMDBError)
    }

    private func writeOnce<R>(_ body: (borrowing WriteTransaction) throws -> R) throws -> WriteOutcome<R> {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let txn = try begin(flags: 0)
        let state = WriteTransaction.State()
        let value: R
        do {
            // Holding the writer's mutex now: it is only everyone's if lock.mdb is still ours.
            try lockWatch?.check("to write (nothing was written)")
            value = try body(WriteTransaction(handle: txn, state: state))
            try lockWatch?.check("to commit (nothing was committed)")
        } catch let error as LMDBError where error.code == EIO || error.code == ENOSPC {
            mdb_txn_abort(txn)
            throw Self.explainWriteFailure(error, path: path)
        } catch {
            mdb_txn_abort(txn)
            // The body may have wrapped or swallowed the put's error; the flag is what counts.
            if let full = state.mapFull { return .mapFull(full) }
            throw error
        }
        if let full = state.mapFull {
            // The body caught MDB_MAP_FULL and returned: the transaction is unusable.
            mdb_txn_abort(txn)
            return .mapFull(full)
        }
        let code = mdb_txn_commit(txn)  // frees txn whatever the outcome
        if code == MDB_MAP_FULL { return .mapFull(LMDBError(code: code, context: "mdb_txn_commit(\(path))")) }
        do {
            try check(code, "mdb_txn_commit(\(path))")
        } catch {
            throw Self.explainWriteFailure(error, path: path)
        }
        return .committed(value)
    }

    /// Checks the trees of the current snapshot with `pread` (see ``StructureCheckDepth``), for
    /// a verification: a full check reads every page of the file once.
    ///
    /// - Returns: what was found; damage is reported there, not thrown.
    /// - Throws: ``LMDBError`` when the file cannot be read, or its meta pages are damaged.
    public func checkStructure(_ depth: StructureCheckDepth = .full) throws(LMDBError) -> StructureReport {
        try checkStructure(depth, threads: nil)
    }

    /// ``checkStructure(_:)`` reading a large level on at most `threads` threads (`nil`: one a
    /// processor, up to four).
    func checkStructure(_ depth: StructureCheckDepth, threads: Int?) throws(LMDBError) -> StructureReport {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        _ = try Self.checkDataFile(handle, path: path)
        return try Self.checkStructure(handle, path: path, depth: depth, declared: declaredDatabases, threads: threads) { () throws(LMDBError) in
            try begin(flags: UInt32(MDB_RDONLY))
        }
    }

    /// Begins a transaction, adopting a map that another process grew.
    private func begin(flags: UInt32) throws(LMDBError) -> OpaquePointer {
        var adopted = false
        while true {
            var txn: OpaquePointer?
            let code = mdb_txn_begin(handle, nil, flags, &txn)
            if code == MDB_MAP_RESIZED, !adopted {
                // Another process grew the file past our map: adopt the size it declares.
                adopted = true
                try adoptGrownMap()
                continue
            }
            try check(code, "mdb_txn_begin(\(path))")
            guard let txn else { throw LMDBError(code: EINVAL, context: "mdb_txn_begin returned no transaction") }
            return txn
        }
    }

    private func adoptGrownMap() throws(LMDBError) {
        // Called with the shared lock held. mdb_env_set_mapsize needs no transaction of this
        // process open, so swap to the exclusive lock for the call, then take the shared back.
        // With size 0 it only re-reads the size the data file declares.
        pthread_rwlock_unlock(resizeLock)
        pthread_rwlock_wrlock(resizeLock)
        let code = mdb_env_set_mapsize(handle, 0)
        mappedRanges.withLock { $0 = nil }
        pthread_rwlock_unlock(resizeLock)
        pthread_rwlock_rdlock(resizeLock)
        try check(code, "mdb_env_set_mapsize(0) after MDB_MAP_RESIZED in \(path)")
    }

    /// Doubles the map, with no transaction of this process open.
    private func grow() throws(LMDBError) {
        pthread_rwlock_wrlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let current = currentMapSize()
        let (doubled, overflow) = current.multipliedReportingOverflow(by: 2)
        guard !overflow else { throw LMDBError(code: MDB_MAP_FULL, context: "map of \(path) cannot grow past \(current) bytes") }
        defer { mappedRanges.withLock { $0 = nil } }
        try check(mdb_env_set_mapsize(handle, doubled), "mdb_env_set_mapsize(\(doubled)) in \(path)")
    }

    /// Drops this process's mapping of the map's pages (`madvise(MADV_DONTNEED)`), so that a long
    /// scan's pages stop counting toward its resident memory. Safe at any time: the map is a
    /// read-only shared file mapping (Parley never uses `MDB_WRITEMAP`), so the pages stay in
    /// the file cache and the next access maps them back with the same content. Cheap enough to
    /// call every few megabytes: where the map lies is looked up once per map size.
    public func releaseMappedPages() {
        guard !configurationUsesWriteMap else { return }
        // The map moves only when it is resized, under the exclusive lock: hold the shared one
        // meanwhile, and skip this release when a resize is under way.
        guard pthread_rwlock_tryrdlock(resizeLock) == 0 else { return }
        defer { pthread_rwlock_unlock(resizeLock) }
        let ranges = mappedRanges.withLock { cached -> [Range<UInt>] in
            if let cached { return cached }
            let found = Self.mappings(of: dataFilePath)
            if !found.isEmpty { cached = found }
            return found
        }
        for range in ranges {
            guard let address = UnsafeMutableRawPointer(bitPattern: range.lowerBound) else { continue }
            madvise(address, Int(range.upperBound - range.lowerBound), MADV_DONTNEED)
        }
    }

    /// Asks the kernel to read the whole data file into the file cache now
    /// (`posix_fadvise(POSIX_FADV_WILLNEED)`), for a scan that will read every page of it: the
    /// reads go to the disk at once, in large requests, and the scan's page faults find the
    /// pages there, where each fault would otherwise wait for its own read. Nothing is
    /// mapped, so the process's memory does not grow. Not done for a file larger than
    /// `maximumBytes` (reading it all ahead would evict what the scan has yet to read).
    /// The call may take as long as issuing the reads: make it from a thread of its own.
    ///
    /// - Returns: whether the kernel took the advice.
    @discardableResult
    public func readAheadDataFile(maximumBytes: Int) -> Bool {
        #if os(Linux)
        let descriptor = open(dataFilePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size <= maximumBytes else { return false }
        return posix_fadvise(descriptor, 0, 0, POSIX_FADV_WILLNEED) == 0
        #else
        return false
        #endif
    }

    /// An allowance of `bytes` of mapped pages over what this process maps now, for a long
    /// scan on several threads: see ``MappedPageAllowance``.
    public func mappedPageAllowance(_ bytes: Int) -> MappedPageAllowance {
        MappedPageAllowance(self, bytes: bytes)
    }

    /// The third figure of `/proc/self/statm` (resident shared pages: file-backed and shared
    /// memory), in bytes; `nil` when it cannot be read.
    static func residentSharedBytes() -> Int? {
        guard let descriptor = openStatm() else { return nil }
        defer { try? descriptor.close() }
        return residentSharedBytes(statm: descriptor)
    }

    /// `/proc/self/statm`, opened for reading; `nil` where there is none.
    static func openStatm() -> FileDescriptor? {
        #if os(Linux)
        return try? FileDescriptor.open("/proc/self/statm", .readOnly, options: .closeOnExec)
        #else
        return nil
        #endif
    }

    /// ``residentSharedBytes()`` from `/proc/self/statm` open at `descriptor`, read again from
    /// its start (the kernel writes the figures afresh for each read at offset 0).
    static func residentSharedBytes(statm descriptor: FileDescriptor) -> Int? {
        #if os(Linux)
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &buffer) { bytes -> Int? in
            guard let count = try? descriptor.read(fromAbsoluteOffset: 0, into: bytes), count > 0 else { return nil }
            let fields = UnsafeRawBufferPointer(rebasing: bytes[..<count]).split(separator: UInt8(ascii: " "))
            guard fields.count >= 3 else { return nil }
            var pages = 0
            for digit in fields[2] {
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
                pages = pages &* 10 &+ Int(digit - UInt8(ascii: "0"))
            }
            return pages &* Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        #else
        return nil
        #endif
    }

    /// Where `file` is mapped in this process. LMDB does not publish where it mapped the file
    /// (me_mapaddr is set only for fixed maps), so this reads the process's map list.
    private static func mappings(of file: String) -> [Range<UInt>] {
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return [] }
        return maps.split(separator: "\n").compactMap { line in
            guard line.hasSuffix(file) else { return nil }
            let range = line.prefix { $0 != " " }.split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end > start else { return nil }
            return start..<end
        }
    }

    /// The absolute path of the data file, as the kernel names it in the map list.
    private var dataFilePath: String {
        let base = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let resolved = URL(fileURLWithPath: base).resolvingSymlinksInPath().standardizedFileURL.path
        return resolved + "/data.mdb"
    }

    /// Clears the reader slots of processes that died inside a read transaction
    /// (`mdb_reader_check`), which otherwise pin an old snapshot and make the file grow.
    /// Every open does this; a long-running process can call it again.
    /// - Returns: how many slots were cleared.
    public func clearStaleReaders() throws(LMDBError) -> Int {
        var cleared: Int32 = 0
        try check(mdb_reader_check(handle, &cleared), "mdb_reader_check(\(path))")
        return Int(cleared)
    }

    /// Writes a consistent copy of the environment (one snapshot, as a read transaction sees
    /// it) into the existing, empty folder `directory` (`mdb_env_copy2`), for work that must not
    /// touch the original.
    public func copy(to directory: String) throws(LMDBError) {
        try check(mdb_env_copy2(handle, directory, 0), "mdb_env_copy2(\(path) → \(directory))")
    }

    /// Flushes buffers to disk; needed only when opened with `.noSync` or `.noMetaSync`.
    public func sync(force: Bool = true) throws(LMDBError) {
        try check(mdb_env_sync(handle, force ? 1 : 0), "mdb_env_sync(\(path))")
    }
}

/// How much of an environment's map a long scan may keep mapped: `bytes` over what the process
/// had resident in file-backed pages when the allowance was made (its code's, about 22 MB, and
/// what else it maps). ``check()``, called every megabyte or so of reading, drops the map's
/// pages (``Environment/releaseMappedPages()``) once the allowance is spent.
///
/// A release is dearer than it looks: besides mapping the pages back, each one stops the other
/// threads' cores to flush their address translations. So the figure is read from a
/// `/proc/self/statm` kept open, only one thread releases at a time (the others read on), and
/// the allowance is counted above the process's own footprint, not from zero (the code's own
/// pages would spend most of it). Each release is mapped back in whole cached folios, not just
/// the 4 KiB pages read.
///
/// Owns its descriptor of `/proc/self/statm`, closed when the allowance goes.
public final class MappedPageAllowance: Sendable {
    private let environment: Environment
    /// Read with `pread` at offset 0 only, which moves no file position: any thread, any time.
    private let statm: FileDescriptor?
    /// Resident shared bytes past which the map's pages are dropped; `nil` when they cannot be
    /// read, and then every check releases.
    public let limit: Int?
    /// Resident shared bytes past which a thread waits for the one dropping the pages instead
    /// of reading on: half the allowance again over ``limit``. Without it, a release that the
    /// scheduler holds up on a busy machine let the other threads map on (a verification of a
    /// million entries once peaked at 315 MB instead of 110).
    public let hardLimit: Int?
    /// Held by the one thread dropping the pages; the others read on rather than wait for it,
    /// short of ``hardLimit``.
    private let releasing = Mutex(())

    init(_ environment: Environment, bytes: Int) {
        self.environment = environment
        statm = Environment.openStatm()
        limit = statm.flatMap { Environment.residentSharedBytes(statm: $0) }.map { $0 + bytes }
        hardLimit = limit.map { $0 + bytes / 2 }
    }

    deinit {
        try? statm?.close()
    }

    /// Drops the map's pages if the allowance is spent, unless another thread is doing so; past
    /// ``hardLimit``, waits for that thread, then drops them again if they are still over.
    public func check() {
        guard let limit, let hardLimit, let statm, let resident = Environment.residentSharedBytes(statm: statm) else {
            _ = releasing.withLockIfAvailable { _ in environment.releaseMappedPages() }
            return
        }
        if resident <= limit { return }
        if resident <= hardLimit {
            _ = releasing.withLockIfAvailable { _ in environment.releaseMappedPages() }
            return
        }
        releasing.withLock { _ in
            if let now = Environment.residentSharedBytes(statm: statm), now <= limit { return }
            environment.releaseMappedPages()
        }
    }
}
