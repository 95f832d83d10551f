import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Operations every transaction offers: reads and cursors.
///
/// A transaction is lent to a closure by ``Environment/read(_:)`` or ``Environment/write(_:)``
/// and is `~Copyable`, so it cannot outlive that closure.
public protocol ReadableTransaction: ~Copyable {
    /// The transaction LMDB knows: opaque outside this package.
    var handle: TransactionHandle { get }
}

/// A transaction as LMDB knows it. Only this package's layers can read the `MDB_txn *` in it,
/// valid only while the transaction is lent; to anyone else it is opaque.
public struct TransactionHandle {
    package let pointer: OpaquePointer
}

/// A read-only snapshot of the environment.
public struct ReadTransaction: ReadableTransaction, ~Copyable {
    public let handle: TransactionHandle
    /// A view of a transaction lent to a closure; for the layers of this package only.
    package init(handle: OpaquePointer) { self.handle = TransactionHandle(pointer: handle) }
}

/// A write transaction. There is at most one at a time per environment, across processes.
public struct WriteTransaction: ReadableTransaction, ~Copyable {
    /// What the environment needs to learn from the body, whatever the body does with errors.
    package final class State {
        var mapFull: LMDBError?
        init() {}
    }

    public let handle: TransactionHandle
    package let state: State

    /// A view of a transaction lent to a closure; for the layers of this package only.
    package init(handle: OpaquePointer, state: State) {
        self.handle = TransactionHandle(pointer: handle)
        self.state = state
    }

    /// Stores `value` under `key`.
    ///
    /// - Throws: ``LMDBError/keyExists`` with `.noOverwrite` or `.append` when the key is
    ///   present or, for `.append`, does not sort last; ``LMDBError/mapFull`` when the map is
    ///   full (the environment grows it and runs the write again).
    public func put(_ value: [UInt8], forKey key: [UInt8], in db: Database, flags: WriteFlags = []) throws {
        try value.withUnsafeBytes { valueBytes in
            try key.withUnsafeBytes { keyBytes in
                try put(valueBytes, forKey: keyBytes, in: db, flags: flags)
            }
        }
    }

    /// Stores `value` under `key`, from borrowed bytes. See ``put(_:forKey:in:flags:)-([UInt8],_,_,_)``.
    public func put(_ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer, in db: Database, flags: WriteFlags = []) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try record(mdb_put(handle.pointer, db.dbi, &k, &v, flags.rawValue), "mdb_put in \(db.name)")
    }

    /// Reserves `size` bytes under `key` and lets `fill` write them in place (`MDB_RESERVE`),
    /// which saves a copy for large values. The buffer is valid only inside `fill`.
    public func put(reserving size: Int, forKey key: [UInt8], in db: Database, flags: WriteFlags = [],
                    fill: (UnsafeMutableRawBufferPointer) -> Void) throws {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var v = MDB_val(mv_size: size, mv_data: nil)
            try record(mdb_put(handle.pointer, db.dbi, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)), "mdb_put(reserve) in \(db.name)")
            fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: size))
        }
    }

    /// Stores `value` under `key` unless the key is there (`MDB_NOOVERWRITE`); then lends the
    /// value already stored to `existing` instead. One descent of the tree either way.
    /// - Returns: `nil` when stored, else what `existing` returned.
    public func insert<R>(_ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer, in db: Database,
                          existing: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        let code = mdb_put(handle.pointer, db.dbi, &k, &v, UInt32(MDB_NOOVERWRITE))
        if code == MDB_KEYEXIST {
            return try existing(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
        }
        try record(code, "mdb_put(no overwrite) in \(db.name)")
        return nil
    }

    /// ``put(reserving:forKey:in:flags:fill:)`` with a key lent as bytes.
    public func put(reserving size: Int, forKey key: UnsafeRawBufferPointer, in db: Database, flags: WriteFlags = [],
                    fill: (UnsafeMutableRawBufferPointer) -> Void) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: size, mv_data: nil)
        try record(mdb_put(handle.pointer, db.dbi, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)), "mdb_put(reserve) in \(db.name)")
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: size))
    }

    /// Deletes `key` and its value.
    /// - Returns: `false` when the key was not there.
    @discardableResult
    public func delete(_ key: [UInt8], in db: Database) throws -> Bool {
        let code = key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(handle.pointer, db.dbi, &k, nil)
        }
        if code == MDB_NOTFOUND { return false }
        try record(code, "mdb_del in \(db.name)")
        return true
    }

    /// Deletes every entry of `db`, keeping the database.
    public func empty(_ db: Database) throws {
        try record(mdb_drop(handle.pointer, db.dbi, 0), "mdb_drop(\(db.name))")
    }

    /// Checks a code, remembering `MDB_MAP_FULL` so the environment can grow and retry even
    /// when the body catches the error.
    private func record(_ code: Int32, _ context: @autoclosure () -> String) throws(LMDBError) {
        if code == MDB_MAP_FULL { state.mapFull = LMDBError(code: code, context: context()) }
        try check(code, context())
    }
}

extension ReadableTransaction where Self: ~Copyable {
    /// A copy of the value stored under `key`, or `nil`.
    public func get(_ key: [UInt8], in db: Database) throws -> [UInt8]? {
        try withValue(forKey: key, in: db) { [UInt8]($0) }
    }

    /// Lends the bytes stored under `key` to `body`, without copying; `nil` when absent.
    /// The bytes point into the map and are valid only inside `body`.
    public func withValue<R>(forKey key: [UInt8], in db: Database, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try key.withUnsafeBytes { try withValue(forKey: $0, in: db, body) }
    }

    /// ``withValue(forKey:in:_:)-([UInt8],_,_)`` with a key lent as bytes, which saves a copy when
    /// the key itself points into the map.
    public func withValue<R>(forKey key: UnsafeRawBufferPointer, in db: Database, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        var v = MDB_val()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let code = mdb_get(handle.pointer, db.dbi, &k, &v)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_get in \(db.name)")
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// The number of entries in `db`.
    public func count(_ db: Database) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle.pointer, db.dbi, &stat), "mdb_stat(\(db.name))")
        return stat.ms_entries
    }

    /// Opens a cursor on `db`, lends it to `body`, and closes it on every path.
    public func withCursor<R>(on db: Database, _ body: (inout Cursor) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle.pointer, db.dbi, &cursor), "mdb_cursor_open(\(db.name))")
        guard let cursor else { throw LMDBError(code: EINVAL, context: "mdb_cursor_open returned no cursor") }
        var owner = Cursor(handle: cursor, database: db)
        return try body(&owner)
    }
}
