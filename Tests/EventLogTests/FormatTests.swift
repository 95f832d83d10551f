import Foundation
import LMDB
import Testing
import TestSupport

@testable import EventLog

/// Format 2 puts everything an entry holds under the hash chain; a format-1 log, begun by an
/// older build, is still read, verified and appended to, and says what its chain leaves out.
@Suite("Log formats")
struct FormatTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("eventlog-format") }

    private func open(format: Int? = nil) throws -> EventLog {
        var options = EventLog.Options()
        if let format { options.newLogFormat = format }
        return try EventLog(directory: directory.path, options: options)
    }

    /// Rewrites the stored value of entry `sequence` with `change`.
    private func tamper(_ log: EventLog, entry sequence: UInt64, _ change: (inout [UInt8]) -> Void) throws {
        try log.environment.write { txn in
            var value = try #require(try txn.get(Layout.key(sequence), in: log.entries))
            change(&value)
            try txn.put(value, forKey: Layout.key(sequence), in: log.entries)
        }
    }

    /// Renames entry 4's id (`r-3`) to `r-X`, in the entry and in the id index together.
    private func rename(_ log: EventLog) throws {
        try tamper(log, entry: 4) { value in
            #expect(Array(value[42..<45]) == Array("r-3".utf8))
            value[44] = UInt8(ascii: "X")
        }
        try log.environment.write { txn in
            _ = try txn.delete(Array("r-3".utf8), in: log.ids)
            try txn.put(Layout.key(4), forKey: Array("r-X".utf8), in: log.ids)
        }
    }

    @Test func aNewLogIsOfFormatTwoAndItsChainCoversEverything() throws {
        let log = try open()
        try log.append((0..<10).map { EventLogTests.record($0) })
        #expect(log.format == 2)
        let report = try log.verify()
        #expect(report.isIntact && report.format == 2 && report.notCoveredByTheChain.isEmpty)
    }

    @Test func aChangedRecordedTimeBreaksTheChain() throws {
        let log = try open()
        try log.append((0..<10).map { EventLogTests.record($0) })
        try tamper(log, entry: 6) { $0[7] ^= 0x01 }
        let report = try log.verify()
        #expect(!report.isIntact && report.firstBadSequence == 6, "\(report.problems)")
    }

    @Test func anIdRenamedWithItsIndexKeyBreaksTheChain() throws {
        let log = try open()
        try log.append((0..<10).map { EventLogTests.record($0) })
        try rename(log)
        let report = try log.verify()
        #expect(!report.isIntact && report.firstBadSequence == 4, "\(report.problems)")
    }

    @Test func aFormatOneLogIsReadVerifiedAndAppendedToInItsOwnFormat() throws {
        do {
            let log = try open(format: 1)
            try log.append((0..<10).map { EventLogTests.record($0) })
            #expect(log.format == 1)
        }
        // Reopened by a build whose new logs are of format 2, it stays of format 1.
        let log = try open()
        #expect(log.format == 1)
        try log.append((10..<80).map { EventLogTests.record($0) })
        var previous = Head.empty.hash
        try log.forEachEntry { view in
            let expected = EventLogTests.formatOneChainHash(previous: previous, sequence: view.sequence, payload: Array(view.payload))
            #expect(Array(view.hash) == expected, "entry \(view.sequence)")
            previous = expected
            return true
        }
        let report = try log.verify()
        #expect(report.isIntact && report.format == 1)
        #expect(report.notCoveredByTheChain == ["entry ids", "recorded times"])
        // What it does not cover goes unseen, as the report says.
        try rename(log)
        try tamper(log, entry: 6) { $0[7] ^= 0x01 }
        #expect(try log.verify().isIntact)
    }

    @Test func aLogOfAFormatThisBuildDoesNotKnowIsRefused() throws {
        do {
            let log = try open()
            try log.environment.write { txn in try txn.put(Array("3".utf8), forKey: Layout.formatKey, in: log.meta) }
        }
        #expect(throws: EventLogError.unsupportedFormat(path: directory.path, found: "3", supported: 2)) { try open() }
    }
}
