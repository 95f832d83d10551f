import CLMDB
import Foundation
@testable import LMDB
import Testing
import TestSupport

@Suite("LMDB wrapper")
struct EnvironmentTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("lmdb") }

    func open(mapSize: Int = 1 << 24, readOnly: Bool = false) throws -> Environment {
        var configuration = Environment.Configuration()
        configuration.mapSize = mapSize
        configuration.readOnly = readOnly
        return try Environment(path: directory.path, databases: ["main": [], "other": []], configuration: configuration)
    }

    @Test func flagsCarryTheirCConstants() {
        #expect(EnvironmentFlags.noSubdirectory.rawValue == UInt32(MDB_NOSUBDIR))
        #expect(EnvironmentFlags.readOnly.rawValue == UInt32(MDB_RDONLY))
        #expect(EnvironmentFlags.noMetaSync.rawValue == UInt32(MDB_NOMETASYNC))
        #expect(EnvironmentFlags.noSync.rawValue == UInt32(MDB_NOSYNC))
        #expect(EnvironmentFlags.noThreadLocalStorage.rawValue == UInt32(MDB_NOTLS))
        #expect(EnvironmentFlags.noLock.rawValue == UInt32(MDB_NOLOCK))
        #expect(EnvironmentFlags.writeMap.rawValue == UInt32(MDB_WRITEMAP))
        #expect(EnvironmentFlags.mapAsync.rawValue == UInt32(MDB_MAPASYNC))
        #expect(EnvironmentFlags.noReadAhead.rawValue == UInt32(MDB_NORDAHEAD))
        #expect(EnvironmentFlags.noMemoryInit.rawValue == UInt32(MDB_NOMEMINIT))
        #expect(EnvironmentFlags.fixedMap.rawValue == UInt32(MDB_FIXEDMAP))
        #expect(DatabaseFlags.reverseKey.rawValue == UInt32(MDB_REVERSEKEY))
        #expect(DatabaseFlags.duplicateSort.rawValue == UInt32(MDB_DUPSORT))
        #expect(DatabaseFlags.integerKey.rawValue == UInt32(MDB_INTEGERKEY))
        #expect(DatabaseFlags.duplicateFixed.rawValue == UInt32(MDB_DUPFIXED))
        #expect(DatabaseFlags.integerDuplicate.rawValue == UInt32(MDB_INTEGERDUP))
        #expect(DatabaseFlags.reverseDuplicate.rawValue == UInt32(MDB_REVERSEDUP))
        #expect(DatabaseFlags.create.rawValue == UInt32(MDB_CREATE))
        #expect(WriteFlags.noOverwrite.rawValue == UInt32(MDB_NOOVERWRITE))
        #expect(WriteFlags.noDuplicateData.rawValue == UInt32(MDB_NODUPDATA))
        #expect(WriteFlags.append.rawValue == UInt32(MDB_APPEND))
        #expect(WriteFlags.appendDuplicate.rawValue == UInt32(MDB_APPENDDUP))
    }

    @Test func mappedPagesAreDroppedOnlyOnceTheAllowanceIsSpent() throws {
        #if os(Linux)
        let env = try open(mapSize: 1 << 27)
        let main = try env.database("main")
        // 32 MiB of values, then read byte by byte: their pages are mapped into this process.
        let value = [UInt8](repeating: 7, count: 4_000)
        try env.write { txn in
            for key in 0..<8_192 { try txn.put(value, forKey: withUnsafeBytes(of: UInt32(key).bigEndian) { Array($0) }, in: main) }
        }
        env.releaseMappedPages()
        let before = try #require(Environment.residentSharedBytes())
        let large = env.mappedPageAllowance(64 << 20)
        let small = env.mappedPageAllowance(8 << 20)
        #expect(try #require(large.limit) >= before + (64 << 20))
        let sum = try env.read { txn in
            var sum = 0
            for key in 0..<8_192 {
                sum += try txn.get(withUnsafeBytes(of: UInt32(key).bigEndian) { Array($0) }, in: main)?.count ?? 0
            }
            return sum
        }
        #expect(sum == 8_192 * 4_000)
        let read = try #require(Environment.residentSharedBytes())
        #expect(read - before > 24 << 20)
        large.check()
        #expect(try #require(Environment.residentSharedBytes()) > before + (24 << 20))
        small.check()
        #expect(try #require(Environment.residentSharedBytes()) < read - (24 << 20))
        #endif
    }

    @Test func theDataFileIsReadAheadOnlyBelowTheSizeGiven() throws {
        let env = try open()
        let main = try env.database("main")
        try env.write { txn in
            for i in 0..<3_000 { try txn.put([UInt8](repeating: 7, count: 1_000), forKey: Array(String(i).utf8), in: main) }
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: directory.appending("data.mdb"))[.size] as? Int)
        #expect(size > 2_000_000)
        #if os(Linux)
        #expect(env.readAheadDataFile(maximumBytes: size))
        #endif
        #expect(!env.readAheadDataFile(maximumBytes: size - 1))
    }

    @Test func valuesWrittenInOneTransactionAreReadInTheNext() throws {
        let env = try open()
        let main = try env.database("main")
        try env.write { txn in
            try txn.put(Array("one".utf8), forKey: [1], in: main)
            try txn.put(Array("two".utf8), forKey: [2], in: main)
        }
        let (one, missing, count) = try env.read { txn in
            (try txn.get([1], in: main), try txn.get([9], in: main), try txn.count(main))
        }
        #expect(one == Array("one".utf8))
        #expect(missing == nil)
        #expect(count == 2)
    }

    @Test func aThrowingWriteLeavesNothingBehind() throws {
        struct Refused: Error {}
        let env = try open()
        let main = try env.database("main")
        #expect(throws: Refused.self) {
            try env.write { txn in
                try txn.put([7], forKey: [1], in: main)
                throw Refused()
            }
        }
        #expect(try env.read { try $0.count(main) } == 0)
    }

    @Test func namedDatabasesAreSeparate() throws {
        let env = try open()
        let main = try env.database("main")
        let other = try env.database("other")
        try env.write { txn in try txn.put([1], forKey: [1], in: main) }
        #expect(try env.read { try $0.get([1], in: other) } == nil)
        #expect(throws: LMDBError.notFound) { try env.database("undeclared") }
    }

    @Test func noOverwriteAndAppendRefuseWithKeyExists() throws {
        let env = try open()
        let main = try env.database("main")
        try env.write { txn in try txn.put([1], forKey: [0, 5], in: main, flags: .append) }
        var caught: LMDBError?
        do {
            try env.write { txn in try txn.put([2], forKey: [0, 5], in: main, flags: .noOverwrite) }
        } catch LMDBError.keyExists {
            caught = .keyExists
        }
        #expect(caught == .keyExists)
        // A key that does not sort last cannot be appended.
        #expect(throws: LMDBError.keyExists) {
            try env.write { txn in try txn.put([3], forKey: [0, 1], in: main, flags: .append) }
        }
        #expect(try env.read { try $0.get([0, 5], in: main) } == [1])
    }

    @Test func cursorsWalkInKeyOrderFromAnyKey() throws {
        let env = try open()
        let main = try env.database("main")
        try env.write { txn in
            for k in [UInt8]([5, 1, 3, 9, 7]) { try txn.put([k * 10], forKey: [k], in: main) }
        }
        let (fromFour, last) = try env.read { txn in
            try txn.withCursor(on: main) { cursor -> ([UInt8], UInt8?) in
                var keys: [UInt8] = []
                var move = Cursor.Move.atOrAfter([4])
                while let key = try cursor.move(move, { key, _ in key[0] }) {
                    keys.append(key)
                    move = .next
                }
                return (keys, try cursor.move(.last) { _, value in value[0] })
            }
        }
        #expect(fromFour == [5, 7, 9])
        #expect(last == 90)
    }

    @Test func aSecondReadOnTheSameThreadWorks() throws {
        // Without MDB_NOTLS the inner begin fails with MDB_BAD_RSLOT.
        let env = try open()
        let main = try env.database("main")
        try env.write { txn in try txn.put([1], forKey: [1], in: main) }
        let inner = try env.read { _ in try env.read { try $0.get([1], in: main) } }
        #expect(inner == [1])
    }

    @Test func concurrentReadsEachGetATransactionOfOneSnapshot() throws {
        let env = try open()
        let main = try env.database("main")
        try env.write { txn in try txn.put(Array("one".utf8), forKey: [1], in: main) }
        let results = try env.readConcurrently(4) { index, txn in
            (index, mdb_txn_id(txn.handle.pointer), try txn.get([1], in: main))
        }
        #expect(results.map(\.0) == [0, 1, 2, 3])
        #expect(Set(results.map(\.1)).count == 1)
        #expect(results.allSatisfy { $0.2 == Array("one".utf8) })
        // Every transaction has ended: a write (which would wait for a map resize) goes through.
        try env.write { txn in try txn.put(Array("two".utf8), forKey: [2], in: main) }
        #expect(try env.read { try $0.count(main) } == 2)
    }

    @Test func aFailingConcurrentReadThrowsTheLowestIndexsError() throws {
        struct Failure: Error, Equatable { let index: Int }
        let env = try open()
        #expect(throws: Failure(index: 1)) {
            try env.readConcurrently(3) { index, _ in
                if index > 0 { throw Failure(index: index) }
                return index
            }
        }
        #expect(try env.readConcurrently(1) { index, _ in index } == [0])
    }

    @Test func theMapGrowsWhenAWriteFillsIt() throws {
        let env = try open(mapSize: 64 << 10)
        let main = try env.database("main")
        let start = env.mapSize
        let value = [UInt8](repeating: 0xAB, count: 1_000)
        for batch in 0..<40 {
            try env.write { txn in
                for i in 0..<50 {
                    let key = withUnsafeBytes(of: UInt32(batch * 50 + i).bigEndian) { [UInt8]($0) }
                    try txn.put(value, forKey: key, in: main)
                }
            }
        }
        #expect(env.mapSize > start)
        #expect(try env.read { try $0.count(main) } == 2_000)
    }

    @Test func aReadOnlyEnvironmentRefusesWrites() throws {
        do {
            let env = try open()
            let main = try env.database("main")
            try env.write { txn in try txn.put([1], forKey: [1], in: main) }
        }
        let env = try open(readOnly: true)
        let main = try env.database("main")
        #expect(try env.read { try $0.get([1], in: main) } == [1])
        #expect(throws: LMDBError(code: EACCES)) {
            try env.write { txn in try txn.put([2], forKey: [2], in: main) }
        }
    }

    @Test func errorsCarryLMDBsMessageAndTheContext() throws {
        let missing = directory.appending("does-not-exist")
        #expect {
            _ = try Environment(path: missing)
        } throws: { error in
            guard let error = error as? LMDBError else { return false }
            return error.code == ENOENT && error.description.contains("No such file or directory")
                && error.description.contains(missing)
        }
    }
}
