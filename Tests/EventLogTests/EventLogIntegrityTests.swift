import Foundation
import LMDB
import Testing
import TestSupport

@testable import EventLog

/// What the log checks before it is read: its counts against its head at every open, the whole
/// structure of its file at every verification; and that "no log" means no data file.
@Suite("Event log integrity")
struct EventLogIntegrityTests {
    let directory: TemporaryDirectory
    var data: String { directory.appending("data.mdb") }

    init() throws { directory = try TemporaryDirectory("eventlog-integrity") }

    func open(readOnly: Bool = false) throws -> EventLog {
        try EventLog(directory: directory.path, options: .init(readOnly: readOnly))
    }

    func thousandEntries() throws {
        let log = try open()
        try log.append((1...1_000).map { Record(id: "r-\($0)", payload: Array("payload \($0) \(String(repeating: "x", count: 200))".utf8)) })
    }

    func tamper(_ body: (borrowing WriteTransaction, Database, Database) throws -> Void) throws {
        let env = try Environment(path: directory.path, databases: ["entries": [], "ids": []])
        try env.write { txn in try body(txn, try env.database("entries"), try env.database("ids")) }
    }

    func isDamage(_ error: any Error, mentioning text: String) -> Bool {
        guard let error = error as? EventLogError, case .damaged(let problems) = error else { return false }
        return problems.contains { $0.contains(text) }
    }

    @Test func aLogWhoseEntriesNoLongerMatchItsHeadIsRefusedAtOpenAsDamaged() throws {
        try thousandEntries()
        try tamper { txn, entries, _ in try txn.delete(Layout.key(500), in: entries) }
        for readOnly in [false, true] {
            #expect {
                _ = try open(readOnly: readOnly)
            } throws: { isDamage($0, mentioning: "holds 999 entries, but its head says 1000") }
        }
    }

    @Test func aLogWhoseIDIndexHasLostAnIDIsRefusedAtOpenAsDamaged() throws {
        try thousandEntries()
        try tamper { txn, _, ids in try txn.delete(Array("r-7".utf8), in: ids) }
        #expect {
            _ = try open(readOnly: true)
        } throws: { isDamage($0, mentioning: "the id index holds 999 ids for 1000 entries") }
    }

    @Test func aDataFileWithoutTheLogsDatabasesIsDamagedNotMissing() throws {
        // Another environment's databases, where a log's should be.
        let env = try Environment(path: directory.path, databases: ["other": []])
        try env.write { txn in try txn.put([1], forKey: [1], in: try env.database("other")) }
        // Nor does a writer create the log's databases there: the second open finds them missing too.
        for readOnly in [false, true] {
            #expect {
                _ = try open(readOnly: readOnly)
            } throws: { isDamage($0, mentioning: "records the databases other but not blobs, entries, ids, meta") }
        }
    }

    @Test func aDataFileWhoseFirstWriterDiedBeforeWritingTheLogHoldsNoLogYetNotNoLog() throws {
        // Its first writer died after creating the file, before creating the databases…
        do { _ = try Environment(path: directory.path) }
        #expect(throws: EventLogError.noLogYet(path: directory.path)) { try open(readOnly: true) }
        // …or after creating them, before writing the format.
        do { _ = try Environment(path: directory.path, databases: ["entries": [], "ids": [], "blobs": [], "meta": []]) }
        #expect(throws: EventLogError.noLogYet(path: directory.path)) { try open(readOnly: true) }
        #expect(EventLogError.noLogYet(path: directory.path).description.contains("holds no Parley log yet"))
    }

    @Test func aDamagedPageBelowTheRootsIsFoundByTheOpenOfASmallLogAndByEveryVerify() throws {
        try thousandEntries()
        // A leaf of the entries: the page holding entry 500's payload.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: data))
        let at = try #require(bytes.range(of: Data("payload 500 ".utf8))?.lowerBound)
        let page = at / 4_096 * 4_096
        bytes[page + 13] = 0xFF  // its lower bound, past its upper
        try bytes.write(to: URL(fileURLWithPath: data))
        let found = "page \(page / 4_096) has its free space at"
        // A small log is walked whole at every open.
        #expect { _ = try open(readOnly: true) } throws: { isDamage($0, mentioning: found) }
        // A large one only at its roots: verify walks it whole, and reads nothing through LMDB then.
        var options = EventLog.Options(readOnly: true)
        options.fullCheckUpToBytes = 0
        let log = try EventLog(directory: directory.path, options: options)
        #expect { _ = try log.verify() } throws: { isDamage($0, mentioning: found) }
    }

    @Test func aFullStructureCheckOfASoundLogFindsNothing() throws {
        try thousandEntries()
        let log = try open(readOnly: true)
        try log.checkWholeStructure()
        #expect(try log.verify().isIntact)
    }
}
