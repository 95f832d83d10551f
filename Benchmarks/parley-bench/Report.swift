import Foundation

/// The figures, the targets they are held to, and how they read.
struct Report {
    let events: Int
    let small: Int
    let results: [String: [String: Double]]

    func value(_ step: String, _ key: String) -> Double { results[step]?[key] ?? .nan }

    struct Line {
        var name: String
        var figure: String
        var target: String
        var met: Bool?
        var rss: Double
    }

    var lines: [Line] {
        let append = value("append", "eventsPerSecond"), raw = value("raw-lmdb", "eventsPerSecond")
        let sqlite = value("sqlite", "eventsPerSecond"), ingest = value("ingest", "eventsPerSecond")
        let p50 = value("state", "p50ms"), p99 = value("state", "p99ms")
        // Both sizes are measured in the one `state` step, their queries alternating.
        let p50small = value("state", "smallP50ms"), p99small = value("state", "smallP99ms")
        let replay = value("replay", "p50ms"), verify = value("verify", "entriesPerSecond")
        let export = value("export", "seconds"), bytes = value("ingest", "bytesOnDisk") / Double(events)
        let probeBefore = value("probe-before", "yamlMBPerSecond"), probeAfter = value("probe-after", "yamlMBPerSecond")
        let worstRSS = results.values.compactMap { $0["peakRSSMB"] }.max() ?? .nan
        return [
            Line(name: "log append, batches of 1,000, durable", figure: rate(append) + processor("append"),
                 target: "≥ 0.4 × raw LMDB, ≥ 1.5 × SQLite: \(ratio(append / raw)) and \(ratio(append / sqlite))",
                 met: append >= 0.4 * raw && append >= 1.5 * sqlite, rss: value("append", "peakRSSMB")),
            Line(name: "raw LMDB from C, same bytes", figure: rate(raw) + processor("raw-lmdb"), target: "the limit", met: nil, rss: value("raw-lmdb", "peakRSSMB")),
            Line(name: "SQLite WAL FULL, unique id + (track, day)", figure: rate(sqlite), target: "the peer", met: nil,
                 rss: value("sqlite", "peakRSSMB")),
            Line(name: "end-to-end ingest from files", figure: rate(ingest), target: "≥ 50,000 events/s", met: ingest >= 50_000,
                 rss: value("ingest", "peakRSSMB")),
            Line(name: "processor: libyaml on an event file, one core", figure: String(format: "%.0f MB/s before the ingest, %.0f after", probeBefore, probeAfter),
                 target: "the same work each time: how fast the machine was", met: nil, rss: .nan),
            Line(name: "state --as-of, one track, \(count(events)) events", figure: "p50 \(ms(p50)), p99 \(ms(p99))",
                 target: "p50 ≤ 1 ms, p99 ≤ 5 ms", met: p50 <= 1 && p99 <= 5, rss: value("state", "peakRSSMB")),
            Line(name: "state --as-of, one track, \(count(small)) events", figure: "p50 \(ms(p50small)), p99 \(ms(p99small))",
                 target: "\(count(events)) ≤ 2 × this: \(ratio(p50 / p50small)) (p50), \(ratio(p99 / p99small)) (p99)",
                 met: p50 <= 2 * p50small && p99 <= 2 * p99small, rss: .nan),
            Line(name: "state by full replay (streaming read and fold)", figure: "p50 \(ms(replay))",
                 target: "the index is \(ratio(replay / p50)) faster", met: nil, rss: value("replay", "peakRSSMB")),
            Line(name: "verify", figure: rate(verify, unit: "entries/s"), target: "≥ 1,000,000 entries/s", met: verify >= 1_000_000,
                 rss: value("verify", "peakRSSMB")),
            Line(name: "weekly export, all tracks, 10 years", figure: String(format: "%.2f s", export), target: "≤ 2 s", met: export <= 2,
                 rss: value("export", "peakRSSMB")),
            extractLine("article", "extract, 2 MB French article"),
            extractLine("unpunctuated", "extract, 1 MB English, no . ! ? or line break"),
            Line(name: "bytes on disk per event", figure: String(format: "%.0f B", bytes), target: "log, indexes and checkpoints",
                 met: nil, rss: .nan),
            Line(name: "peak RSS, worst step", figure: String(format: "%.0f MB", worstRSS), target: "≤ 150 MB in every step",
                 met: worstRSS <= 150, rss: .nan),
        ]
    }

    /// One of the `extract` step's texts: seconds and MB/s, held to 2 s.
    func extractLine(_ text: String, _ name: String) -> Line {
        let seconds = value("extract", text + "Seconds"), rate = value("extract", text + "MBPerSecond")
        let sentences = value("extract", text + "Sentences"), candidates = value("extract", text + "Candidates")
        let figure = seconds.isNaN || sentences.isNaN || candidates.isNaN ? "—"
            : String(format: "%.2f s, %.2f MB/s", seconds, rate) + processor("extract", text + "ProcessorSeconds")
                + " (\(count(Int(sentences))) sentences, \(count(Int(candidates))) candidates)"
        return Line(name: name, figure: figure, target: "≤ 2 s, extraction and event file", met: seconds <= 2, rss: value("extract", "peakRSSMB"))
    }

    var text: String {
        var out = ["Parley benchmark: \(count(events)) synthetic events, \(ProcessInfo.processInfo.activeProcessorCount) cores", ""]
        let width = lines.map(\.name.count).max() ?? 0
        for line in lines {
            let mark = line.met.map { $0 ? "ok  " : "MISS" } ?? "    "
            let rss = line.rss.isNaN ? "" : String(format: "  [peak RSS %.0f MB]", line.rss)
            out.append("\(mark) \(line.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(line.figure)  — \(line.target)\(rss)")
        }
        return out.joined(separator: "\n")
    }

    var json: [String: Any] {
        ["events": events, "steps": results,
         "checks": lines.map { ["name": $0.name, "figure": $0.figure, "target": $0.target, "met": $0.met.map { $0 as Any } ?? NSNull()] }]
    }

    func rate(_ v: Double, unit: String = "events/s") -> String {
        v.isNaN ? "—" : "\(count(Int(v.rounded()))) \(unit)"
    }

    /// The processor time of a step's timed part, all its threads: what its rate cost.
    func processor(_ step: String, _ key: String = "processorSeconds") -> String {
        let seconds = value(step, key)
        return seconds.isNaN ? "" : String(format: ", %.2f processor-s", seconds)
    }

    func ms(_ v: Double) -> String { String(format: "%.3f ms", v) }
    func ratio(_ v: Double) -> String { String(format: "%.2f×", v) }

    func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
