import Foundation
import LMDB
import Testing
import TestSupport

@testable import EventLog

/// A log that no longer holds together is not extended: appending to it would chain a new entry
/// to a head that is not the log's, or append an id a second time.
@Suite("Appending to a damaged log")
struct DamagedLogTests {
    let directory: TemporaryDirectory
    let log: EventLog

    init() throws {
        directory = try TemporaryDirectory("eventlog-damaged")
        log = try EventLog(directory: directory.path)
        try log.append((0..<20).map { EventLogTests.record($0) })
    }

    private func damage(_ body: (borrowing WriteTransaction, EventLog) throws -> Void) throws {
        try log.environment.write { txn in try body(txn, log) }
    }

    private func expectRefusal(mentioning words: String) throws {
        let before = try log.environment.read { txn in try txn.count(log.entries) }
        let error = #expect(throws: EventLogError.self) { try log.append([EventLogTests.record(100), EventLogTests.record(3)]) }
        #expect(error.map { "\($0)".contains(words) } == true, "\(String(describing: error))")
        #expect(error.map { "\($0)".contains("nothing was appended") } == true)
        #expect(try log.environment.read { txn in try txn.count(log.entries) } == before)
    }

    @Test func aGarbledStoredHeadIsRefused() throws {
        try damage { txn, log in
            var head = try #require(try txn.get(Layout.headKey, in: log.meta))
            head[20] ^= 0xFF
            try txn.put(head, forKey: Layout.headKey, in: log.meta)
        }
        try expectRefusal(mentioning: "is not its last entry")
    }

    @Test func aStoredHeadBehindTheLastEntryIsRefused() throws {
        try damage { txn, log in
            let entry = try #require(try txn.get(Layout.key(19), in: log.entries))
            try txn.put(Layout.key(19) + Array(entry[8..<40]), forKey: Layout.headKey, in: log.meta)
        }
        try expectRefusal(mentioning: "the log holds 20 entries, but its head says 19")
    }

    @Test func aDeletedIdKeyIsRefusedInsteadOfAppendingTheIdAgain() throws {
        try damage { txn, log in
            let deleted = try txn.delete(Array("r-3".utf8), in: log.ids)
            #expect(deleted)
        }
        try expectRefusal(mentioning: "the id index holds 19 ids for 20 entries")
    }

    @Test func anUndamagedLogTakesTheSameAppend() throws {
        let receipt = try log.append([EventLogTests.record(100), EventLogTests.record(3)])
        #expect(receipt.appendedCount == 1)
        #expect(try log.verify().isIntact)
    }
}
