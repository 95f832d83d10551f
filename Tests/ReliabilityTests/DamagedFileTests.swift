import EventLog
import Foundation
import Negotiation
@testable import Store
import TestSupport
import Testing

/// `data.mdb` cut short, replaced by what is not a file, damaged where LMDB would fault; a
/// `lock.mdb` deleted under a writer; a full disk: every command ends with a message that names
/// the damage or the fault and the exit status of its kind, never with a signal, never hanging,
/// never saying there is no log where there is one.
@Suite("Damaged files", .serialized)
struct DamagedFileTests {
    /// A log of a small synthetic corpus (`parley synth`), in a folder of its own.
    struct SynthLog {
        let dir: TemporaryDirectory
        let db: String
        var data: String { db + "/data.mdb" }
        var lock: String { db + "/lock.mdb" }
        var seeds: String { dir.appending("corpus/seeds") }
        var events: String { dir.appending("corpus/events") }

        init(_ label: String, events count: Int = 400) throws {
            dir = try TemporaryDirectory(label)
            db = try ParleyTool.syntheticLog(events: count, seed: 11, in: dir.path)
        }

        /// `verify`, `state` and `ingest` (again) on the log.
        var commands: [[String]] {
            [["verify", "--db", db], ["state", "--db", db], ["ingest", "--db", db, seeds, events]]
        }

        /// Runs each command with a deadline; records a hang or a signal as an issue.
        func runEach(_ commands: [[String]], timeout: Double = 60) throws -> [Finished] {
            try commands.compactMap { arguments in
                guard let run = try ParleyTool.run(arguments, in: dir.path, timeout: timeout) else {
                    Issue.record("parley \(arguments.joined(separator: " ")) hung")
                    return nil
                }
                #expect(!run.killed, "ended by a signal: \(run)")
                return run
            }
        }

        func resize(to length: Int) throws {
            try FileHandle(forWritingTo: URL(fileURLWithPath: data)).truncate(atOffset: UInt64(length))
        }
    }

    @Test func aDataFileCutShortIsReportedAsDamageByEveryCommandNeverWithASignal() throws {
        let log = try SynthLog("parley-truncated")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: log.data)[.size] as? Int)
        for length in [size / 2, 3 * 4_096, 5_000] {
            try log.resize(to: length)
            for run in try log.runEach(log.commands) {
                #expect(run.status == 1, "\(run)")
                #expect((run.stdout + run.stderr).contains("cut short"), "\(run)")
                #expect(!run.stdout.contains("chain intact"), "\(run)")
            }
        }
    }

    @Test func whatIsNotARegularFileInPlaceOfTheLogsFilesIsRefusedWithoutHangingOrCrashing() throws {
        let log = try SynthLog("parley-hostile-files")
        let fm = FileManager.default
        try fm.moveItem(atPath: log.data, toPath: log.data + ".kept")
        try fm.moveItem(atPath: log.lock, toPath: log.lock + ".kept")
        let makers: [(String, (String) throws -> Void)] = [
            ("a FIFO", { _ = mkfifo($0, 0o644) }),
            ("a directory", { try fm.createDirectory(atPath: $0, withIntermediateDirectories: false) }),
            ("a symbolic link to /dev/zero", { try fm.createSymbolicLink(atPath: $0, withDestinationPath: "/dev/zero") }),
            ("an empty file", { _ = fm.createFile(atPath: $0, contents: Data()) }),
        ]
        for file in [log.data, log.lock] {
            for (what, make) in makers where !(file == log.lock && what == "an empty file") {
                // The other file as it was; this one replaced.
                let other = file == log.data ? log.lock : log.data
                try? fm.removeItem(atPath: other)
                try fm.copyItem(atPath: other + ".kept", toPath: other)
                try? fm.removeItem(atPath: file)
                try make(file)
                for run in try log.runEach(log.commands, timeout: 30) {
                    #expect(run.status != 0, "\(what) as \(file): \(run)")
                    #expect(!(run.stdout + run.stderr).contains("no Parley log"), "\(what) as \(file): \(run)")
                }
                try fm.removeItem(atPath: file)
            }
        }
    }

    @Test func aDamagedRecordOfTheLogsDatabasesIsDamageNotAMissingLog() throws {
        let log = try SynthLog("parley-main-db")
        // The main database's node for "entries": its size (48), flags (F_SUBDATA), key size (7).
        var bytes = try Data(contentsOf: URL(fileURLWithPath: log.data))
        let needle = Data([0x30, 0, 0, 0, 2, 0, 7, 0]) + Data("entries".utf8)
        var from = bytes.startIndex
        var copies = 0
        while let range = bytes.range(of: needle, in: from..<bytes.endIndex) {
            bytes[range.lowerBound + 8] ^= 0x03  // "entries" becomes "fntries": still in key order
            copies += 1
            from = range.upperBound
        }
        try #require(copies >= 1)
        try bytes.write(to: URL(fileURLWithPath: log.data))
        for run in try log.runEach(log.commands) {
            #expect(run.status == 1, "\(run)")
            #expect(!(run.stdout + run.stderr).contains("no Parley log"), "\(run)")
            #expect((run.stdout + run.stderr).contains("but not entries"), "\(run)")
        }
    }

    @Test func aDerivedIndexThatNoLongerDecodesIsReportedAsDamageWithItsRemedy() throws {
        let log = try SynthLog("parley-index-damage")
        // Every stored checkpoint of the state index: no longer a JSON object.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: log.data))
        let needle = Data("{\"conditions\":[".utf8)
        var from = bytes.startIndex
        var copies = 0
        while let range = bytes.range(of: needle, in: from..<bytes.endIndex) {
            bytes[range.lowerBound] = UInt8(ascii: "[")
            copies += 1
            from = range.upperBound
        }
        try #require(copies >= 1)
        try bytes.write(to: URL(fileURLWithPath: log.data))
        let state = try #require(try log.runEach([["state", "--db", log.db, "--as-of", "2030-01-01"]]).first)
        #expect(state.status == 1, "\(state)")
        #expect(state.stderr.contains("no longer decodes") && state.stderr.contains("`parley reindex` rebuilds the indexes"), "\(state)")
    }

    @Test func aDerivedIndexChangedButStillReadableIsFoundByVerifyIndexesAndRebuilt() throws {
        let log = try SynthLog("parley-index-changed")
        let query = ["state", "--db", log.db, "--as-of", "2030-01-01", "--json"]
        let before = try #require(try log.runEach([query]).first)
        // Every checkpoint's last event now names another id: it still decodes.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: log.data))
        let needle = Data("\"lastEvent\":{\"id\":\"s".utf8)
        var from = bytes.startIndex
        var copies = 0
        while let range = bytes.range(of: needle, in: from..<bytes.endIndex) {
            bytes[range.upperBound - 1] = UInt8(ascii: "t")
            copies += 1
            from = range.upperBound
        }
        try #require(copies >= 1)
        try bytes.write(to: URL(fileURLWithPath: log.data))
        let changed = try #require(try log.runEach([query]).first)
        #expect(changed.succeeded && changed.stdout != before.stdout, "the change must reach an answer: \(changed)")
        // The log itself is intact; its indexes are not what it says.
        let plain = try #require(try log.runEach([["verify", "--db", log.db]]).first)
        #expect(plain.succeeded, "\(plain)")
        let checked = try #require(try log.runEach([["verify", "--db", log.db, "--indexes"]]).first)
        #expect(checked.status == 1 && checked.stdout.contains("the derived indexes answer otherwise than the log"), "\(checked)")
        #expect(checked.stdout.contains("`parley reindex` rebuilds them"), "\(checked)")
        let rebuilt = try log.runEach([["reindex", "--db", log.db], ["verify", "--db", log.db, "--indexes"], query])
        let allSucceeded = rebuilt.count == 3 && rebuilt.allSatisfy(\.succeeded)
        #expect(allSucceeded, "\(rebuilt)")
        #expect(rebuilt.last?.stdout == before.stdout)
    }

    @Test func verifyPrintsJSONWhateverTheOutcome() throws {
        let log = try SynthLog("parley-verify-json")
        // An article entry whose payload no longer parses, its chain intact.
        do {
            let writer = try EventLog(directory: log.db)
            try writer.append([Record(id: "article/unreadable", payload: Array("{ not a record".utf8))])
        }
        let broken = try #require(try log.runEach([["verify", "--db", log.db, "--json"]]).first)
        #expect(broken.status == 1, "\(broken)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any], "\(broken)")
        #expect(report["intact"] as? Bool == false)
        #expect((report["problems"] as? [String])?.first?.contains("article/unreadable") == true || (report["problems"] as? [String])?.isEmpty == false, "\(broken)")
        // A log cut short, and no log at all: JSON too, with the kind of failure.
        try log.resize(to: 5_000)
        for (db, failure, status) in [(log.db, "damaged", Int32(1)), (log.dir.appending("nowhere"), "no log", Int32(66))] {
            let run = try #require(try log.runEach([["verify", "--db", db, "--json"]]).first)
            #expect(run.status == status, "\(run)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
            #expect(json["failure"] as? String == failure && json["intact"] as? Bool == false, "\(run)")
        }
    }

    @Test(.enabled(if: EnvironmentFaultTests.canMountReadOnly, "needs a private mount namespace (unshare -m)"))
    func aFullDiskIsAnInputOutputErrorThatSaysTheDiskIsFull() throws {
        let log = try SynthLog("parley-full-disk", events: 2_000)
        let small = log.dir.appending("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: false)
        let script = """
            mount -t tmpfs -o size=1m tmpfs '\(small)' || exit 99
            '\(ParleyTool.path)' ingest --db '\(small)/log' '\(log.seeds)' '\(log.events)' > '\(log.dir.appending("ingest.out"))' 2>&1
            echo "ingest $?"
            """
        let status = try runInOwnMountNamespace(script)
        let output = (try? String(contentsOfFile: log.dir.appending("ingest.out"), encoding: .utf8)) ?? ""
        #expect(status.contains("ingest 74"), "\(status) \(output)")
        #expect(output.contains("no space left on device"), "\(output)")
        #expect(output.contains("nothing was committed"), "\(output)")
    }

    /// `test-harness write` on the synthetic corpus, `batches` batches of `batchSize`.
    func writer(_ log: SynthLog, _ name: String, batches: Int, batchSize: Int = 25) throws -> Running {
        try ParleyTool.start(["test-harness", "write", "--db", log.db, "--seeds", log.seeds, "--events", log.events, "--track", "synth-00",
                              "--writer", name, "--batches", "\(batches)", "--batch-size", "\(batchSize)"], in: log.dir.path)
    }

    @Test func aLockFileDeletedUnderAWriterStopsItAndNoCommittedBatchIsLost() throws {
        let log = try SynthLog("parley-lock-deleted")
        let first = try writer(log, "a", batches: 100_000)
        var waited = 0
        while first.lines().count < 5, waited < 3_000 {
            usleep(10_000)
            waited += 1
        }
        try FileManager.default.removeItem(atPath: log.lock)
        let second = try writer(log, "b", batches: 40)
        let stopped = try #require(first.wait(timeout: 60), "the first writer went on")
        let other = try #require(second.wait(timeout: 60))
        #expect(stopped.status == 75 && stopped.stderr.contains("lock.mdb was deleted"), "\(stopped)")
        // The second either refused (while the first still ran) or wrote after it stopped.
        #expect(other.succeeded || (other.status == 75 && other.stderr.contains("lock")), "\(other)")

        let verify = try #require(try log.runEach([["verify", "--db", log.db]]).first)
        #expect(verify.succeeded, "\(verify)")
        let census = try LogCensus(NegotiationStore(directory: log.db, readOnly: true))
        #expect(census.gapless)
        for batch in (first.lines() + second.lines()).compactMap(CommittedBatch.init(line:)) {
            #expect(census.batches[batch] == 25, "committed batch \(batch) holds \(census.batches[batch] ?? 0) events")
        }
        for (batch, count) in census.batches where count != 25 {
            Issue.record("batch \(batch) is there in part (\(count) of 25 events)")
        }
    }

    @Test func aWriterIsRefusedWhileAnotherProcessUsesALockFileSinceDeleted() throws {
        let log = try SynthLog("parley-lock-orphaned")
        let reader = try ParleyTool.start(["test-harness", "hold-reader", "--db", log.db], in: log.dir.path)
        var waited = 0
        while reader.lines().isEmpty, waited < 1_000 {
            usleep(10_000)
            waited += 1
        }
        try #require(reader.lines() == ["reading"], "the reader never opened its transaction")
        try FileManager.default.removeItem(atPath: log.lock)
        let refused = try #require(try writer(log, "b", batches: 2).wait(timeout: 60))
        #expect(refused.status == 75, "\(refused)")
        #expect(refused.stderr.contains("with a lock file that has since been deleted or replaced"), "\(refused)")
        #expect(reader.kill())
        // Once that process is gone, the log is written again.
        let after = try #require(try writer(log, "c", batches: 2).wait(timeout: 60))
        #expect(after.succeeded, "\(after)")
        let verify = try #require(try log.runEach([["verify", "--db", log.db]]).first)
        #expect(verify.succeeded, "\(verify)")
    }
}
