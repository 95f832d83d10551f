@testable import Corpus
import Foundation
import Negotiation
@testable import Store
import TestSupport
import Testing

/// Files that are not what they seem, given to the real tool: each is refused at once, by name,
/// without reading it whole or waiting on it, and nothing is written.
@Suite("Hostile files")
struct HostileFileTests {
    let dir: TemporaryDirectory
    let seeds: String
    let events: String

    init() throws {
        dir = try TemporaryDirectory("parley-hostile")
        let synth = try ParleyTool.run(["synth", "--events", "60", "--seed", "3", "--output", dir.appending("corpus")], in: dir.path)
        try #require(synth.succeeded, "\(synth)")
        seeds = dir.appending("corpus/seeds")
        events = dir.appending("corpus/events")
    }

    private func ingest(db: String = "log") throws -> Finished {
        try ParleyTool.run(["ingest", "--db", dir.appending(db), seeds, events], atMost: 30, in: dir.path)
    }

    /// Puts `make` at `path` in place of what was there.
    private func replace(_ path: String, with make: (String) throws -> Void) throws {
        try FileManager.default.removeItem(atPath: path)
        try make(path)
    }

    private static func fifo(_ path: String) throws {
        guard mkfifo(path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    private static func linkToZero(_ path: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
    }

    @Test(arguments: ["article", "event file", "catalog", "registry"])
    func aFifoIsRefusedWithoutWaitingForAWriter(_ which: String) throws {
        let path = try target(which)
        try replace(path, with: Self.fifo)
        let run = try ingest()
        #expect(!run.killed, "it hung: \(run)")
        #expect(run.status == 65 && run.stderr.contains("it is a FIFO, not a regular file"), "\(run)")
    }

    @Test(arguments: ["article", "event file", "catalog"])
    func aLinkToAnEndlessDeviceIsRefusedWithoutReadingIt(_ which: String) throws {
        let path = try target(which)
        try replace(path, with: Self.linkToZero)
        let run = try ingest()
        #expect(!run.killed, "it hung: \(run)")
        #expect(run.status == 65 && run.stderr.contains("it is a character device, not a regular file"), "\(run)")
    }

    @Test func aFileLargerThanTheLimitIsRefusedByItsSize() throws {
        let path = events + "/zz-huge.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 65 << 20) == 0)  // sparse: 65 MB of zeros, never written
        let run = try ingest()
        #expect(run.status == 65 && run.stderr.contains("zz-huge.yaml: it holds more than 64 MB"), "\(run)")
    }

    @Test func aFolderNamedLikeAnEventFileIsRefused() throws {
        try FileManager.default.createDirectory(atPath: events + "/zz-folder.yaml", withIntermediateDirectories: false)
        let run = try ingest()
        #expect(run.status == 65 && run.stderr.contains("zz-folder.yaml: it is a directory, not a regular file"), "\(run)")
    }

    @Test func aLinkToAFileOutsideTheCorpusIsNotQuoted() throws {
        try FileManager.default.createSymbolicLink(atPath: events + "/zz-passwd.yaml", withDestinationPath: "/etc/passwd")
        let run = try ingest()
        #expect(run.status == 65 && run.stderr.contains("zz-passwd.yaml:1: the file holds a text"), "\(run)")
        #expect(!run.stderr.contains("root:"), "\(run)")
    }

    @Test func anEventFileWithAnUppercaseExtensionIsRead() throws {
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: events).first { $0.hasPrefix("synth-") })
        try FileManager.default.moveItem(atPath: events + "/" + file, toPath: events + "/" + file.replacingOccurrences(of: ".yaml", with: ".YAML"))
        let run = try ingest()
        #expect(run.succeeded && run.stdout.contains("appended") && run.stdout.contains(" 60 events"), "\(run)")
    }

    @Test func aRefusedFirstIngestLeavesNoLogFolder() throws {
        try replace(try target("event file"), with: Self.fifo)
        let run = try ingest(db: "fresh")
        #expect(run.status == 65, "\(run)")
        #expect(!FileManager.default.fileExists(atPath: dir.appending("fresh")))
    }

    @Test func extractRefusesAFifoAndALinkToAnEndlessDevice() throws {
        let fifo = dir.appending("article.txt"), zero = dir.appending("zero.txt")
        try Self.fifo(fifo)
        try Self.linkToZero(zero)
        for path in [fifo, zero] {
            let run = try ParleyTool.run(["extract", path, "--published", "2025-03-15", "--events", events], atMost: 30, in: dir.path)
            #expect(!run.killed && run.status == 65 && run.stderr.contains("not a regular file"), "\(run)")
        }
    }

    @Test func theShippedToolHasNoCommandThatSkipsTheChecks() throws {
        // Started directly: ParleyTool sends `test-harness` to the tests' own harness.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ParleyTool.path)
        process.arguments = ["test-harness", "write", "--db", dir.appending("log"), "--seeds", seeds, "--events", events, "--writer", "x"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
        #expect(!FileManager.default.fileExists(atPath: dir.appending("log/data.mdb")))
    }

    @Test func aControlCharacterInAnOlderLogIsShownEscapedNotSentToTheTerminal() throws {
        // Ingest refuses such text now; a log written before may hold it. ingest(_:) takes a
        // corpus as given, as an older build's checks did.
        var corpus = try Corpus.load(seeds: seeds, events: events)
        var event = try #require(corpus.events.first { $0.event.type == .meeting }).event
        event.id = "meeting-with-escape"
        event.place = "Riyadh\u{1B}[2J\u{7}"
        corpus.events = [SourceEvent(event: event, location: SourceLocation(file: "test", line: 1))]
        let db = dir.appending("log")
        try NegotiationStore(directory: db).ingest(corpus)
        let log = try ParleyTool.run(["log", "--db", db], atMost: 30, in: dir.path)
        #expect(log.succeeded, "\(log)")
        #expect(!log.stdout.utf8.contains(0x1B) && !log.stdout.utf8.contains(0x07))
        #expect(log.stdout.contains("Riyadh\\u{1B}[2J\\u{7}"), "\(log)")
    }

    /// The file of the corpus that `which` names.
    private func target(_ which: String) throws -> String {
        switch which {
        case "article": return seeds + "/s3-a0.txt"
        case "catalog": return seeds + "/catalog.yaml"
        case "registry": return events + "/parties.yaml"
        default:
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: events).sorted().first { $0.hasPrefix("synth-") })
            return events + "/" + file
        }
    }
}
