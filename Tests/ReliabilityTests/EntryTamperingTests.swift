import EventLog
import Foundation
import LMDB
import Testing
import TestSupport

/// What identifies and dates an entry is under the chain: a changed recorded time or an id
/// renamed together with its index key fails `parley verify`, and ingest will not extend the log.
@Suite("Tampering with an entry's id or time")
struct EntryTamperingTests {
    let dir: TemporaryDirectory
    let db: String

    init() throws {
        dir = try TemporaryDirectory("parley-entry-tamper")
        db = try ParleyTool.syntheticLog(events: 100, in: dir.path)
    }

    /// The sequence, id and head of the log before it is tampered with.
    private func pick() throws -> (sequence: UInt64, id: [UInt8], head: String) {
        let log = try EventLog(directory: db, options: .init(readOnly: true))
        let entry = try #require(try log.entry(at: 50))
        return (50, Array(entry.id.utf8), try log.head().hashHex)
    }

    /// Rewrites entry `sequence`'s stored value, and runs `more` in the same transaction.
    private func tamper(_ sequence: UInt64, _ change: (inout [UInt8]) -> Void,
                        _ more: (borrowing WriteTransaction, Environment) throws -> Void = { _, _ in }) throws {
        let log = try EventLog(directory: db)
        let entries = try log.environment.database("entries")
        let key = withUnsafeBytes(of: sequence.bigEndian) { Array($0) }
        try log.environment.write { txn in
            var value = try #require(try txn.get(key, in: entries))
            change(&value)
            try txn.put(value, forKey: key, in: entries)
            try more(txn, log.environment)
        }
    }

    private func run(_ arguments: [String]) throws -> Finished {
        try ParleyTool.run(arguments + ["--db", db], atMost: 60, in: dir.path)
    }

    @Test func aChangedRecordedTimeFailsVerifyEvenWithTheHeadSeenBefore() throws {
        let (sequence, _, head) = try pick()
        try tamper(sequence, { $0[6] ^= 0x10 })
        for extra in [[], ["--expect-head", head]] {
            let verify = try run(["verify"] + extra)
            #expect(verify.status == 1 && verify.stdout.contains("first bad sequence: \(sequence)"), "\(verify)")
        }
    }

    @Test func anIdRenamedWithItsIndexKeyFailsVerifyAndIngestWillNotExtendTheLog() throws {
        let (sequence, id, _) = try pick()
        var renamed = id
        renamed[renamed.count - 1] = renamed.last == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        try tamper(sequence, { value in value.replaceSubrange(42..<(42 + id.count), with: renamed) }) { txn, environment in
            let ids = try environment.database("ids")
            _ = try txn.delete(id, in: ids)
            try txn.put(withUnsafeBytes(of: sequence.bigEndian) { Array($0) }, forKey: renamed, in: ids)
        }
        let verify = try run(["verify"])
        #expect(verify.status == 1 && verify.stdout.contains("first bad sequence: \(sequence)"), "\(verify)")

        let data = db + "/data.mdb"
        let before = try #require(FileManager.default.contents(atPath: data))
        let ingest = try ParleyTool.run(["ingest", "--db", db, dir.appending("corpus/seeds"), dir.appending("corpus/events")], atMost: 60, in: dir.path)
        #expect(!ingest.succeeded && ingest.stderr.contains("fails verification"), "\(ingest)")
        #expect(FileManager.default.contents(atPath: data) == before, "the log changed")
    }
}
