import CanonicalJSON
import EventLog
import FileIO
import Foundation
import Negotiation
import Store

/// The log as NDJSON, and a log rebuilt from it.
///
/// The first line says what follows: `{"parleyLog":1,"format":F,"sequence":N,"head":"…"}`, the
/// log's hash format and where it ends. Then one line per entry, in sequence order:
/// `{"sequence":…,"recordedAtMicroseconds":…,"id":"…","hash":"…","record":{…}}`, the record
/// being the entry's canonical JSON as it is, and, for an article, `"text"`: the article's text.
///
/// Reading it back checks every line as it comes: the sequence follows the one before, the
/// record written canonically and chained onto the previous hash at its recorded time gives the
/// line's hash, an article's text hashes to its record's SHA-256, and the last line is the
/// header's head. A changed byte, a line missing or two lines swapped are refused, the line
/// named. The new log is built beside its folder and takes its name only when all is checked.
public enum LogExchange {
    public static let version = 1

    /// Writes the whole log to `output`, line by line; returns the head written.
    public static func export(_ store: NegotiationStore, to output: (String) throws -> Void) throws -> Head {
        let head: Head
        do { head = try store.log.head() } catch { throw StoreError.log(error) }
        try output("{\"parleyLog\":\(version),\"format\":\(store.log.format),\"sequence\":\(head.sequence),\"head\":\"\(head.hashHex)\"}\n")
        // A thousand entries at a time: an article's text is read outside the read of the entries.
        var next: UInt64 = 1
        while next <= head.sequence {
            let last = min(head.sequence, next + 999)
            for line in try lines(of: store, from: next, through: last) { try output(line) }
            next = last + 1
        }
        return head
    }

    /// The entries from `first` through `last` as the file's lines (each ending in a newline):
    /// sequence, recorded time, id, hash, the record as the log holds it, an article's text.
    /// The server's `/v1/log` and `/v1/feed` send the same lines.
    public static func lines(of store: NegotiationStore, from first: UInt64, through last: UInt64) throws -> [String] {
        guard first <= last else { return [] }
        return try store.log.entries(from: first, through: last).map { entry in
            var line = "{\"sequence\":\(entry.sequence),\"recordedAtMicroseconds\":\(entry.recordedAtMicroseconds),"
            line += "\"id\":" + jsonStringLiteral(entry.id)
            line += ",\"hash\":\"" + hexString(entry.hash) + "\",\"record\":" + String(decoding: entry.payload, as: UTF8.self)
            if case .article(let article) = try LogRecord.decode(entry.payload) {
                guard let text = try store.text(of: article) else {
                    throw StoreError.undecodable(sequence: entry.sequence, reason: "the text of article \(article.id) is not in the log")
                }
                line += ",\"text\":" + jsonStringLiteral(text)
            }
            return line + "}\n"
        }
    }

    /// What an import built.
    public struct Imported: Sendable {
        public var head: Head
        public var entries: Int
        public var articles: Int
    }

    /// Rebuilds the log of the NDJSON file at `path` in the new folder `directory`.
    ///
    /// - Throws: ``ExchangeError``: a line that fails a check (its number named), a folder that
    ///   is already there, or the system's I/O. Nothing is left at `directory` then.
    public static func importLog(from path: String, into directory: String) throws(ExchangeError) -> Imported {
        if FileManager.default.fileExists(atPath: directory) {
            throw .conflict("\(directory) is already there: import builds a new log, in a folder of its own")
        }
        let lines: LineReader
        do { lines = try LineReader(path: path) } catch { throw .file(error) }
        let partial = directory + ".partial-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        let imported: Imported
        do {
            let store = try NegotiationStore(directory: partial)
            var builder = try Builder(store: store, file: path)
            while let (number, line) = try lines.next() { try builder.take(line, number: number) }
            imported = try builder.finish()
            try store.reindex()
        } catch let error as ExchangeError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
        do { try FileManager.default.moveItem(atPath: partial, toPath: directory) } catch {
            throw .failed("cannot move the new log into \(directory): \(error.localizedDescription)")
        }
        return imported
    }

    /// Takes the lines in, one at a time, and appends them in batches of one recorded time.
    struct Builder {
        let store: NegotiationStore
        let file: String
        var header: (format: Int, sequence: UInt64, head: String)?
        /// The head after the last line taken, and where the pending batch starts.
        var head = Head.empty
        var batchStart = Head.empty
        var batch: [Record] = []
        var blobs: [Blob] = []
        var recordedAt: Int64 = 0
        var entries = 0
        var articles = 0

        init(store: NegotiationStore, file: String) throws {
            self.store = store
            self.file = file
        }

        func fail(_ number: Int, _ problem: String) -> ExchangeError {
            .badLine(file: file, line: number, problem: problem)
        }

        mutating func take(_ bytes: [UInt8], number: Int) throws {
            let value: JSONValue
            do { value = try bytes.withUnsafeBytes { buffer throws(JSONReadError) in try JSONReader.parse(buffer) } } catch {
                throw fail(number, "not JSON: \(error)")
            }
            guard let object = value.object else { throw fail(number, "not a JSON object") }
            guard header != nil else {
                guard object["parleyLog"]?.int == LogExchange.version, let format = object["format"]?.int,
                      let sequence = object["sequence"]?.int, sequence >= 0, let head = object["head"]?.string
                else { throw fail(number, "not a Parley log's first line ({\"parleyLog\":1,\"format\":…,\"sequence\":…,\"head\":…})") }
                guard format == store.log.format else {
                    throw fail(number, "written from a log of hash format \(format); this version writes format \(store.log.format)")
                }
                self.header = (format, UInt64(sequence), head)
                return
            }
            guard let sequence = object["sequence"]?.int, let time = object["recordedAtMicroseconds"]?.int,
                  let id = object["id"]?.string, let hash = object["hash"]?.string, let record = object["record"]
            else { throw fail(number, "an entry needs sequence, recordedAtMicroseconds, id, hash and record") }
            guard UInt64(sequence) == head.sequence + 1 else {
                throw fail(number, "sequence \(sequence) where \(head.sequence + 1) was due: a line is missing, repeated or out of order")
            }
            var writer = JSONWriter()
            writer.value(record)
            let entry = Record(id: id, payload: writer.bytes)
            let decoded: LogRecord
            do { decoded = try LogRecord.decode(entry.payload) } catch { throw fail(number, "the record is not a Parley record: \(error.reason)") }
            let chained = ChainedRecords([entry], after: head, recordedAt: Int64(time))
            guard chained.end.hashHex == hash else {
                throw fail(number, "the entry at sequence \(sequence) does not hash to its line's hash: the line was changed, or one before it")
            }
            if case .article(let article) = decoded {
                guard let text = object["text"]?.string else { throw fail(number, "the article \(article.id) has no text") }
                let blob = Blob(Array(text.utf8))
                guard hexString(blob.sha256) == article.sha256 else {
                    throw fail(number, "the text of article \(article.id) does not hash to its SHA-256: the text was changed")
                }
                blobs.append(blob)
                articles += 1
            }
            if Int64(time) != recordedAt || batch.count >= 5_000 { try flush() }
            if batch.isEmpty { recordedAt = Int64(time) }
            batch.append(entry)
            head = chained.end
            entries += 1
        }

        /// Appends the pending batch: its entries were recorded together, so hashed together.
        mutating func flush() throws {
            guard !batch.isEmpty else { return }
            let chained = ChainedRecords(batch, after: batchStart, recordedAt: recordedAt)
            try store.log.append(chained, blobs: blobs, expectedLastSequence: batchStart.sequence)
            batchStart = chained.end
            batch = []
            blobs = []
        }

        mutating func finish() throws -> Imported {
            try flush()
            guard let header else { throw ExchangeError.badLine(file: file, line: 1, problem: "the file is empty") }
            guard head.sequence == header.sequence, head.hashHex == header.head else {
                throw ExchangeError.badLine(file: file, line: entries + 2,
                                            problem: "the file ends at sequence \(head.sequence) (head \(head.hashHex.prefix(16))…), its first line says \(header.sequence) (head \(header.head.prefix(16))…): lines are missing at the end")
            }
            return Imported(head: head, entries: entries, articles: articles)
        }
    }

}

/// Why an import did not happen; nothing is left in the new log's folder then.
public enum ExchangeError: Error, Sendable, CustomStringConvertible {
    /// A line of the file fails a check.
    case badLine(file: String, line: Int, problem: String)
    /// The new log's folder is already there.
    case conflict(String)
    /// The file could not be read.
    case file(FileError)
    /// Writing the new log failed.
    case failed(String)

    public var description: String {
        switch self {
        case .badLine(let file, let line, let problem): "\(file):\(line): \(problem); nothing was imported"
        case .conflict(let problem), .failed(let problem): problem
        case .file(let error): error.description
        }
    }
}

/// The lines of a file, read a block at a time, numbered from 1.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var number = 0
    private var ended = false

    init(path: String) throws(FileError) {
        if let kind = InputFile.irregularKind(at: path) { throw FileError(path: path, operation: "read", reason: .notARegularFile(kind: kind)) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError(path: path, operation: "read", reason: .missing) }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next line without its newline, and its number; `nil` at the end. Empty lines are
    /// skipped but counted.
    func next() throws -> (Int, [UInt8])? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                number += 1
                if line.isEmpty { continue }
                return (number, line)
            }
            if ended {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                number += 1
                return (number, line)
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { ended = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
