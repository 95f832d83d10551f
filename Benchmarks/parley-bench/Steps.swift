import CBench
import Corpus
import EventLog
import Extraction
import Foundation
import Lexicons
import Negotiation
import Report
import Store
import Synthetic

#if canImport(Glibc)
import CGlibc
#endif

/// One measured step, run in its own process.
struct Steps {
    let work: String
    let events: Int
    let seed: UInt64
    /// The folder of registries and lexicons the `extract` step reads (parley's `events`).
    var lexicons = "events"

    var corpus: String { "\(work)/corpus-\(events)" }
    var log: String { "\(work)/log-\(events)" }
    var payloads: String { "\(work)/payloads-\(events).bin" }
    static let batch = 1_000
    static let track = "synth-03"

    func run(_ step: String) throws -> [String: Double] {
        switch step {
        case "synth": return try synth()
        case "prepare": return try prepare()
        case "append": return try append()
        case "raw-lmdb": return try rawLMDB()
        case "sqlite": return try sqlite()
        case "ingest": return try ingest()
        case "state": return try state()
        case "replay": return try replay()
        case "verify": return try verify()
        case "export": return try export()
        case "probe": return try probe()
        case "extract": return try extract()
        case "news-texts": return try newsTexts()
        default: throw BenchError("unknown step \(step)")
        }
    }

    private func synth() throws -> [String: Double] {
        if FileManager.default.fileExists(atPath: corpus + "/seeds/catalog.yaml") { return ["seconds": 0] }
        let start = now()
        let summary = try SyntheticCorpus(events: events, seed: seed).write(to: corpus)
        return ["seconds": now() - start, "bytes": Double(summary.bytes)]
    }

    /// The corpus's events, parsed and encoded once, for the append steps: what they time is
    /// appending, not reading YAML.
    private func prepare() throws -> [String: Double] {
        #if canImport(Glibc)
        // It reads the corpus as `parley ingest` does, and so sets glibc's mmap threshold as it
        // does (see Sources/parley/Ingest.swift): without it, the reader's growing arrays freed
        // on the heap kept this step 20 MB higher at a million events.
        mallopt(M_MMAP_THRESHOLD, 128 << 10)
        #endif
        let start = now()
        guard FileManager.default.createFile(atPath: payloads, contents: nil), let out = FileHandle(forWritingAtPath: payloads) else {
            throw BenchError("cannot write \(payloads)")
        }
        var buffer: [UInt8] = []
        var count = 0
        var failure: (any Error)?
        let scan = Corpus.scan(seeds: corpus + "/seeds", events: corpus + "/events") { source, payload in
            let e = source.event
            PayloadFile.encode(id: "event/\(e.id)", track: e.tracks.first ?? "", day: Int32(e.on?.last.ordinal ?? 0),
                               payload: payload, into: &buffer)
            count += 1
            if buffer.count > 1 << 20 {
                do { try out.write(contentsOf: buffer) } catch { failure = error }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if let failure { throw failure }
        guard scan.issues.isEmpty else { throw BenchError("the synthetic corpus is invalid: \(scan.issues.prefix(3))") }
        try out.write(contentsOf: buffer)
        try out.close()
        return ["seconds": now() - start, "events": Double(count)]
    }

    private func fresh(_ path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    private func append() throws -> [String: Double] {
        let path = "\(work)/append-\(events)"
        try fresh(path)
        var options = EventLog.Options()
        options.initialMapSize = 1 << 30
        let log = try EventLog(directory: path, options: options)
        var seconds = 0.0
        var processor = 0.0
        var count = 0
        try PayloadFile.batches(payloads, size: Self.batch) { batch in
            let records = batch.map { Record(id: $0.id, payload: $0.payload) }
            let (start, startProcessor) = (now(), processorTime())
            try log.append(records)
            (seconds, processor) = (seconds + now() - start, processor + processorTime() - startProcessor)
            count += records.count
        }
        return ["seconds": seconds, "processorSeconds": processor, "eventsPerSecond": Double(count) / seconds, "events": Double(count)]
    }

    private func rawLMDB() throws -> [String: Double] {
        let path = "\(work)/raw-\(events)"
        try fresh(path)
        var error = [CChar](repeating: 0, count: 256)
        guard let bench = cbench_lmdb_open(path, 1 << 34, &error, error.count) else {
            throw BenchError("raw LMDB: \(message(error))")
        }
        defer { cbench_lmdb_close(bench) }
        var seconds = 0.0
        var processor = 0.0
        var key: UInt64 = 1
        try PayloadFile.batches(payloads, size: Self.batch) { batch in
            let (data, offsets) = PayloadFile.flatten(batch.map(\.payload))
            let (start, startProcessor) = (now(), processorTime())
            let rc = data.withUnsafeBufferPointer { d in
                offsets.withUnsafeBufferPointer { o in cbench_lmdb_append(bench, key, d.baseAddress, o.baseAddress, batch.count) }
            }
            (seconds, processor) = (seconds + now() - start, processor + processorTime() - startProcessor)
            guard rc == 0 else { throw BenchError("raw LMDB append failed: \(rc)") }
            key += UInt64(batch.count)
        }
        let count = Double(key - 1)
        return ["seconds": seconds, "processorSeconds": processor, "eventsPerSecond": count / seconds, "events": count]
    }

    private func sqlite() throws -> [String: Double] {
        let path = "\(work)/sqlite-\(events).db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        var error = [CChar](repeating: 0, count: 256)
        guard let bench = cbench_sqlite_open(path, &error, error.count) else { throw BenchError("SQLite: \(message(error))") }
        defer { cbench_sqlite_close(bench) }
        var seconds = 0.0
        var count = 0
        try PayloadFile.batches(payloads, size: Self.batch) { batch in
            let (data, offsets) = PayloadFile.flatten(batch.map(\.payload))
            let (ids, idOffsets) = PayloadFile.flatten(batch.map { Array($0.id.utf8) + [0] })
            let (tracks, trackOffsets) = PayloadFile.flatten(batch.map { Array($0.track.utf8) + [0] })
            let days = batch.map(\.day)
            let start = now()
            let rc = data.withUnsafeBufferPointer { d in
                offsets.withUnsafeBufferPointer { o in
                    ids.withUnsafeBufferPointer { i in
                        idOffsets.withUnsafeBufferPointer { io in
                            tracks.withUnsafeBufferPointer { t in
                                trackOffsets.withUnsafeBufferPointer { to in
                                    days.withUnsafeBufferPointer { dy in
                                        i.withMemoryRebound(to: CChar.self) { ic in
                                            t.withMemoryRebound(to: CChar.self) { tc in
                                                cbench_sqlite_insert(bench, ic.baseAddress, io.baseAddress, tc.baseAddress, to.baseAddress,
                                                                     dy.baseAddress, d.baseAddress, o.baseAddress, batch.count)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            seconds += now() - start
            guard rc == 0 else { throw BenchError("SQLite insert failed: \(rc)") }
            count += batch.count
        }
        return ["seconds": seconds, "eventsPerSecond": Double(count) / seconds, "events": Double(count)]
    }

    private func ingest() throws -> [String: Double] {
        #if canImport(Glibc)
        // As `parley ingest` does (see Sources/parley/Ingest.swift): freed buffers leave.
        mallopt(M_MMAP_THRESHOLD, 128 << 10)
        #endif
        try? FileManager.default.removeItem(atPath: log)
        let start = now()
        let report = try NegotiationStore(directory: log).ingest(seeds: corpus + "/seeds", events: corpus + "/events")
        let seconds = now() - start
        var info = stat()
        stat(log + "/data.mdb", &info)
        return ["seconds": seconds, "eventsPerSecond": Double(report.eventsAppended) / seconds, "events": Double(report.eventsAppended),
                "entries": Double(report.head.sequence), "bytesOnDisk": Double(info.st_blocks) * 512, "fileSize": Double(info.st_size)]
    }

    /// How fast the processor is now: libyaml parsing the corpus's first event file on one
    /// core, over and over for at least a second and a half (the same work whenever it runs).
    private func probe() throws -> [String: Double] {
        let events = corpus + "/events"
        guard let first = try FileManager.default.contentsOfDirectory(atPath: events).filter({ $0.hasPrefix("synth-") }).min(),
              let bytes = FileManager.default.contents(atPath: events + "/" + first).map({ [UInt8]($0) }) else {
            throw BenchError("no event file in \(events)")
        }
        var parsed = 0
        let start = now()
        repeat {
            guard bytes.withUnsafeBufferPointer({ cbench_yaml_events($0.baseAddress, $0.count) }) > 0 else {
                throw BenchError("\(first) is not YAML")
            }
            parsed += bytes.count
        } while now() - start < 1.5
        return ["yamlMBPerSecond": Double(parsed) / (now() - start) / 1e6]
    }

    /// Sizes of the `extract` step's two texts.
    static let articleBytes = 2_000_000
    static let unpunctuatedBytes = 1_000_000

    /// `parley extract` on two texts it builds itself: a 2 MB French article (news sentences
    /// in paragraphs) and 1 MB of English words with no `.`, `!`, `?` or line break. Each
    /// time is the extraction and the event file's text, as the command prints it; the
    /// lexicons are read once, before.
    private func extract() throws -> [String: Double] {
        let lexicon: Lexicon
        do {
            lexicon = try Lexicon.load(events: lexicons)
        } catch {
            throw BenchError("cannot read the lexicons in \(lexicons) (--lexicons): \(error.issues.prefix(3))")
        }
        let extractor = Extractor(lexicon: lexicon)
        guard let published = Day(year: 2025, month: 3, day: 31) else { return [:] }
        let texts = [
            ("article", "fr", NewsText.article(bytes: Self.articleBytes, seed: seed)),
            ("unpunctuated", "en", NewsText.unpunctuated(bytes: Self.unpunctuatedBytes, seed: seed)),
        ]
        var figures: [String: Double] = [:]
        for (name, language, text) in texts {
            let start = now()
            let startProcessor = processorTime()
            let result = try extractor.extract(text: text, article: "bench-\(name)", published: published)
            let yaml = EventFileWriter.yaml(result)
            let seconds = now() - start
            figures[name + "ProcessorSeconds"] = processorTime() - startProcessor
            guard result.language == language else { throw BenchError("the \(name) was read as '\(result.language)', not '\(language)'") }
            let bytes = Double(text.utf8.count)
            figures[name + "Seconds"] = seconds
            figures[name + "MBPerSecond"] = bytes / seconds / 1e6
            figures[name + "Bytes"] = bytes
            figures[name + "Sentences"] = Double(result.sentenceCount)
            figures[name + "Candidates"] = Double(result.candidates.count)
            figures[name + "OutputBytes"] = Double(yaml.utf8.count)
        }
        return figures
    }

    /// Not run by the orchestra: writes the `extract` step's two texts into the work folder,
    /// to run `parley extract` on them (`article-fr.txt`, `unpunctuated-en.txt`).
    private func newsTexts() throws -> [String: Double] {
        try NewsText.article(bytes: Self.articleBytes, seed: seed).write(toFile: "\(work)/article-fr.txt", atomically: true, encoding: .utf8)
        try NewsText.unpunctuated(bytes: Self.unpunctuatedBytes, seed: seed).write(toFile: "\(work)/unpunctuated-en.txt", atomically: true, encoding: .utf8)
        return [:]
    }

    private func randomDays(_ count: Int, seed: UInt64) -> [Day] {
        var rng = SplitMix64(seed: seed)
        let first = Day(year: 2015, month: 1, day: 1)?.ordinal ?? 16_436
        return (0..<count).map { _ in Day(ordinal: first + Int(rng.next(below: 3_652))) }
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    /// The smaller log `state` is compared with (the whole corpus when it is no larger).
    static func small(of events: Int) -> Int { min(100_000, events) }

    /// `state --as-of` at 1,000 random dates on this size's log and on the small one, in one
    /// process, the two logs' queries alternating: measured in two processes, their ratio moved
    /// with the machine between them (0.97× to 1.80× in one day).
    private func state() throws -> [String: Double] {
        let smallLog = "\(work)/log-\(Self.small(of: events))"
        let stores = try [log, smallLog].map { try NegotiationStore(directory: $0, readOnly: true) }
        var latencies: [[Double]] = [[], []]
        var fromIndex = true
        for day in randomDays(1_000, seed: 7) {
            for (n, store) in stores.enumerated() {
                let start = now()
                let answer = try store.states(Query(asOf: day), track: Self.track)
                latencies[n].append((now() - start) * 1_000)
                fromIndex = fromIndex && answer.fromIndex
            }
        }
        let sorted = latencies.map { $0.sorted() }
        return ["p50ms": percentile(sorted[0], 0.5), "p99ms": percentile(sorted[0], 0.99),
                "smallP50ms": percentile(sorted[1], 0.5), "smallP99ms": percentile(sorted[1], 0.99),
                "fromIndex": fromIndex ? 1 : 0]
    }

    /// The same question answered by replaying the log, streaming: each answer reads the log
    /// (keeping only what bears on the track) and folds the track's events in valid-time order.
    private func replay() throws -> [String: Double] {
        let store = try NegotiationStore(directory: log, readOnly: true)
        var latencies: [Double] = []
        for day in randomDays(3, seed: 7) {
            let t = now()
            _ = try store.replay([day], track: Self.track)
            latencies.append((now() - t) * 1_000)
        }
        latencies.sort()
        return ["p50ms": percentile(latencies, 0.5), "minms": latencies[0]]
    }

    private func verify() throws -> [String: Double] {
        let store = try NegotiationStore(directory: log, readOnly: true)
        let start = now()
        let report = try store.verify()
        let seconds = now() - start
        guard report.isIntact else { throw BenchError("verify found problems: \(report.problems.prefix(3))") }
        return ["seconds": seconds, "entriesPerSecond": Double(report.entriesChecked) / seconds, "entries": Double(report.entriesChecked)]
    }

    private func export() throws -> [String: Double] {
        let store = try NegotiationStore(directory: log, readOnly: true)
        guard let from = Day(year: 2015, month: 1, day: 1), let to = Day(year: 2024, month: 12, day: 31) else { return [:] }
        let days = Cadence.week.days(from: from, to: to)
        let path = "\(work)/export-\(events).csv"
        let start = now()
        guard let stream = OutputStream(toFileAtPath: path, append: false) else { throw BenchError("cannot write \(path)") }
        let writer = try CSVExport.Writer(stream: stream, knownOn: nil, head: try store.log.head())
        var rows = 0
        _ = try store.forEachDay(days, knownOn: nil) { day, states in
            try writer.write(day, states)
            rows += states.count
        }
        try writer.finish()
        return ["seconds": now() - start, "rows": Double(rows)]
    }
}

/// A C error message from its NUL-terminated buffer.
func message(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The prepared events: id, first track, last day and canonical payload, length-prefixed.
enum PayloadFile {
    struct Item {
        var id: String
        var track: String
        var day: Int32
        var payload: [UInt8]
    }

    static func encode(id: String, track: String, day: Int32, payload: [UInt8], into buffer: inout [UInt8]) {
        for part in [Array(id.utf8), Array(track.utf8)] {
            withUnsafeBytes(of: UInt32(part.count).littleEndian) { buffer.append(contentsOf: $0) }
            buffer.append(contentsOf: part)
        }
        withUnsafeBytes(of: day.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: payload)
    }

    /// Reads the file in batches of `size`, never all at once.
    static func batches(_ path: String, size: Int, _ body: ([Item]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchError("cannot read \(path)") }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        var offset = 0
        var batch: [Item] = []
        func need(_ n: Int) throws -> Bool {
            while buffer.count - offset < n {
                guard let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty else { return false }
                buffer = Array(buffer[offset...]) + chunk
                offset = 0
            }
            return true
        }
        func u32() throws -> Int? {
            guard try need(4) else { return nil }
            let v = buffer[offset..<(offset + 4)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            offset += 4
            return Int(UInt32(littleEndian: v))
        }
        func bytes(_ n: Int) throws -> [UInt8] {
            guard try need(n) else { throw BenchError("\(path) is truncated") }
            defer { offset += n }
            return Array(buffer[offset..<(offset + n)])
        }
        while let idLength = try u32() {
            let id = String(decoding: try bytes(idLength), as: UTF8.self)
            guard let trackLength = try u32() else { throw BenchError("\(path) is truncated") }
            let track = String(decoding: try bytes(trackLength), as: UTF8.self)
            let day = Int32(littleEndian: try bytes(4).withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
            guard let payloadLength = try u32() else { throw BenchError("\(path) is truncated") }
            batch.append(Item(id: id, track: track, day: day, payload: try bytes(payloadLength)))
            if batch.count == size {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    /// The parts laid end to end, and where each starts (with the end as a last offset).
    static func flatten(_ parts: [[UInt8]]) -> ([UInt8], [Int]) {
        var data: [UInt8] = []
        var offsets: [Int] = [0]
        for part in parts {
            data.append(contentsOf: part)
            offsets.append(data.count)
        }
        return (data, offsets)
    }
}
