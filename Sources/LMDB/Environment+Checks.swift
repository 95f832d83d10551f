import CLMDB
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks an environment makes before LMDB is trusted with its files, and again on demand.
///
/// LMDB maps `data.mdb` and follows the page numbers it finds there without checking them: a
/// truncated file makes it fault past the end of the file (SIGBUS), a damaged page header
/// anywhere (SIGSEGV). And it relies on `lock.mdb` alone to know of other processes: delete it
/// while one runs and the next process writes as if it were alone. These checks read the files
/// with `pread` and `stat`, never through the map, and report what they find as errors.
extension Environment {
    /// The files of an environment at `path`.
    struct Files {
        let data: String
        let lock: String

        init(path: String, flags: EnvironmentFlags) {
            if flags.contains(.noSubdirectory) {
                data = path
                lock = path + "-lock"
            } else {
                data = path + "/data.mdb"
                lock = path + "/lock.mdb"
            }
        }
    }

    /// Refuses, before LMDB opens them, a `data.mdb` or `lock.mdb` that is there but is not a
    /// regular file: LMDB would block forever opening a FIFO, and would map `/dev/zero` as its
    /// lock table, sharing it with no other process. An empty `data.mdb` is refused too, unless
    /// another process is creating it: LMDB would start a new environment over it.
    static func refuseFilesThatAreNotLogs(_ files: Files) throws(LMDBError) {
        for (name, path) in [("data.mdb", files.data), ("lock.mdb", files.lock)] {
            var info = stat()
            guard stat(path, &info) == 0 else {
                if errno == ENOENT { continue }
                throw LMDBError(code: errno, context: "stat(\(path))")
            }
            let type = info.st_mode & S_IFMT
            guard type == S_IFREG else {
                throw LMDBError(found: MDB_INVALID, "\(path) is \(Self.describe(fileType: type)), not a regular file: not a log's \(name)")
            }
            if name == "data.mdb", info.st_size == 0, !Self.fillsSoon(path) {
                // LMDB would take it for a new environment and start one over it.
                throw LMDBError(found: MDB_CORRUPTED, "\(path) is empty (0 bytes): the log was truncated, or its creation was cut short (move it away to start a new log)")
            }
        }
    }

    /// Whether an empty data file gets its meta pages within 50 ms: a process creating the
    /// environment writes them right after creating the file.
    private static func fillsSoon(_ path: String) -> Bool {
        for _ in 0..<5 {
            usleep(10_000)
            var info = stat()
            if stat(path, &info) == 0, info.st_size > 0 { return true }
        }
        return false
    }

    private static func describe(fileType: mode_t) -> String {
        switch fileType {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }

    /// The newest of the two meta pages, once both are sound, agree with each other and with
    /// what LMDB says of the environment, and the file holds every page they say it does.
    ///
    /// The metas are read before the file's size: a writer writes its pages before its meta,
    /// so a commit between the two reads cannot make a sound file look short. A commit between
    /// reading the metas and asking LMDB is met by reading again.
    static func checkDataFile(_ env: OpaquePointer, path: String) throws(LMDBError) -> MetaPage {
        var fd: Int32 = -1
        try check(mdb_env_get_fd(env, &fd), "mdb_env_get_fd(\(path))")
        var attempt = 0
        while true {
            let newest = try readMetas(fd, path: path)[0]
            var info = MDB_envinfo()
            try check(mdb_env_info(env, &info), "mdb_env_info(\(path))")
            var stat = MDB_stat()
            try check(mdb_env_stat(env, &stat), "mdb_env_stat(\(path))")
            if UInt64(info.me_last_pgno) == newest.lastPage, UInt64(info.me_last_txnid) == newest.transaction {
                guard Int(stat.ms_psize) == newest.pageSize else {
                    throw LMDBError(found: MDB_CORRUPTED, "\(path)/data.mdb: its meta pages say pages of \(newest.pageSize) bytes, LMDB \(stat.ms_psize)")
                }
                // What LMDB says the environment holds, against what the file holds.
                let required = (UInt64(info.me_last_pgno) + 1).multipliedReportingOverflow(by: UInt64(stat.ms_psize))
                let size = try fileSize(fd, path: path)
                guard !required.overflow, size >= required.partialValue else {
                    throw LMDBError(found: MDB_CORRUPTED, "\(path)/data.mdb is \(size) bytes, but LMDB says it holds \(UInt64(info.me_last_pgno) + 1) pages of \(stat.ms_psize) bytes: the file was cut short")
                }
                return newest
            }
            attempt += 1
            guard attempt < 20 else {
                throw LMDBError(found: MDB_CORRUPTED, "\(path)/data.mdb: LMDB's last transaction (\(info.me_last_txnid), last page \(info.me_last_pgno)) is not the newest meta page's (\(newest.transaction), \(newest.lastPage))")
            }
        }
    }

    static func fileSize(_ fd: Int32, path: String) throws(LMDBError) -> UInt64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LMDBError(code: errno, context: "fstat(\(path)/data.mdb)") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw LMDBError(found: MDB_INVALID, "\(path)/data.mdb is \(describe(fileType: info.st_mode & S_IFMT)), not a regular file")
        }
        return UInt64(max(info.st_size, 0))
    }

    /// Reads both meta pages with `pread` and checks them: each is a meta page of its own number,
    /// with LMDB's magic and version, page sizes agree, their transactions are consecutive (a
    /// commit writes the meta page of its transaction's parity), their trees' roots and depths
    /// are in range, and the file holds every page each says it does.
    /// - Returns: both, the newer one (which LMDB uses) first.
    ///
    /// The two pages are read one after the other, without the writers' lock: other processes'
    /// commits in between can leave a pair no two commits leave (a CI run once read transactions
    /// 2 and 5 while an ingest committed small batches). Such a pair is read again, a few times,
    /// before it is called damage.
    static func readMetas(_ fd: Int32, path: String) throws(LMDBError) -> [MetaPage] {
        var attempt = 0
        while true {
            attempt += 1
            switch try readMetaPair(fd, path: path) {
            case .consistent(let metas):
                return metas
            case .notConsecutive(let t0, let t1) where attempt >= metaRereads:
                throw LMDBError(found: MDB_CORRUPTED, "\(path)/data.mdb: the meta pages hold transactions \(t0) and \(t1), which no two commits leave")
            case .notConsecutive:
                usleep(UInt32(1_000 * attempt))
            }
        }
    }

    /// How many times a pair of meta pages that no two commits leave is read before it is damage.
    static let metaRereads = 8

    private enum MetaPair {
        case consistent([MetaPage])
        case notConsecutive(UInt64, UInt64)
    }

    private static func readMetaPair(_ fd: Int32, path: String) throws(LMDBError) -> MetaPair {
        let file = "\(path)/data.mdb"
        var bytes = [UInt8](repeating: 0, count: PageLayout.metaSize)
        func read(at offset: Int) throws(LMDBError) -> MetaPage? {
            let (done, failure) = bytes.withUnsafeMutableBytes { out in preadFully(fd, out, at: off_t(offset)) }
            if failure != 0 { throw LMDBError(code: failure, context: "pread(\(file), \(offset))") }
            guard done == bytes.count else { return nil }
            return bytes.withUnsafeBytes { MetaPage($0) }
        }
        guard let first = try read(at: 0) else {
            throw LMDBError(found: MDB_CORRUPTED, "\(file) is shorter than its first meta page: the file was cut short")
        }
        guard first.pageFlags & PageLayout.meta != 0, first.magic == PageLayout.magic else {
            throw LMDBError(found: MDB_INVALID, "\(file): page 0 is not an LMDB meta page (flags \(hex(first.pageFlags)), magic 0x\(String(first.magic, radix: 16)))")
        }
        let pageSize = first.pageSize
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else {
            throw LMDBError(found: MDB_CORRUPTED, "\(file): meta page 0 gives a page size of \(pageSize) bytes")
        }
        guard let second = try read(at: pageSize) else {
            throw LMDBError(found: MDB_CORRUPTED, "\(file) is shorter than its second meta page: the file was cut short")
        }
        let size = try fileSize(fd, path: path)
        let metas = [first, second]
        for (index, meta) in metas.enumerated() {
            let name = "\(file): meta page \(index)"
            guard meta.pageNumber == UInt64(index), meta.pageFlags == PageLayout.meta, meta.magic == PageLayout.magic else {
                throw LMDBError(found: MDB_CORRUPTED, "\(name) says it is page \(meta.pageNumber), flags \(hex(meta.pageFlags)), magic 0x\(String(meta.magic, radix: 16))")
            }
            guard meta.version == PageLayout.dataVersion else {
                throw LMDBError(found: MDB_CORRUPTED, "\(name) has data version \(meta.version), expected \(PageLayout.dataVersion)")
            }
            guard meta.pageSize == pageSize else {
                throw LMDBError(found: MDB_CORRUPTED, "\(name) gives a page size of \(meta.pageSize) bytes, meta page 0 \(pageSize)")
            }
            // The free database's flags also hold the environment's own lower flags.
            guard meta.free.flags & 0x08 != 0, meta.free.flags & ~(0x08 | 0x01 | 0x4000) == 0,
                  meta.main.flags & ~StructureWalk.persistentFlags == 0 else {
                throw LMDBError(found: MDB_CORRUPTED, "\(name) gives its trees flags \(hex(meta.free.flags)) and \(hex(meta.main.flags))")
            }
            guard meta.lastPage >= 1, meta.lastPage < UInt64(Int64.max) / UInt64(pageSize) else {
                throw LMDBError(found: MDB_CORRUPTED, "\(name) gives \(meta.lastPage) as its last page")
            }
            for (tree, record) in [("free-page", meta.free), ("main", meta.main)] {
                let sound = record.isEmpty
                    ? record.depth == 0
                    : record.depth >= 1 && Int(record.depth) <= PageLayout.maximumDepth && record.root >= PageLayout.metaPages && record.root <= meta.lastPage
                guard sound else {
                    throw LMDBError(found: MDB_CORRUPTED, "\(name) puts the \(tree) tree's root at page \(record.root), depth \(record.depth), in a file of \(meta.pageCount) pages")
                }
            }
            let needed = meta.pageCount * UInt64(pageSize)
            guard size >= needed else {
                throw LMDBError(found: MDB_CORRUPTED, "\(file) is \(size) bytes, but its meta page \(index) (transaction \(meta.transaction)) says it holds \(meta.pageCount) pages of \(pageSize) bytes (\(needed) bytes): the file was cut short")
            }
        }
        // A commit writes meta page (transaction & 1); a new environment has both at 0.
        let (t0, t1) = (first.transaction, second.transaction)
        let consecutive = (t0 == 0 && t1 == 0) || (t0 % 2 == 0 && t1 % 2 == 1 && (t0 &+ 1 == t1 || t1 &+ 1 == t0))
        guard consecutive else { return .notConsecutive(t0, t1) }
        return .consistent(t1 > t0 ? [second, first] : [first, second])
    }

    /// Checks the trees of the snapshot a new read transaction sees, reading their pages with
    /// `pread` while the transaction keeps writers off them.
    static func checkStructure(_ env: OpaquePointer, path: String, depth: StructureCheckDepth, declared: [String: DatabaseFlags],
                               threads: Int? = nil, begin: () throws(LMDBError) -> OpaquePointer) throws(LMDBError) -> StructureReport {
        var fd: Int32 = -1
        try check(mdb_env_get_fd(env, &fd), "mdb_env_get_fd(\(path))")
        let flags = declared.mapValues { UInt16(truncatingIfNeeded: $0.subtracting(.create).rawValue) }
        var newest: MetaPage?
        for _ in 0..<20 {
            let txn = try begin()
            defer { mdb_txn_abort(txn) }
            let id = UInt64(mdb_txn_id(txn))
            let metas = try readMetas(fd, path: path)
            newest = metas[0]
            // The snapshot's own meta page: the newest, or the other after one commit since.
            guard let snapshot = metas.first(where: { $0.transaction == id }) else { continue }
            var walk = threads.map { StructureWalk(fd: fd, meta: snapshot, depth: depth, declared: flags, threads: $0) }
                ?? StructureWalk(fd: fd, meta: snapshot, depth: depth, declared: flags)
            try walk.run()
            return walk.report
        }
        throw LMDBError(found: ESTALE, "\(path): the lock file names transactions that data.mdb's meta pages (newest \(newest?.transaction ?? 0)) do not hold: another process writes with another lock file")
    }

    /// Begins a read transaction while opening, when no other transaction of this process can
    /// be open: a map another process grew is adopted on the spot.
    static func beginWhileOpening(_ env: OpaquePointer, path: String) throws(LMDBError) -> OpaquePointer {
        var txn: OpaquePointer?
        var code = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn)
        if code == MDB_MAP_RESIZED {
            try check(mdb_env_set_mapsize(env, 0), "mdb_env_set_mapsize(0) in \(path)")
            code = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn)
        }
        try check(code, "mdb_txn_begin(\(path))")
        guard let txn else { throw LMDBError(code: EINVAL, context: "mdb_txn_begin returned no transaction") }
        return txn
    }

    /// Explains an I/O failure of a write: LMDB reports a short write (a full disk) as `EIO`,
    /// so the file system's free space is looked up, and a full one named as such.
    static func explainWriteFailure(_ error: LMDBError, path: String) -> LMDBError {
        guard error.code == EIO || error.code == ENOSPC || error.code == MDB_PANIC else { return error }
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return error }
        let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
        // Less than a megabyte, or the disk reported full: LMDB needed room it did not get.
        if error.code == ENOSPC || free < 1 << 20 {
            return LMDBError(found: ENOSPC, "\(error.context): no space left on device (the file system holding \(path) has \(free) bytes free); nothing was committed")
        }
        return error
    }
}

#if os(Linux)
/// Open-file-description locks (Linux 3.15): held by an open file, not by a process, so that
/// closing another descriptor of the same file does not drop them. Glibc's module leaves the
/// constants out (they need _GNU_SOURCE).
private let F_OFD_GETLK: Int32 = 36
private let F_OFD_SETLK: Int32 = 37
#endif

/// What tells this process that `lock.mdb` is still the one every other process uses.
///
/// LMDB knows of other processes only through `lock.mdb`: the writer's mutex and the readers'
/// table live there. Delete it while a process has the log open and the next process makes a
/// new one, sees no writer and no readers, and writes over pages the first is using. So:
///
/// - at open, the lock file's device and inode are noted, and each write checks them again
///   (one `stat`): a write whose lock file is gone or replaced is refused;
/// - every process holds a shared open-file-description lock on a byte of `data.mdb` far past
///   its end, a mark that says "open here". A process that finds marks on `data.mdb` but no
///   other holder of the lock file's own lock (LMDB's shared lock on its first byte) knows
///   that the others use another lock file, and refuses to open.
///
/// Owns two descriptors. The one on `lock.mdb` must stay open until LMDB has closed the
/// environment: closing any descriptor of a file drops the process's POSIX locks on it,
/// LMDB's included. The mark goes first, before LMDB closes, so that no other process sees a
/// mark without a holder of the lock.
final class LockWatch: Sendable {
    let lockPath: String
    private let device: UInt64
    private let inode: UInt64
    private let lockDescriptor: Int32
    /// The mark, until ``releaseMark()`` gives it up.
    private let mark: Mutex<Mark>

    private struct Mark {
        /// The descriptor of `data.mdb` holding the mark; -1 once closed.
        var descriptor: Int32
        /// The data file (device and inode) counted in ``markedHere`` for it, once counted.
        var file: [UInt64]?
    }

    /// Where the mark is: a byte no LMDB version locks, far past the end of any file.
    private static let markOffset: off_t = 1 << 62

    /// How many marks this process holds on each data file (by device and inode): a mark of its
    /// own says nothing of other processes. (LMDB forbids opening an environment twice in one
    /// process, but a test may.)
    private static let markedHere = Mutex<[[UInt64]: Int]>([:])

    init(_ files: Environment.Files, dataDescriptor: Int32) throws(LMDBError) {
        lockPath = files.lock
        var info = stat()
        guard stat(files.lock, &info) == 0 else {
            throw LMDBError(found: ESTALE, "\(files.lock) disappeared while the log was being opened")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        lockDescriptor = open(files.lock, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        let markDescriptor = open(files.data, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        mark = Mutex(Mark(descriptor: markDescriptor, file: nil))
        var lockFile = stat()
        var dataFile = stat()
        var lmdbData = stat()
        guard lockDescriptor >= 0, markDescriptor >= 0, fstat(lockDescriptor, &lockFile) == 0, fstat(markDescriptor, &dataFile) == 0,
              fstat(dataDescriptor, &lmdbData) == 0 else {
            let code = errno
            releaseMark()
            if lockDescriptor >= 0 { close(lockDescriptor) }
            throw LMDBError(code: code, context: "open(\(files.lock), \(files.data))")
        }
        guard UInt64(lockFile.st_dev) == device, UInt64(lockFile.st_ino) == inode,
              dataFile.st_dev == lmdbData.st_dev, dataFile.st_ino == lmdbData.st_ino else {
            releaseMark()
            close(lockDescriptor)
            throw LMDBError(found: ESTALE, "\(files.lock) or \(files.data) was replaced while the log was being opened")
        }
        #if os(Linux)
        let file = [UInt64(dataFile.st_dev), UInt64(dataFile.st_ino)]
        let alreadyHere = Self.markedHere.withLock { marks in
            defer { marks[file, default: 0] += 1 }
            return marks[file, default: 0] > 0
        }
        mark.withLock { $0.file = file }
        // A process on the way out drops its lock before its mark: look again before refusing.
        var attempt = 0
        while !alreadyHere, othersHold(markDescriptor, F_OFD_GETLK, at: Self.markOffset) == true,
              othersHold(lockDescriptor, F_GETLK, at: 0) == false {
            attempt += 1
            guard attempt < 5 else {
                releaseMark()
                close(lockDescriptor)
                throw LMDBError(found: ESTALE, "another process has \(files.data) open with a lock file that has since been deleted or replaced: opening the log now would let it and this process write over each other; wait until it ends")
            }
            usleep(20_000)
        }
        var lock = flock()
        lock.l_type = Int16(F_RDLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = Self.markOffset
        lock.l_len = 1
        // Where the file system has no such locks, the mark is simply not there.
        _ = fcntl(markDescriptor, F_OFD_SETLK, &lock)
        #endif
    }

    /// Whether a lock held through another open file conflicts with a write lock on byte `offset`.
    private func othersHold(_ descriptor: Int32, _ command: Int32, at offset: off_t) -> Bool? {
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = offset
        probe.l_len = 1
        guard fcntl(descriptor, command, &probe) == 0 else { return nil }
        return probe.l_type != Int16(F_UNLCK)
    }

    /// Drops the mark, before LMDB closes the environment; again, it does nothing.
    func releaseMark() {
        let counted = mark.withLock { mark -> [UInt64]? in
            if mark.descriptor >= 0 { close(mark.descriptor) }
            mark.descriptor = -1
            defer { mark.file = nil }
            return mark.file
        }
        if let file = counted {
            Self.markedHere.withLock { marks in
                marks[file, default: 1] -= 1
                if marks[file] == 0 { marks[file] = nil }
            }
        }
    }

    /// Throws unless `lock.mdb` is still the file this process opened.
    func check(_ doing: @autoclosure () -> String) throws(LMDBError) {
        var info = stat()
        guard stat(lockPath, &info) == 0 else {
            throw LMDBError(found: ESTALE, "\(lockPath) was deleted since this process opened the log: another process could now write without seeing this one; refusing \(doing())")
        }
        guard UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else {
            throw LMDBError(found: ESTALE, "\(lockPath) was replaced since this process opened the log: another process may be writing without seeing this one; refusing \(doing())")
        }
    }

    deinit {
        releaseMark()
        close(lockDescriptor)
    }
}
