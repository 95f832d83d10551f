import CLMDB

/// A cursor over one database, lent by ``ReadableTransaction/withCursor(on:_:)`` and closed
/// when that closure returns.
///
/// Each move lends the key and value it lands on to a closure; the bytes point into the map
/// and are valid only inside that closure.
public struct Cursor: ~Copyable {
    /// Where a move goes.
    public enum Move: Sendable {
        /// The first entry.
        case first
        /// The last entry.
        case last
        /// The entry after the current one (the first, for an unpositioned cursor).
        case next
        /// The entry before the current one (the last, for an unpositioned cursor).
        case previous
        /// The first entry whose key is greater than or equal to the key.
        case atOrAfter([UInt8])
        /// The entry whose key equals the key.
        case exactly([UInt8])
    }

    private let handle: OpaquePointer
    private let database: Database

    init(handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    deinit { mdb_cursor_close(handle) }

    /// Moves the cursor and lends the entry it lands on to `body`.
    /// - Returns: what `body` returned, or `nil` when there is no such entry.
    public mutating func move<R>(
        _ move: Move, _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        var k = MDB_val()
        var v = MDB_val()
        let code: Int32
        switch move {
        case .first: code = mdb_cursor_get(handle, &k, &v, MDB_FIRST)
        case .last: code = mdb_cursor_get(handle, &k, &v, MDB_LAST)
        case .next: code = mdb_cursor_get(handle, &k, &v, MDB_NEXT)
        case .previous: code = mdb_cursor_get(handle, &k, &v, MDB_PREV)
        case .atOrAfter(let key), .exactly(let key):
            let op = if case .exactly = move { MDB_SET_KEY } else { MDB_SET_RANGE }
            code = key.withUnsafeBytes { keyBytes in
                k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                return mdb_cursor_get(handle, &k, &v, op)
            }
        }
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_cursor_get in \(database.name)")
        return try body(
            UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
            UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
        )
    }
}
