import CLMDB
import Foundation
@testable import LMDB
import Testing
import TestSupport

/// What LMDB would fault on (it has no page checksums and follows every page number it reads)
/// is found with `pread` first and reported as damage; a lock file deleted or replaced under a
/// writer stops its writes.
@Suite("Damaged environments")
struct DamagedEnvironmentTests {
    let directory: TemporaryDirectory
    var data: String { directory.appending("data.mdb") }
    var lock: String { directory.appending("lock.mdb") }

    init() throws { directory = try TemporaryDirectory("lmdb-damage") }

    func open(readOnly: Bool = false, check: StructureCheckDepth = .roots) throws(LMDBError) -> Environment {
        var configuration = Environment.Configuration()
        configuration.mapSize = 1 << 26
        configuration.readOnly = readOnly
        configuration.structureCheck = check
        return try Environment(path: directory.path, databases: ["values": []], configuration: configuration)
    }

    /// 6,000 values of 300 bytes: a tree of depth 3, some 500 pages.
    func fill() throws {
        let env = try open()
        let values = try env.database("values")
        try env.write { txn in
            for i in 0..<6_000 {
                try txn.put([UInt8](repeating: UInt8(i % 200), count: 300), forKey: withUnsafeBytes(of: UInt32(i).bigEndian) { Array($0) }, in: values)
            }
        }
    }

    /// What an open, then a full check, find: the open's error, or the check's problems.
    func findings() -> [String] {
        do {
            let env = try open()
            return try env.checkStructure(.full).problems
        } catch {
            return [error.description]
        }
    }

    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: data)) }
    func write(_ bytes: Data) throws { try bytes.write(to: URL(fileURLWithPath: data)) }

    @Test func aDataFileCutShortIsRefusedAtEveryOpenAsDamage() throws {
        try fill()
        let size = try bytes().count
        for length in [size / 2, 3 * 4_096, 4_096 + 200] {
            try FileHandle(forWritingTo: URL(fileURLWithPath: data)).truncate(atOffset: UInt64(length))
            for readOnly in [false, true] {
                #expect {
                    _ = try open(readOnly: readOnly)
                } throws: { error in
                    guard let error = error as? LMDBError else { return false }
                    return error.isDamage && (error.description.contains("cut short") || error.description.contains("not an LMDB"))
                }
            }
        }
    }

    @Test func anEmptyDataFileIsRefusedNotTakenForANewEnvironment() throws {
        try fill()
        try FileHandle(forWritingTo: URL(fileURLWithPath: data)).truncate(atOffset: 0)
        for readOnly in [false, true] {
            #expect(throws: LMDBError.corrupted) { _ = try open(readOnly: readOnly) }
        }
        #expect(try bytes().isEmpty, "LMDB did not start a new environment over it")
    }

    @Test func filesThatAreNotRegularFilesAreRefused() throws {
        try fill()
        try FileManager.default.moveItem(atPath: lock, toPath: lock + ".moved")
        for make in [
            { (path: String) in try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) },
            { (path: String) in try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero") },
            { (path: String) in _ = mkfifo(path, 0o644) },
        ] {
            try make(lock)
            // Writable: opening a FIFO read-write does not block, so nothing here can hang.
            #expect(throws: LMDBError.invalid) { _ = try open() }
            try FileManager.default.removeItem(atPath: lock)
        }
        try FileManager.default.moveItem(atPath: data, toPath: data + ".moved")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        #expect(throws: LMDBError.invalid) { _ = try open() }
    }

    @Test func damagedPageHeadersAndNodesAreFoundNotFollowed() throws {
        try fill()
        let original = try bytes()
        let pageSize = 4_096
        // Pages of the "values" tree below its root: leaves, and the branches above them.
        var leaves: [Int] = []
        var branches: [Int] = []
        for page in 2..<(original.count / pageSize) {
            let flags = original[page * pageSize + 10]
            let number = original[(page * pageSize)..<(page * pageSize + 8)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            guard number == page else { continue }
            if flags == 0x02 { leaves.append(page) }
            if flags == 0x01 { branches.append(page) }
        }
        try #require(leaves.count > 100 && branches.count >= 2)
        let leaf = leaves[leaves.count / 2]
        let branch = branches[0]
        let damage: [(String, (inout Data) -> Void)] = [
            ("a leaf's page number", { $0[leaf * pageSize + 1] ^= 0x40 }),
            ("a leaf's flags", { $0[leaf * pageSize + 10] = 0x01 }),
            ("a leaf's lower bound", { $0[leaf * pageSize + 13] = 0xFF }),
            ("a leaf's upper bound", { $0[leaf * pageSize + 15] = 0x7F }),
            ("a leaf's first node offset", { $0[leaf * pageSize + 17] ^= 0x80 }),
            ("a branch's child", { data in
                let node = Int(data[branch * pageSize + 16]) | Int(data[branch * pageSize + 17]) << 8
                data[branch * pageSize + node + 2] = 0x7F  // the child's page number, bits 16-23
            }),
            ("a branch's flags", { $0[branch * pageSize + 10] = 0x04 }),
        ]
        for (what, change) in damage {
            var damaged = original
            change(&damaged)
            try write(damaged)
            let found = findings()
            #expect(!found.isEmpty, "\(what) went unnoticed")
            try write(original)
        }
        #expect(findings().isEmpty)
    }

    /// A level of thousands of pages is read on several threads: what they find is what one
    /// thread finds, in the same order, whole or damaged in several places.
    @Test func aWalkSplitOverThreadsReportsWhatOneThreadReports() throws {
        let env = try open()
        let values = try env.database("values")
        // 12,000 values of 1,300 bytes, three to a page: some 4,000 leaves, split in up to 4 parts.
        try env.write { txn in
            for i in 0..<12_000 {
                try txn.put([UInt8](repeating: UInt8(i % 200), count: 1_300), forKey: withUnsafeBytes(of: UInt32(i).bigEndian) { Array($0) }, in: values)
            }
        }
        let whole = try env.checkStructure(.full, threads: 1)
        #expect(whole.isSound, "\(whole.problems)")
        #expect(whole.pagesChecked > 4 * UInt64(StructureWalk.minimumPagesPerPart))
        for threads in [2, 3, 4] { #expect(try env.checkStructure(.full, threads: threads) == whole) }

        let original = try bytes()
        let pageSize = 4_096
        let leaves = (2..<(original.count / pageSize)).filter { original[$0 * pageSize + 10] == 0x02 }
        try #require(leaves.count > 4 * StructureWalk.minimumPagesPerPart)
        var damaged = original
        // A leaf in each quarter, each its own way.
        let marked = [leaves[10], leaves[leaves.count / 3], leaves[leaves.count * 2 / 3], leaves[leaves.count - 10]]
        damaged[marked[0] * pageSize + 1] ^= 0x40
        damaged[marked[1] * pageSize + 13] = 0xFF
        damaged[marked[2] * pageSize + 10] = 0x01
        damaged[marked[3] * pageSize + 17] ^= 0x80
        try write(damaged)
        let single = try open().checkStructure(.full, threads: 1)
        #expect(single.problems.count >= marked.count)
        for (page, text) in zip(marked, single.problems) { #expect(text.contains("page \(page)"), "\(text)") }
        for threads in [2, 4] {
            let split = try open().checkStructure(.full, threads: threads)
            #expect(split.problems == single.problems)
            #expect(split.pagesChecked == single.pagesChecked)
        }
    }

    @Test func aLockFileDeletedUnderAWriterStopsItsWrites() throws {
        let env = try open()
        let values = try env.database("values")
        try env.write { txn in try txn.put([1], forKey: [1], in: values) }
        try FileManager.default.removeItem(atPath: lock)
        #expect(throws: LMDBError.lockFileReplaced) {
            try env.write { txn in try txn.put([2], forKey: [2], in: values) }
        }
        // Replaced by another file: the same.
        #expect(FileManager.default.createFile(atPath: lock, contents: Data(count: 8_192)))
        #expect(throws: LMDBError.lockFileReplaced) {
            try env.write { txn in try txn.put([2], forKey: [2], in: values) }
        }
        #expect(try env.read { try $0.count(values) } == 1, "nothing was written")
    }

    @Test func errorsAreClassedAsDamageInputOutputOrAReplacedLockFile() {
        #expect(LMDBError.corrupted.isDamage && LMDBError.invalid.isDamage && LMDBError.pageNotFound.isDamage)
        #expect(LMDBError(code: EIO).isInputOutputFailure && LMDBError(code: ENOSPC).isInputOutputFailure)
        #expect(LMDBError.lockFileReplaced.isLockFileReplaced && !LMDBError.lockFileReplaced.isDamage)
        #expect(!LMDBError.mapFull.isDamage && !LMDBError.mapFull.isInputOutputFailure)
    }
}
