@testable import Corpus
import EventLog
import Foundation
import LMDB
@testable import Store
import TestSupport
import Testing

@testable import Negotiation

/// What the machine does to a log: folders missing, unwritable or read-only, a file in the way,
/// a map outgrown by another process, a reader killed holding a slot.
@Suite("Environment faults")
struct EnvironmentFaultTests {
    static let nobody: UInt32 = 65_534

    /// Whether this machine lets the tests mount a folder read-only (a private mount namespace).
    static let canMountReadOnly: Bool = {
        guard let dir = try? TemporaryDirectory("parley-ro-probe") else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["-m", "sh", "-c", "mount --bind '\(dir.path)' '\(dir.path)' && mount -o remount,ro,bind '\(dir.path)'"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    func seeded(_ label: String) throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory(label)
        let db = dir.appending("log")
        let run = try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path)
        try #require(run.succeeded, "\(run)")
        return (dir, db)
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func aMissingFolderIsNamedAndNotCreatedByQueries() throws {
        let dir = try TemporaryDirectory("parley-missing")
        let db = dir.appending("nowhere/log")
        for command in [["state"], ["verify"], ["log"], ["export", "--from", "2025-03-01", "--to", "2025-03-31", "--every", "week"]] {
            let run = try ParleyTool.run(command + ["--db", db], in: dir.path)
            #expect(run.status == 66 && run.stderr.contains("no Parley log at \(db)"), "\(run)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appending("nowhere")))
        // Ingest creates it, as it creates a new log.
        #expect(try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path).succeeded)
    }

    @Test func aFileWhereTheFolderShouldBeIsNamedAndLeftAlone() throws {
        let dir = try TemporaryDirectory("parley-file")
        let db = dir.appending("log")
        try Data("not a log".utf8).write(to: URL(fileURLWithPath: db))
        for command in [["ingest", Fixtures.seeds, Fixtures.events], ["state"], ["verify"]] {
            let run = try ParleyTool.run(command + ["--db", db], in: dir.path)
            #expect(run.status == 74 && run.stderr.contains("cannot use \(db): it is a file, not a directory"), "\(run)")
        }
        #expect(bytes(db) == Data("not a log".utf8))
    }

    @Test(.enabled(if: getuid() == 0, "runs parley as another user, which needs root"))
    func aLogTheUserMayNotWriteIsRefusedClearlyAndUnchanged() throws {
        let (dir, db) = try seeded("parley-unwritable")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        let before = bytes(db + "/data.mdb")

        let ingest = try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], user: Self.nobody, in: dir.path)
        #expect(ingest.status == 74 && ingest.stderr.contains("cannot use \(db): permission denied: cannot write to the log; nothing was appended"), "\(ingest)")
        // LMDB registers readers in lock.mdb: without write access to it, reading is refused too, saying why.
        let state = try ParleyTool.run(["state", "--db", db], user: Self.nobody, in: dir.path)
        #expect(state.status == 74 && state.stderr.contains("needs write access to its lock.mdb"), "\(state)")
        // A new log in a folder the user may not write.
        let fresh = try ParleyTool.run(["ingest", "--db", dir.appending("new"), Fixtures.seeds, Fixtures.events], user: Self.nobody, in: dir.path)
        #expect(fresh.status == 74 && fresh.stderr.contains("cannot create it (permission denied)"), "\(fresh)")
        #expect(bytes(db + "/data.mdb") == before)
    }

    @Test(.enabled(if: canMountReadOnly, "needs a private mount namespace (unshare -m)"))
    func aLogOnAReadOnlyFileSystemIsReadButNotWritten() throws {
        let (dir, db) = try seeded("parley-readonly")
        let before = bytes(db + "/data.mdb")
        let script = """
            mount --bind '\(db)' '\(db)' && mount -o remount,ro,bind '\(db)' || exit 99
            '\(ParleyTool.path)' state --db '\(db)' --track energy > '\(dir.appending("state.out"))' 2>&1; echo "state $?"
            '\(ParleyTool.path)' ingest --db '\(db)' '\(Fixtures.seeds)' '\(Fixtures.events)' > '\(dir.appending("ingest.out"))' 2>&1; echo "ingest $?"
            """
        let statuses = try runInOwnMountNamespace(script)
        #expect(statuses.contains("state 0"), "\(statuses)")
        // The system refused the write: an I/O failure (74), not damage.
        #expect(statuses.contains("ingest 74"), "\(statuses)")
        let stateOut = (try? String(contentsOfFile: dir.appending("state.out"), encoding: .utf8)) ?? ""
        #expect(stateOut.contains("energy"), "\(stateOut)")
        let ingestOut = (try? String(contentsOfFile: dir.appending("ingest.out"), encoding: .utf8)) ?? ""
        #expect(ingestOut.contains("the file system is read-only: cannot write to the log; nothing was appended"), "\(ingestOut)")
        #expect(bytes(db + "/data.mdb") == before)
    }

    @Test func aMapOutgrownByAnotherProcessIsAdopted() throws {
        let dir = try TemporaryDirectory("parley-resized")
        let db = dir.appending("log")
        // This process maps 64 KiB; another fills far more.
        var options = EventLog.Options(indexes: ProjectionIndex.names)
        options.initialMapSize = 64 << 10
        let store = NegotiationStore(log: try EventLog(directory: db, options: options))
        #expect(store.log.environment.mapSize == 64 << 10)
        let writer = try ParleyTool.run([
            "ingest", "--db", db, Fixtures.seeds, Fixtures.events,
        ], in: dir.path)
        try #require(writer.succeeded, "\(writer)")
        let more = try ParleyTool.run(ParleyTool.write(db: db, writer: "grow", batches: 4, batchSize: 200), in: dir.path)
        try #require(more.succeeded, "\(more)")
        let onDisk = try #require(try FileManager.default.attributesOfItem(atPath: db + "/data.mdb")[.size] as? Int)
        #expect(onDisk > 64 << 10)

        // Reading and writing here go on, on the grown map.
        let census = try LogCensus(store)
        #expect(census.stressEvents == 800)
        #expect(store.log.environment.mapSize > 64 << 10)
        var corpus = try Corpus.load(seeds: Fixtures.seeds, events: Fixtures.events)
        corpus.events = []
        var event = Event(id: "after-growth", type: .retraction)
        event.retracts = "us-proposes-temporary-truce-jeddah-000"
        event.reason = "test"
        corpus.events = [SourceEvent(event: event, location: SourceLocation(file: "test"))]
        let report = try store.ingest(corpus)
        #expect(report.eventsAppended == 1)
        #expect(try store.verify().isIntact)
    }

    /// Starts a reader that opens a read transaction, waits until it has, and kills it.
    func killAReaderInsideItsTransaction(_ db: String, in dir: TemporaryDirectory) throws {
        let reader = try ParleyTool.start(["test-harness", "hold-reader", "--db", db], in: dir.path)
        var waited = 0
        while reader.lines().isEmpty, waited < 1_000 {
            usleep(10_000)
            waited += 1
        }
        try #require(reader.lines() == ["reading"], "the reader never opened its transaction")
        #expect(reader.kill())
    }

    @Test func aReaderKilledHoldingItsSlotIsClearedByTheNextProcessToOpenTheLog() throws {
        let (dir, db) = try seeded("parley-stale-reader")
        // While some process has the log open, LMDB keeps its reader table (the last one out
        // resets it): this one stands for a long-running process that outlives the dead reader.
        let here = try EventLog(directory: db, options: .init(readOnly: true))

        try killAReaderInsideItsTransaction(db, in: dir)
        #expect(try here.environment.clearStaleReaders() == 1, "the dead reader's slot was there")

        try killAReaderInsideItsTransaction(db, in: dir)
        // The next command to open the log clears it before it writes…
        let write = try ParleyTool.run(ParleyTool.write(db: db, writer: "after", batches: 2, batchSize: 10), in: dir.path)
        #expect(write.succeeded, "\(write)")
        #expect(try here.environment.clearStaleReaders() == 0, "the writer's open cleared the slot")
        #expect(try ParleyTool.run(["verify", "--db", db], in: dir.path).succeeded)
        #expect(try LogCensus(NegotiationStore(log: here)).stressEvents == 20)
    }
}
