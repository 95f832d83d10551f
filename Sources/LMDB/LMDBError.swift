import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error returned by an LMDB call: the C return code, LMDB's own message for it,
/// and what Parley was doing when it happened.
///
/// Match a particular failure with a pattern, the way `Errno` is matched:
/// ```swift
/// catch LMDBError.mapFull { ... }
/// ```
/// Two errors are equal when their codes are; the context is for people.
public struct LMDBError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The C return code: one of LMDB's `MDB_*` codes or a POSIX `errno` value.
    public let code: Int32
    /// What was being done, e.g. `mdb_env_open(/tmp/log)`; or, for what this wrapper's own
    /// checks found (``isFinding``), what they found.
    public let context: String
    /// Whether this wrapper's checks of the files found this, not LMDB: the context then says
    /// all there is to say, and LMDB's message for the code (written for its own cases) is left out.
    public let isFinding: Bool

    public init(code: Int32, context: String = "") {
        self.code = code
        self.context = context
        self.isFinding = false
    }

    /// What a check of the files found, under the code that classes it (`MDB_CORRUPTED`,
    /// `MDB_INVALID`, `ESTALE`, `ENOSPC`).
    init(found code: Int32, _ finding: String) {
        self.code = code
        self.context = finding
        self.isFinding = true
    }

    /// LMDB's message for the code (`mdb_strerror`), which also covers `errno` values.
    public var message: String {
        guard let text = mdb_strerror(code) else { return "LMDB error \(code)" }
        return String(cString: text)
    }

    public var description: String {
        if isFinding { return context }
        return context.isEmpty ? "\(message) (LMDB code \(code))" : "\(context): \(message) (LMDB code \(code))"
    }

    public static func == (lhs: LMDBError, rhs: LMDBError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Lets `catch LMDBError.mapFull` match any error with that code.
    public static func ~= (pattern: LMDBError, value: any Error) -> Bool {
        (value as? LMDBError)?.code == pattern.code
    }

    /// `MDB_KEYEXIST`: the key/data pair already exists.
    public static let keyExists = LMDBError(code: MDB_KEYEXIST)
    /// `MDB_NOTFOUND`: no matching key. The wrapper turns it into `nil` at its API.
    public static let notFound = LMDBError(code: MDB_NOTFOUND)
    /// `MDB_PAGE_NOTFOUND`: a requested page was not found; usually corruption.
    public static let pageNotFound = LMDBError(code: MDB_PAGE_NOTFOUND)
    /// `MDB_CORRUPTED`: a located page was of the wrong type.
    public static let corrupted = LMDBError(code: MDB_CORRUPTED)
    /// `MDB_PANIC`: update of meta page failed or environment had a fatal error.
    public static let panic = LMDBError(code: MDB_PANIC)
    /// `MDB_VERSION_MISMATCH`: the environment was written by an incompatible LMDB.
    public static let versionMismatch = LMDBError(code: MDB_VERSION_MISMATCH)
    /// `MDB_INVALID`: the file is not an LMDB file.
    public static let invalid = LMDBError(code: MDB_INVALID)
    /// `MDB_MAP_FULL`: the environment's map size was reached.
    public static let mapFull = LMDBError(code: MDB_MAP_FULL)
    /// `MDB_DBS_FULL`: the environment's maximum number of named databases was reached.
    public static let databasesFull = LMDBError(code: MDB_DBS_FULL)
    /// `MDB_READERS_FULL`: the environment's maximum number of readers was reached.
    public static let readersFull = LMDBError(code: MDB_READERS_FULL)
    /// `MDB_TXN_FULL`: the transaction has too many dirty pages.
    public static let transactionFull = LMDBError(code: MDB_TXN_FULL)
    /// `MDB_CURSOR_FULL`: the cursor stack is too deep (internal error).
    public static let cursorFull = LMDBError(code: MDB_CURSOR_FULL)
    /// `MDB_PAGE_FULL`: a page has no more space (internal error).
    public static let pageFull = LMDBError(code: MDB_PAGE_FULL)
    /// `MDB_MAP_RESIZED`: another process grew the data file beyond this map.
    public static let mapResized = LMDBError(code: MDB_MAP_RESIZED)
    /// `MDB_INCOMPATIBLE`: the operation or database flags are incompatible.
    public static let incompatible = LMDBError(code: MDB_INCOMPATIBLE)
    /// `MDB_BAD_RSLOT`: a reader slot was reused on the wrong thread (see `MDB_NOTLS`).
    public static let badReaderSlot = LMDBError(code: MDB_BAD_RSLOT)
    /// `MDB_BAD_TXN`: the transaction must abort, has a child, or is invalid.
    public static let badTransaction = LMDBError(code: MDB_BAD_TXN)
    /// `MDB_BAD_VALSIZE`: an unsupported size of key, database name or data.
    public static let badValueSize = LMDBError(code: MDB_BAD_VALSIZE)
    /// `MDB_BAD_DBI`: the database handle was changed unexpectedly.
    public static let badDatabase = LMDBError(code: MDB_BAD_DBI)

    /// `ESTALE`, raised by this wrapper, not by LMDB: `lock.mdb` was deleted or replaced while
    /// this process had the environment open, or another process uses the environment through
    /// a lock file since replaced. Writers would no longer see each other: the write or the
    /// open is refused.
    public static let lockFileReplaced = LMDBError(code: ESTALE)

    /// Whether the environment's files are damaged, or are not an LMDB environment's: the
    /// checks of ``Environment`` report what they find as `MDB_CORRUPTED` or `MDB_INVALID`.
    public var isDamage: Bool {
        [MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_VERSION_MISMATCH].contains(code)
    }

    /// Whether the system failed to read or write the files: an I/O error, a full disk or
    /// quota, or LMDB's panic after a failed write of a meta page.
    public var isInputOutputFailure: Bool {
        [EIO, ENOSPC, EDQUOT, EFBIG, MDB_PANIC].contains(code)
    }

    /// Whether the lock file was replaced under the environment (see ``lockFileReplaced``).
    public var isLockFileReplaced: Bool { code == ESTALE }
}

/// The one place every `mdb_*` return code goes through.
@inline(__always)
func check(_ code: Int32, _ context: @autoclosure () -> String) throws(LMDBError) {
    guard code == MDB_SUCCESS else { throw LMDBError(code: code, context: context()) }
}
