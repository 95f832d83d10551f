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
    /// There is no log at the path (a read-only open does not create one).
    case noLog(path: String)
    /// A stored entry could not be decoded: the file is damaged.
    case damagedEntry(sequence: UInt64, reason: String)
    /// The log does not hold together (its stored head is not its last entry, an id is not
    /// indexed): nothing is appended to it. `parley verify` says more.
    case inconsistent(path: String, reason: String)
    /// The directory could not be created or used.
    case directory(path: String, reason: String)
    /// LMDB failed.
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
        case .damagedEntry(let sequence, let reason):
            "entry \(sequence) is damaged: \(reason)"
        case .inconsistent(let path, let reason):
            "the log at \(path) is damaged: \(reason); nothing was appended (run `parley verify` to see more)"
        case .directory(let path, let reason):
            "cannot use \(path): \(reason)"
        case .storage(let error):
            error.description
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
