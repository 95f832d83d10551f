import Foundation
import Negotiation
@testable import Store
import TestSupport

/// The `parley` binary built beside this test bundle (the test target depends on the tool), or
/// `$PARLEY_BINARY`.
enum ParleyTool {
    static let path: String = {
        if let path = ProcessInfo.processInfo.environment["PARLEY_BINARY"], !path.isEmpty { return path }
        let tests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return tests.deletingLastPathComponent().appendingPathComponent("parley").path
    }()

    /// The arguments of a `test-harness write` that appends `batches` batches of made-up
    /// meetings citing the fixture corpus, named after `writer`.
    static func write(db: String, writer: String, batches: Int, batchSize: Int, firstBatch: Int = 0) -> [String] {
        ["test-harness", "write", "--db", db, "--seeds", Fixtures.seeds, "--events", Fixtures.events,
         "--writer", writer, "--batches", "\(batches)", "--batch-size", "\(batchSize)", "--first-batch", "\(firstBatch)"]
    }

    /// The test harness built beside it (`parley-test-harness`), which `test-harness …`
    /// arguments start instead of `parley`.
    static let harnessPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("parley-test-harness").path

    /// Runs `parley` to its end. `user` runs it under another uid and gid (through setpriv).
    static func run(_ arguments: [String], user: UInt32? = nil, in directory: String) throws -> Finished {
        try start(arguments, user: user, in: directory).wait()
    }

    /// Runs `parley` to its end with `input` as its standard input, and `environment` added to ours.
    static func run(_ arguments: [String], input: String, environment: [String: String] = [:], in directory: String) throws -> Finished {
        try Running(arguments, user: nil, input: input, environment: environment, in: directory).wait()
    }

    /// Runs `parley`, killing it if it has not ended after `seconds`: `nil` then (it hung).
    static func run(_ arguments: [String], in directory: String, timeout seconds: Double) throws -> Finished? {
        try start(arguments, in: directory).wait(timeout: seconds)
    }

    /// Starts `parley`, its output going to files in `directory`.
    static func start(_ arguments: [String], user: UInt32? = nil, in directory: String) throws -> Running {
        try Running(arguments, user: user, in: directory)
    }

    /// Runs `parley`, killing it after `seconds`: a hang shows as `killed`.
    static func run(_ arguments: [String], atMost seconds: Double, in directory: String) throws -> Finished {
        try start(arguments, in: directory).wait(atMost: seconds)
    }

    /// A small synthetic corpus ingested into `directory/log`: what a test of the tool needs,
    /// without the user's corpus. Returns the log's path.
    static func syntheticLog(events: Int = 200, seed: Int = 7, in directory: String) throws -> String {
        let corpus = directory + "/corpus", db = directory + "/log"
        let synth = try run(["synth", "--events", "\(events)", "--seed", "\(seed)", "--output", corpus], in: directory)
        guard synth.succeeded else { throw CocoaError(.fileWriteUnknown, userInfo: ["run": "\(synth)"]) }
        let ingest = try run(["ingest", "--db", db, corpus + "/seeds", corpus + "/events"], in: directory)
        guard ingest.succeeded else { throw CocoaError(.fileWriteUnknown, userInfo: ["run": "\(ingest)"]) }
        return db
    }
}

/// How a `parley` process ended, and what it printed.
struct Finished: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var killed: Bool
    var stdout: String
    var stderr: String

    var succeeded: Bool { !killed && status == 0 }
    var description: String {
        "parley \(arguments.joined(separator: " ")) → \(killed ? "killed" : "exit \(status)")\n\(stdout)\(stderr)"
    }
}

/// A `parley` process in the background.
final class Running {
    let arguments: [String]
    private let process = Process()
    private let stdoutPath: String
    private let stderrPath: String
    private static let counter = Counter()

    /// Starts `parley`; its standard input is `input`, else nothing (`/dev/null`).
    init(_ arguments: [String], user: UInt32?, input: String? = nil, environment: [String: String] = [:], in directory: String) throws {
        self.arguments = arguments
        let n = Self.counter.next()
        if let input {
            let inputPath = directory + "/process-\(n).in"
            _ = FileManager.default.createFile(atPath: inputPath, contents: Data(input.utf8))
            process.standardInput = FileHandle(forReadingAtPath: inputPath)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        stdoutPath = directory + "/process-\(n).out"
        stderrPath = directory + "/process-\(n).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", ParleyTool.path] + arguments
        } else if arguments.first == "test-harness" {
            process.executableURL = URL(fileURLWithPath: ParleyTool.harnessPath)
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: ParleyTool.path)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The complete lines printed so far.
    func lines() -> [String] {
        let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // after the last newline: empty, or a line being written
        return lines
    }

    /// Kills the process with SIGKILL; true if it was still running.
    @discardableResult
    func kill() -> Bool {
        let running = process.isRunning
        if running { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return running && process.terminationReason == .uncaughtSignal
    }

    /// Waits at most `seconds`, then kills the process: `Finished.killed` then tells a hang.
    func wait(atMost seconds: Double) -> Finished {
        wait(timeout: seconds) ?? wait()
    }

    /// Waits up to `seconds` for the process to end; past that, kills it and returns `nil`.
    func wait(timeout seconds: Double) -> Finished? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill()
            return nil
        }
        return wait()
    }

    func wait() -> Finished {
        process.waitUntilExit()
        return Finished(
            arguments: arguments, status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")
    }
}

/// Runs `script` with `sh` in a mount namespace of its own (`unshare -m`), so that what it
/// mounts is gone when it ends; returns what it printed.
func runInOwnMountNamespace(_ script: String) throws -> String {
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    shell.arguments = ["-m", "sh", "-c", script]
    let pipe = Pipe()
    shell.standardOutput = pipe
    try shell.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    shell.waitUntilExit()
    return output
}

/// A thread-safe counter and list, for the results of concurrent loops.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

final class Findings: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}

/// A copy of the fixture corpus's curated event files at `folder`, plus one retraction of
/// `target` with id `id`: a corpus that differs from the fixture corpus by one event. Returns `folder`.
func eventsWithRetraction(in folder: String, id: String, of target: String) throws -> String {
    try Fixtures.copy(Fixtures.events, to: folder)
    try """
        events:
          - id: \(id)
            type: retraction
            retracts: \(target)
            reason: "test: \(id)"
        """.write(toFile: folder + "/zz-\(id).yaml", atomically: true, encoding: .utf8)
    return folder
}

/// One batch a `test-harness write` process reported committed.
struct CommittedBatch: Hashable {
    var writer: String
    var batch: Int

    /// Parses `committed WRITER BATCH FIRST LAST`.
    init?(line: String) {
        let parts = line.split(separator: " ")
        guard parts.count == 5, parts[0] == "committed", let batch = Int(parts[2]) else { return nil }
        writer = String(parts[1])
        self.batch = batch
    }

    init(writer: String, batch: Int) {
        self.writer = writer
        self.batch = batch
    }

    /// The batch an event id of the harness belongs to: `stress-WRITER-BATCH-INDEX`.
    init?(eventID: String) {
        guard eventID.hasPrefix("event/stress-") else { return nil }
        let parts = eventID.dropFirst("event/stress-".count).split(separator: "-")
        guard parts.count == 3, let batch = Int(parts[1]) else { return nil }
        writer = String(parts[0])
        self.batch = batch
    }
}

/// What a log holds, read entry by entry.
struct LogCensus {
    var head: UInt64 = 0
    var gapless = true
    /// Events of the harness per batch.
    var batches: [CommittedBatch: Int] = [:]

    init(_ store: NegotiationStore) throws {
        var expected: UInt64 = 1
        try store.log.forEachEntry { view in
            if view.sequence != expected { gapless = false }
            expected = view.sequence + 1
            if let batch = CommittedBatch(eventID: String(decoding: view.id, as: UTF8.self)) {
                batches[batch, default: 0] += 1
            }
            return true
        }
        head = expected - 1
    }

    var stressEvents: Int { batches.values.reduce(0, +) }
}

extension NegotiationStore {
    /// Whether the derived indexes, when they claim to be fresh, answer as a replay of the log
    /// on `days`; nil when all agree, else the first difference.
    func indexDisagreement(on days: [Day]) throws -> String? {
        guard try indexIsFresh() else { return nil }
        let history = try history()
        for day in days {
            let answer = try states(Query(asOf: day))
            let replayed = try history.states(Query(asOf: day))
            if answer.states != replayed { return "as of \(day): the index answers \(answer.states.map(\.meetingCount)) meetings, a replay \(replayed.map(\.meetingCount))" }
        }
        return nil
    }
}
