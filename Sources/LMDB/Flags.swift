import CLMDB

/// Flags for `mdb_env_open`. Each raw value is the matching `MDB_*` constant.
public struct EnvironmentFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MDB_FIXEDMAP`
    public static let fixedMap = EnvironmentFlags(rawValue: UInt32(MDB_FIXEDMAP))
    /// `MDB_NOSUBDIR`: the path names the data file, not a directory.
    public static let noSubdirectory = EnvironmentFlags(rawValue: UInt32(MDB_NOSUBDIR))
    /// `MDB_RDONLY`
    public static let readOnly = EnvironmentFlags(rawValue: UInt32(MDB_RDONLY))
    /// `MDB_WRITEMAP`
    public static let writeMap = EnvironmentFlags(rawValue: UInt32(MDB_WRITEMAP))
    /// `MDB_NOMETASYNC`: one durable write per commit; a system crash may undo the last commit.
    public static let noMetaSync = EnvironmentFlags(rawValue: UInt32(MDB_NOMETASYNC))
    /// `MDB_NOSYNC`: no durable commit at all.
    public static let noSync = EnvironmentFlags(rawValue: UInt32(MDB_NOSYNC))
    /// `MDB_MAPASYNC`
    public static let mapAsync = EnvironmentFlags(rawValue: UInt32(MDB_MAPASYNC))
    /// `MDB_NOTLS`: reader slots belong to transactions, not threads. Always set by ``Environment``.
    public static let noThreadLocalStorage = EnvironmentFlags(rawValue: UInt32(MDB_NOTLS))
    /// `MDB_NOLOCK`
    public static let noLock = EnvironmentFlags(rawValue: UInt32(MDB_NOLOCK))
    /// `MDB_NORDAHEAD`
    public static let noReadAhead = EnvironmentFlags(rawValue: UInt32(MDB_NORDAHEAD))
    /// `MDB_NOMEMINIT`
    public static let noMemoryInit = EnvironmentFlags(rawValue: UInt32(MDB_NOMEMINIT))
}

/// Flags for `mdb_dbi_open`. Each raw value is the matching `MDB_*` constant.
public struct DatabaseFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MDB_REVERSEKEY`
    public static let reverseKey = DatabaseFlags(rawValue: UInt32(MDB_REVERSEKEY))
    /// `MDB_DUPSORT`
    public static let duplicateSort = DatabaseFlags(rawValue: UInt32(MDB_DUPSORT))
    /// `MDB_INTEGERKEY`: keys are native-endian `UInt32` or `size_t`.
    public static let integerKey = DatabaseFlags(rawValue: UInt32(MDB_INTEGERKEY))
    /// `MDB_DUPFIXED`
    public static let duplicateFixed = DatabaseFlags(rawValue: UInt32(MDB_DUPFIXED))
    /// `MDB_INTEGERDUP`
    public static let integerDuplicate = DatabaseFlags(rawValue: UInt32(MDB_INTEGERDUP))
    /// `MDB_REVERSEDUP`
    public static let reverseDuplicate = DatabaseFlags(rawValue: UInt32(MDB_REVERSEDUP))
    /// `MDB_CREATE`: set by ``Environment`` itself for writable environments.
    public static let create = DatabaseFlags(rawValue: UInt32(MDB_CREATE))
}

/// Flags for `mdb_put`. Each raw value is the matching `MDB_*` constant.
public struct WriteFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MDB_NOOVERWRITE`: fail with ``LMDBError/keyExists`` if the key is present.
    public static let noOverwrite = WriteFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// `MDB_NODUPDATA`
    public static let noDuplicateData = WriteFlags(rawValue: UInt32(MDB_NODUPDATA))
    /// `MDB_APPEND`: the key sorts after every key present; fails with ``LMDBError/keyExists`` otherwise.
    public static let append = WriteFlags(rawValue: UInt32(MDB_APPEND))
    /// `MDB_APPENDDUP`
    public static let appendDuplicate = WriteFlags(rawValue: UInt32(MDB_APPENDDUP))
}
