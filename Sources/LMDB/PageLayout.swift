/// How LMDB 0.9.24 lays out `data.mdb` on a 64-bit little-endian machine, for the checks that
/// read the file with `pread` instead of trusting the map (see ``StructureCheck``).
///
/// `lmdb.h` publishes none of this: the structs are private to `mdb.c` (`MDB_page`, `MDB_node`,
/// `MDB_meta`, `MDB_db`). The offsets below are theirs, with `pgno_t` and `size_t` 8 bytes and
/// `indx_t` 2, as a hexdump of a real file shows them; `PageLayoutTests` holds them to files
/// LMDB wrote, and to what `mdb_stat` and `mdb_env_info` say of them.
///
/// ```
/// page     0: pgno (8)  2/8: pad (2)  10: flags (2)  12: lower (2)  14: upper (2)   16: ptrs…
///          (an overflow page's 12: the number of pages of its run (4))
/// meta    16: magic (4) 20: version (4) 24: address (8) 32: mapsize (8)
///         40: free DB (48) 88: main DB (48) 136: last page (8) 144: txnid (8)
/// db       0: pad (4: the page size, in the free DB's) 4: flags (2) 6: depth (2)
///          8: branch pages  16: leaf pages  24: overflow pages  32: entries  40: root (8 each)
/// node     0: lo (2) 2: hi (2) 4: flags (2) 6: key size (2) 8: key, then data
///          (a leaf's data size is lo | hi << 16; a branch's child is lo | hi << 16 | flags << 32)
/// ```
enum PageLayout {
    static let headerSize = 16
    static let nodeHeaderSize = 8
    static let databaseRecordSize = 48

    // MDB_page flags.
    static let branch: UInt16 = 0x01
    static let leaf: UInt16 = 0x02
    static let overflow: UInt16 = 0x04
    static let meta: UInt16 = 0x08
    static let leaf2: UInt16 = 0x20
    static let subpage: UInt16 = 0x40

    // MDB_node flags.
    static let bigData: UInt16 = 0x01
    static let subData: UInt16 = 0x02
    static let duplicateData: UInt16 = 0x04

    static let magic: UInt32 = 0xBEEF_C0DE
    static let dataVersion: UInt32 = 1
    /// `P_INVALID`: the root of an empty tree.
    static let invalidPage = UInt64.max
    /// `CURSOR_STACK`: no tree is deeper than a cursor can descend.
    static let maximumDepth = 32
    /// `MDB_MAXKEYSIZE` of a default build.
    static let maximumKeySize = 511
    /// The meta pages; data pages follow.
    static let metaPages: UInt64 = 2

    // Offsets in a meta page.
    static let metaMagic = 16
    static let metaVersion = 20
    static let metaMapSize = 32
    static let metaFreeDatabase = 40
    static let metaMainDatabase = 88
    static let metaLastPage = 136
    static let metaTransaction = 144
    /// The bytes of a meta page that hold anything.
    static let metaSize = 152

    /// The number of pages an overflow value of `size` bytes takes (`OVPAGES`).
    static func overflowPages(_ size: UInt64, pageSize: Int) -> UInt64 {
        (UInt64(headerSize) - 1 + size) / UInt64(pageSize) + 1
    }
}

/// Little-endian loads from a page's bytes, bounds-checked by the caller.
extension UnsafeRawBufferPointer {
    func u16(_ offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
}

/// One B-tree's record (`MDB_db`): in a meta page for the free and main databases, in the main
/// database's leaves for each named one.
struct DatabaseRecord: Equatable {
    var pad: UInt32
    var flags: UInt16
    var depth: UInt16
    var branchPages: UInt64
    var leafPages: UInt64
    var overflowPages: UInt64
    var entries: UInt64
    var root: UInt64

    /// Reads the record at `offset`, which must leave 48 bytes.
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        pad = bytes.u32(offset)
        flags = bytes.u16(offset + 4)
        depth = bytes.u16(offset + 6)
        branchPages = bytes.u64(offset + 8)
        leafPages = bytes.u64(offset + 16)
        overflowPages = bytes.u64(offset + 24)
        entries = bytes.u64(offset + 32)
        root = bytes.u64(offset + 40)
    }

    var isEmpty: Bool { root == PageLayout.invalidPage }
}

/// A meta page (`MDB_meta` after its page header).
struct MetaPage: Equatable {
    var pageNumber: UInt64
    var pageFlags: UInt16
    var magic: UInt32
    var version: UInt32
    var mapSize: UInt64
    var free: DatabaseRecord
    var main: DatabaseRecord
    var lastPage: UInt64
    var transaction: UInt64

    /// Reads a meta page from its first ``PageLayout/metaSize`` bytes.
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= PageLayout.metaSize else { return nil }
        pageNumber = bytes.u64(0)
        pageFlags = bytes.u16(10)
        magic = bytes.u32(PageLayout.metaMagic)
        version = bytes.u32(PageLayout.metaVersion)
        mapSize = bytes.u64(PageLayout.metaMapSize)
        free = DatabaseRecord(bytes, at: PageLayout.metaFreeDatabase)
        main = DatabaseRecord(bytes, at: PageLayout.metaMainDatabase)
        lastPage = bytes.u64(PageLayout.metaLastPage)
        transaction = bytes.u64(PageLayout.metaTransaction)
    }

    /// The page size, which LMDB keeps in the free database's pad.
    var pageSize: Int { Int(free.pad) }
    /// The pages the file must hold for this meta's snapshot.
    var pageCount: UInt64 { lastPage &+ 1 }
}
