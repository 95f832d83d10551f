import CLMDB

/// A named database of an ``Environment``: a handle opened once, at start, and valid for the
/// environment's lifetime.
public struct Database: Sendable, Hashable {
    /// The database's name in the environment.
    public let name: String
    let dbi: MDB_dbi
}
