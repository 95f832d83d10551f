import LMDB

/// Why the event log refused an operation or could not be opened.
public enum EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The expected last sequence did not match: another writer appended first. Nothing was written.
    case conflict(expected: UInt64, actual: UInt64)
    /// An id already recorded at `existing` was offered again with other bytes, as the entry
    /// that would have become `offered`. Nothing was written.
    case idReusedWithOtherContent(id: String, existing: UInt64, offered: UInt64)
    /// An id that is empty or longer than ``EventLog/maximumIDLength`` bytes.
    case invalidID(String)
    /// The directory holds a log of a format this build does not read.
    case unsupportedFormat(path: String, found: String, supported: Int)
    /// There is no log at the path: no directory, or no `data.mdb` in it (a read-only open
    /// does not create one).
    case noLog(path: String)
    /// `data.mdb` is there, sound, but holds no log yet: the process that created it stopped
    /// before writing the log's databases or its format (a read-only open does not write them).
    case noLogYet(path: String)
    /// A stored entry could not be decoded: the file is damaged.
    case damagedEntry(sequence: UInt64, reason: String)
    /// The directory could not be created or used.
    case directory(path: String, reason: String)
    /// The log's files are damaged where Parley cannot read them safely: a truncated data file,
    /// meta pages or trees that do not hold together, a count that disagrees with the head, or
    /// `data.mdb`/`lock.mdb` that is not a regular file. Nothing was read past the damage.
    case damaged(problems: [String])
    /// The system could not read or write the log's files (an I/O error, a full disk). When
    /// appending, nothing was committed.
    case inputOutput(reason: String)
    /// `lock.mdb` was deleted or replaced while this process, or another, had the log open:
    /// writers would no longer see each other, so the write or the open was refused.
    case lockFileReplaced(reason: String)
    /// LMDB failed otherwise.
    case storage(LMDBError)

    public var description: String {
        switch self {
        case .conflict(let expected, let actual):
            "conflict: expected the log to end at sequence \(expected) but it ends at \(actual); another writer appended first, nothing was written"
        case .idReusedWithOtherContent(let id, let existing, let offered):
            "id '\(id)' is recorded at sequence \(existing) with other content than the entry offered as sequence \(offered); nothing was written"
        case .invalidID(let id):
            "invalid entry id '\(id.prefix(80))': expected 1 to \(EventLog.maximumIDLength) bytes of UTF-8"
        case .unsupportedFormat(let path, let found, let supported):
            "\(path) holds a log of format '\(found)'; this build of Parley reads formats \(supported == 2 ? "1 and 2" : "1 to \(supported)")"
        case .noLog(let path):
            "no Parley log at \(path)"
        case .noLogYet(let path):
            "\(path)/data.mdb holds no Parley log yet: the process that created it stopped before writing one"
        case .damagedEntry(let sequence, let reason):
            "entry \(sequence) is damaged: \(reason)"
        case .directory(let path, let reason):
            "cannot use \(path): \(reason)"
        case .damaged(let problems):
            "the log is damaged: " + problems.joined(separator: "; ")
        case .inputOutput(let reason):
            "cannot read or write the log: \(reason)"
        case .lockFileReplaced(let reason):
            reason
        case .storage(let error):
            error.description
        }
    }
}

extension EventLogError {
    /// Classes an LMDB failure: damage, I/O, a replaced lock file, or another storage error.
    public init(_ error: LMDBError) {
        if error.isDamage {
            self = .damaged(problems: [error.isFinding ? error.context : error.description])
        } else if error.isInputOutputFailure {
            self = .inputOutput(reason: error.isFinding ? error.context : error.description)
        } else if error.isLockFileReplaced {
            self = .lockFileReplaced(reason: error.description)
        } else {
            self = .storage(error)
        }
    }

    /// Whether the log's files are damaged (``damaged(problems:)``, ``damagedEntry(sequence:reason:)``).
    public var isDamage: Bool {
        switch self {
        case .damaged, .damagedEntry: true
        default: false
        }
    }
}

extension EventLogError {
    /// Whether another writer appended first (see ``conflict(expected:actual:)``).
    public var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}
