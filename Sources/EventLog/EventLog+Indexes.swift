import LMDB

/// Derived indexes: named key-value stores beside the log, in the same environment, that the
/// layer above keeps in step with the entries (in the transaction that appends them) and can
/// rebuild from the log alone. Unlike entries, index values may be replaced and deleted.
extension EventLog {
    static let indexPrefix = "index:"

    /// Whether every one of these indexes is there.
    public func hasIndexes(_ names: [String]) -> Bool {
        names.allSatisfy { indexes[$0] != nil }
    }

    func index(_ name: String) throws(EventLogError) -> Database {
        guard let db = indexes[name] else {
            throw .storage(LMDBError(code: -1, context: "index '\(name)' was not declared when \(path) was opened"))
        }
        return db
    }

    /// Reads the indexes and the entries in one read transaction, a consistent snapshot.
    public func readIndexes<R>(_ body: (borrowing IndexReader) throws -> R) throws -> R {
        try environment.read { txn in
            try body(IndexReader(txn: ReadTransaction(handle: txn.handle.pointer), log: self))
        }
    }

    /// Reads the indexes and the entries on `count` threads at once, each in a read transaction
    /// of its own, all of one snapshot (see ``LMDB/Environment/readConcurrently(_:_:)``): the
    /// results of `body` in index order.
    public func readIndexesConcurrently<R: Sendable>(_ count: Int, _ body: @Sendable (Int, borrowing IndexReader) throws -> R) throws -> [R] {
        try environment.readConcurrently(count) { i, txn in
            try body(i, IndexReader(txn: ReadTransaction(handle: txn.handle.pointer), log: self))
        }
    }

    /// Updates the indexes in their own write transaction (a rebuild, say); the entries
    /// can be read but not written.
    /// The pages the transaction read are let go once it commits (``PageResidency``).
    public func updateIndexes<R>(_ body: (inout IndexWriter) throws -> R) throws -> R {
        let result = try environment.write { txn in
            var writer = IndexWriter(txn: WriteTransaction(handle: txn.handle.pointer, state: txn.state), log: self)
            return try body(&writer)
        }
        residency.release()
        return result
    }
}

/// What both ``IndexReader`` and ``IndexWriter`` can read.
public protocol IndexReading: ~Copyable {
    /// The value under `key`, copied.
    func get(_ key: [UInt8], in index: String) throws -> [UInt8]?
    /// Lends each key and value from the first key ≥ `start`, in key order, until `body` returns `false`.
    func scan(_ index: String, from start: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws
    /// The last key ≤ `key` and its value, copied.
    func last(atOrBefore key: [UInt8], in index: String) throws -> (key: [UInt8], value: [UInt8])?
    /// Lends the entry at `sequence`.
    func withEntry<R>(at sequence: UInt64, _ body: (EntryView) throws -> R) throws -> R?
    /// The sequence recorded for an entry id.
    func sequence(of id: String) throws -> UInt64?
    /// The log's last sequence and hash in this transaction.
    func head() throws -> Head
}

/// Read access, within one read transaction, to the indexes and the entries.
public struct IndexReader: IndexReading, ~Copyable {
    let txn: ReadTransaction
    let log: EventLog

    /// The value under `key`, copied.
    public func get(_ key: [UInt8], in index: String) throws -> [UInt8]? {
        try txn.get(key, in: try log.index(index))
    }

    /// Lends each key and value from the first key ≥ `start`, in key order, until `body`
    /// returns `false`.
    public func scan(_ index: String, from start: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        try scanIndex(txn, try log.index(index), from: start, log.residency, body)
    }

    /// The last key ≤ `key` and its value, copied.
    public func last(atOrBefore key: [UInt8], in index: String) throws -> (key: [UInt8], value: [UInt8])? {
        log.residency.lent(PageResidency.scatteredRead)
        return try lastEntry(txn, try log.index(index), atOrBefore: key)
    }

    /// Lends the entry at `sequence`.
    public func withEntry<R>(at sequence: UInt64, _ body: (EntryView) throws -> R) throws -> R? {
        log.residency.lent(PageResidency.scatteredRead)
        return try entryView(txn, log, sequence, body)
    }

    /// The sequence recorded for an entry id.
    public func sequence(of id: String) throws -> UInt64? {
        try txn.withValue(forKey: Array(id.utf8), in: log.ids) { Layout.sequence($0) } ?? nil
    }

    /// The log's last sequence and hash in this snapshot.
    public func head() throws -> Head { try log.readHead(txn) }
}

/// Read and write access to the indexes, read access to the entries, within one write
/// transaction.
public struct IndexWriter: IndexReading, ~Copyable {
    let txn: WriteTransaction
    let log: EventLog

    public func get(_ key: [UInt8], in index: String) throws -> [UInt8]? {
        try txn.get(key, in: try log.index(index))
    }

    public func put(_ value: [UInt8], forKey key: [UInt8], in index: String) throws {
        try txn.put(value, forKey: key, in: try log.index(index))
    }

    /// Puts a value without copying it first; with `appending`, under a key that must sort
    /// after every key of the index (LMDB's `MDB_APPEND`: no search, and pages filled before a
    /// new one is begun, where keys put in order otherwise leave them half full). A key that
    /// does not sort last throws (`MDB_KEYEXIST`) and puts nothing.
    public func put(_ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer, in index: String, appending: Bool) throws {
        try txn.put(value, forKey: key, in: try log.index(index), flags: appending ? .append : [])
    }

    /// The index's last key, if it holds any.
    public func lastKey(in index: String) throws -> [UInt8]? {
        try txn.withCursor(on: try log.index(index)) { cursor in
            try cursor.move(.last) { key, _ in [UInt8](key) }
        }
    }

    @discardableResult
    public func delete(_ key: [UInt8], in index: String) throws -> Bool {
        try txn.delete(key, in: try log.index(index))
    }

    /// Empties an index.
    public func clear(_ index: String) throws {
        try txn.empty(try log.index(index))
    }

    public func scan(_ index: String, from start: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        try scanIndex(txn, try log.index(index), from: start, log.residency, body)
    }

    public func last(atOrBefore key: [UInt8], in index: String) throws -> (key: [UInt8], value: [UInt8])? {
        log.residency.lent(PageResidency.scatteredRead)
        return try lastEntry(txn, try log.index(index), atOrBefore: key)
    }

    public func withEntry<R>(at sequence: UInt64, _ body: (EntryView) throws -> R) throws -> R? {
        log.residency.lent(PageResidency.scatteredRead)
        return try entryView(txn, log, sequence, body)
    }

    public func sequence(of id: String) throws -> UInt64? {
        try txn.withValue(forKey: Array(id.utf8), in: log.ids) { Layout.sequence($0) } ?? nil
    }

    public func head() throws -> Head { try log.readHead(txn) }

}

private func scanIndex(_ txn: borrowing some ReadableTransaction & ~Copyable, _ db: Database, from start: [UInt8],
                       _ residency: PageResidency, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
    var rows = 0
    defer { residency.lent(rows % 1_024 + 1) }
    try txn.withCursor(on: db) { cursor in
        // LMDB refuses an empty key: from nothing means from the first key.
        var move = start.isEmpty ? Cursor.Move.first : .atOrAfter(start)
        while try cursor.move(move, body) == true {
            move = .next
            rows += 1
            if rows % 1_024 == 0 { residency.lent(1_024) }
        }
    }
}

private func lastEntry(_ txn: borrowing some ReadableTransaction & ~Copyable, _ db: Database,
                       atOrBefore key: [UInt8]) throws -> (key: [UInt8], value: [UInt8])? {
    try txn.withCursor(on: db) { cursor in
        let copy: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> (key: [UInt8], value: [UInt8]) = { ([UInt8]($0), [UInt8]($1)) }
        if let found = try cursor.move(.atOrAfter(key), copy) {
            if found.key == key { return found }
            return try cursor.move(.previous, copy)
        }
        return try cursor.move(.last, copy)
    }
}

private func entryView<R>(_ txn: borrowing some ReadableTransaction & ~Copyable, _ log: EventLog, _ sequence: UInt64,
                          _ body: (EntryView) throws -> R) throws -> R? {
    try txn.withValue(forKey: Layout.key(sequence), in: log.entries) { value in
        guard let view = Layout.decode(sequence: sequence, value) else {
            throw EventLogError.damagedEntry(sequence: sequence, reason: "value of \(value.count) bytes is shorter than its header")
        }
        return try body(view)
    }
}
