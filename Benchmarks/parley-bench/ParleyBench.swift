import ArgumentParser
import CBench
import EventLog
import Foundation
import Negotiation

#if canImport(Glibc)
import Glibc
#endif

/// Measures Parley's log and queries on a synthetic corpus, side by side with LMDB called
/// from C (the limit) and a SQLite table (the peer), and prints the figures.
///
/// Each step runs in a child process of its own, so that its peak resident memory is its own.
@main
struct ParleyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Measure append, ingest, state, verify, export and extract on synthetic data, beside raw LMDB and SQLite."
    )

    @Option(help: "Events in the synthetic corpus.")
    var events = 1_000_000

    @Option(help: "The synthetic corpus's seed.")
    var seed: UInt64 = 42

    @Option(help: "A folder for corpora and logs (default: a new temporary folder, removed at the end).")
    var work: String?

    @Option(help: "The folder of registries and lexicons the extract step reads (parley's events folder).")
    var lexicons = "events"

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Option(help: .hidden) var step: String?

    func validate() throws {
        guard events >= 1_000 else { throw ValidationError("--events must be at least 1000") }
    }

    func run() throws {
        if let step, let work {
            var steps = Steps(work: work, events: events, seed: seed)
            steps.lexicons = lexicons
            let figures = try steps.run(step)
            var all = figures
            all["peakRSSMB"] = Double(peakRSSKilobytes()) / 1024
            let data = try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let folder = URL(fileURLWithPath: lexicons).path
        try Orchestra(events: events, seed: seed, work: work, lexicons: folder, json: json).run()
    }
}

func peakRSSKilobytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The processor time of the whole process so far, all threads, in seconds.
func processorTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs every step in a child process and reports.
struct Orchestra {
    let events: Int
    let seed: UInt64
    let work: String?
    let lexicons: String
    let json: Bool

    func run() throws {
        let directory = work ?? FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if work == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let small = Steps.small(of: events)
        var results: [String: [String: Double]] = [:]
        // The processor's speed moves within minutes on a shared machine: it is probed just
        // before and after the ingest, the figure it moves most.
        let steps: [(key: String?, name: String, count: Int)] = [
            (nil, "synth", events), (nil, "synth", small), (nil, "prepare", events), (nil, "append", events),
            (nil, "raw-lmdb", events), (nil, "sqlite", events), (nil, "ingest", small), ("probe-before", "probe", events),
            (nil, "ingest", events), ("probe-after", "probe", events), (nil, "state", events), (nil, "replay", events),
            (nil, "verify", events), (nil, "export", events), (nil, "extract", events),
        ]
        for (given, name, count) in steps {
            let key = given ?? (count == events ? name : "\(name)@\(count)")
            if results[key] != nil { continue }
            if !json { FileHandle.standardError.write(Data("running \(key)…\n".utf8)) }
            results[key] = try child(name, count: count, directory: directory)
        }
        let report = Report(events: events, small: small, results: results)
        if json {
            let data = try JSONSerialization.data(withJSONObject: report.json, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text)
        }
    }

    private func child(_ step: String, count: Int, directory: String) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--step", step, "--work", directory, "--events", String(count), "--seed", String(seed), "--lexicons", lexicons]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("step \(step) (\(count) events) failed with status \(process.terminationStatus)")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
