import CLMDB
import Foundation
@testable import LMDB
import Testing
import TestSupport

/// The page, node, meta and database-record layout the structure checks read (LMDB 0.9.24's,
/// private to mdb.c), held to files LMDB wrote and to what LMDB's own API says of them.
@Suite("LMDB page layout")
struct PageLayoutTests {
    let directory: TemporaryDirectory
    let env: Environment

    /// An environment with a tree of depth 3 ("small": 20,000 small values), overflow values
    /// ("big"), an empty database, and free pages (a deletion, then more commits).
    init() throws {
        directory = try TemporaryDirectory("lmdb-layout")
        var configuration = Environment.Configuration()
        configuration.mapSize = 1 << 26
        env = try Environment(path: directory.path, databases: ["small": [], "big": [], "empty": []], configuration: configuration)
        let small = try env.database("small")
        let big = try env.database("big")
        try env.write { txn in
            for i in 0..<20_000 {
                try txn.put([UInt8](repeating: UInt8(i % 251), count: 100), forKey: withUnsafeBytes(of: UInt32(i).bigEndian) { Array($0) }, in: small)
            }
        }
        for i in 0..<3 {
            try env.write { txn in try txn.put([UInt8](repeating: UInt8(i), count: 10_000 + i * 5_000), forKey: [UInt8(i)], in: big) }
        }
        try env.write { txn in _ = try txn.delete([1], in: big) }
    }

    var descriptor: Int32 {
        var fd: Int32 = -1
        mdb_env_get_fd(env.handle, &fd)
        return fd
    }

    func page(_ number: UInt64, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        let read = bytes.withUnsafeMutableBytes { preadFully(descriptor, $0, at: off_t(number) * off_t(size)) }
        #expect(read.0 == size)
        return bytes
    }

    func lmdbStat(_ dbi: MDB_dbi) throws -> MDB_stat {
        try env.read { txn in
            var stat = MDB_stat()
            #expect(mdb_stat(txn.handle.pointer, dbi, &stat) == 0)
            return stat
        }
    }

    func expectRecord(_ record: DatabaseRecord, equals stat: MDB_stat, _ what: String) {
        #expect(Int(record.depth) == Int(stat.ms_depth), "\(what): depth")
        #expect(Int(record.branchPages) == stat.ms_branch_pages, "\(what): branch pages")
        #expect(Int(record.leafPages) == stat.ms_leaf_pages, "\(what): leaf pages")
        #expect(Int(record.overflowPages) == stat.ms_overflow_pages, "\(what): overflow pages")
        #expect(Int(record.entries) == stat.ms_entries, "\(what): entries")
    }

    /// Meta pages that no two commits leave are read again (another process may have committed
    /// between the two reads) and, still so, refused as damage.
    @Test func metaPagesNoTwoCommitsLeaveAreReadAgainThenRefused() throws {
        let copy = try TemporaryDirectory("lmdb-metas")
        try FileManager.default.copyItem(atPath: directory.path + "/data.mdb", toPath: copy.path + "/data.mdb")
        let fd = open(copy.path + "/data.mdb", O_RDWR)
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(try Environment.readMetas(fd, path: copy.path).map(\.transaction) == [6, 5])
        // Meta page 1 now says transaction 9: between 6 and 9, two commits would have written page 0 again.
        var nine = UInt64(9).littleEndian
        let written = withUnsafeBytes(of: &nine) { pwrite(fd, $0.baseAddress, 8, off_t(4_096 + PageLayout.metaTransaction)) }
        try #require(written == 8)
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            _ = try Environment.readMetas(fd, path: copy.path)
        } throws: { error in
            (error as? LMDBError)?.description.contains("the meta pages hold transactions 6 and 9, which no two commits leave") == true
        }
        // Read again, with a growing pause, before it is called damage: 1 + 2 + … + 7 ms.
        #expect(clock.now - start >= .milliseconds(28))
    }

    @Test func theMetaPagesReadWithPreadSayWhatLMDBSays() throws {
        let metas = try Environment.readMetas(descriptor, path: directory.path)
        let newest = metas[0]
        var info = MDB_envinfo()
        #expect(mdb_env_info(env.handle, &info) == 0)
        var stat = MDB_stat()
        #expect(mdb_env_stat(env.handle, &stat) == 0)
        #expect(newest.magic == 0xBEEF_C0DE && newest.version == 1)
        #expect(newest.pageSize == Int(stat.ms_psize))
        #expect(newest.lastPage == UInt64(info.me_last_pgno))
        #expect(newest.transaction == UInt64(info.me_last_txnid))
        #expect(newest.mapSize == UInt64(info.me_mapsize))
        // Six commits (the databases' creation, five writes): the meta pages hold the last two,
        // each on the page of its parity.
        #expect(newest.transaction == 6 && metas[1].transaction == 5)
        #expect(newest.pageNumber == 0 && metas[1].pageNumber == 1)
        expectRecord(newest.main, equals: stat, "the main database")
        expectRecord(newest.free, equals: try lmdbStat(0), "the free-page database")
        #expect(newest.free.flags == UInt16(MDB_INTEGERKEY))
    }

    @Test func theMainDatabasesLeafRecordsEachNamedDatabaseAsMdbStatSeesIt() throws {
        let newest = try Environment.readMetas(descriptor, path: directory.path)[0]
        #expect(newest.main.depth == 1)
        let root = page(newest.main.root, size: newest.pageSize)
        try root.withUnsafeBytes { bytes in
            #expect(bytes.u64(0) == newest.main.root)
            #expect(bytes.u16(10) == PageLayout.leaf)
            let keys = (Int(bytes.u16(12)) - PageLayout.headerSize) / 2
            #expect(keys == 3)
            var names: [String] = []
            for i in 0..<keys {
                let node = Int(bytes.u16(PageLayout.headerSize + 2 * i))
                #expect(bytes.u16(node + 4) == PageLayout.subData)
                #expect(Int(bytes.u16(node)) == PageLayout.databaseRecordSize)
                let keySize = Int(bytes.u16(node + 6))
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(node + 8)..<(node + 8 + keySize)]), as: UTF8.self)
                names.append(name)
                let record = DatabaseRecord(bytes, at: node + 8 + keySize)
                expectRecord(record, equals: try lmdbStat(try env.database(name).dbi), name)
            }
            #expect(names == ["big", "empty", "small"])
        }
    }

    @Test func aValueOnOverflowPagesIsARunOfThePagesItNeeds() throws {
        let newest = try Environment.readMetas(descriptor, path: directory.path)[0]
        let report = try env.checkStructure(.full)
        #expect(report.isSound, "\(report.problems)")
        // "big" holds 10,000 and 20,000 bytes: 3 and 5 pages of 4 KiB (OVPAGES).
        #expect(PageLayout.overflowPages(10_000, pageSize: 4_096) == 3)
        #expect(PageLayout.overflowPages(20_000, pageSize: 4_096) == 5)
        #expect(Int(try lmdbStat(try env.database("big").dbi).ms_overflow_pages) == 8)
        _ = newest
    }

    @Test func aFullCheckOfASoundEnvironmentAccountsForEveryPage() throws {
        let report = try env.checkStructure(.full)
        #expect(report.isSound, "\(report.problems)")
        #expect(report.databases == ["big", "empty", "small"])
        #expect(report.freePages > 0, "the deletion freed pages")
        // Meta pages, pages in use (each read once) and free pages make up the file.
        #expect(report.pagesChecked + report.freePages + 2 == report.pageCount)
        #expect(try lmdbStat(try env.database("small").dbi).ms_depth == 3)
    }
}
