import Corpus
import EventLog
import Foundation
import Negotiation

/// What one ingest did.
public struct IngestReport: Sendable, Hashable {
    /// Whether the registries differed from the last recorded ones, and were recorded.
    public var registryAppended = false
    public var articlesAppended = 0
    public var articlesAlreadyRecorded = 0
    public var eventsAppended = 0
    public var eventsAlreadyRecorded = 0
    public var head = Head.empty
    /// What the corpus's sanity checks found (an acceptance before any proposal, a start on a
    /// track nobody accepted…): told, not refused.
    public var warnings: [CorpusIssue] = []

    /// True when the corpus was already wholly in the log.
    public var appendedNothing: Bool { !registryAppended && articlesAppended == 0 && eventsAppended == 0 }
}

/// Why the store refused an operation.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// A stored entry does not decode as an article or event.
    case undecodable(sequence: UInt64, reason: String)
    case log(EventLogError)
    /// An ingest of several batches, each expecting the log to end where the one before left
    /// it, found that another writer had appended in between: `committed` tells what the
    /// batches before it appended (through `committed.head`), and nothing after was appended.
    case interrupted(committed: IngestReport, logEnd: UInt64)

    public var description: String {
        switch self {
        case .undecodable(let sequence, let reason): "entry \(sequence) is not a Parley record: \(reason)"
        case .log(let error): error.description
        case .interrupted(let committed, let logEnd):
            "conflict: another writer appended after sequence \(committed.head.sequence), where this ingest's last batch ended "
                + "(the log now ends at \(logEnd)); this ingest committed \(committed.articlesAppended) articles and "
                + "\(committed.eventsAppended) events, through sequence \(committed.head.sequence), and appended nothing after; "
                + "run it again (with --expect-sequence \(logEnd)) to append the rest"
        }
    }

    /// Whether another writer came first: nothing, or only whole batches, were appended.
    public var isConflict: Bool {
        switch self {
        case .log(let error): error.isConflict
        case .interrupted: true
        case .undecodable: false
        }
    }
}

/// The negotiation record over an ``EventLog``: the one place that encodes articles and events
/// into log entries and decodes them back.
public final class NegotiationStore: Sendable {
    public let log: EventLog

    public init(log: EventLog) { self.log = log }

    /// The derived indexes the store keeps beside the log: what an ``EventLog`` opened for it
    /// names in ``EventLog/Options/indexes``.
    public static let indexNames = ProjectionIndex.names

    /// Opens the log in `directory` with the store's derived indexes (read-only: query
    /// commands never write).
    ///
    /// - Parameter clock: what new entries' recorded times are read from (see
    ///   ``EventLog/Options/clock``): the system's clock unless given.
    public convenience init(directory: String, readOnly: Bool = false, clock: (@Sendable () -> Int64)? = nil) throws(EventLogError) {
        var options = EventLog.Options(readOnly: readOnly, indexes: ProjectionIndex.names)
        if let clock { options.clock = clock }
        self.init(log: try EventLog(directory: directory, options: options))
    }

    /// Whether the derived indexes are there and cover the whole log.
    public func indexIsFresh() throws -> Bool {
        guard log.hasIndexes(ProjectionIndex.names) else { return false }
        return try log.readIndexes { try ProjectionIndex.isFresh($0) }
    }

    /// Rebuilds the derived indexes from the log alone.
    public func reindex() throws {
        guard log.hasIndexes(ProjectionIndex.names) else { return }
        try log.updateIndexes { w in
            for name in ProjectionIndex.names { try w.clear(name) }
            // Empty indexes of this version that hold nothing yet: another process catching up
            // continues from here rather than clearing again.
            var nothing = IndexMaintenance()
            try nothing.commit(through: 0, &w)
        }
        try bringIndexesUpToDate()
    }

    /// Indexes whatever the indexes do not yet hold, then recomputes the dirty checkpoints:
    /// what another writer, killed or in another process, left to do. Indexes of another version
    /// are rebuilt from the start.
    ///
    /// In transactions of at most 50,000 entries, each continuing from the `through` it reads, so
    /// that no transaction holds a large log's index in memory and several processes can do this
    /// at once; an interrupted run leaves the indexes stale, never wrong.
    public func bringIndexesUpToDate() throws {
        guard log.hasIndexes(ProjectionIndex.names) else { return }
        var caughtUp = false
        while !caughtUp {
            caughtUp = try log.updateIndexes { w -> Bool in
                let head = try w.head().sequence
                let through: UInt64
                let maintainer = try ProjectionIndex.maintainer(w)
                if let maintainer, maintainer != getpid(), ProjectionIndex.isRunning(maintainer) {
                    // A large ingest in another process is writing them: it catches up when done.
                    return true
                } else if maintainer == nil, let covered = try ProjectionIndex.covered(w) {
                    through = covered
                } else {
                    // Never built, of another version, or left half-written by a large ingest
                    // that died: rebuilt from the start.
                    for name in ProjectionIndex.names { try w.clear(name) }
                    through = 0
                }
                guard through < head else { return true }
                let end = min(head, through + 50_000)
                var maintenance = IndexMaintenance()
                maintenance.registry = try ProjectionIndex.registry(w)
                for sequence in (through + 1)...end {
                    let read = try w.withEntry(at: sequence) { view in (try ProjectionIndex.decodeRecord(view), [UInt8](view.payload)) }
                    guard let (record, payload) = read else { continue }
                    try maintenance.index(record, at: sequence, payload: payload, &w)
                }
                try maintenance.commit(through: end, &w)
                return end == head
            }
        }
        try IndexMaintenance.recomputeDirtyCheckpoints(log)
    }

    // MARK: Reading

    /// The text of a recorded article, from the log's content-addressed store.
    public func text(of article: Article) throws -> String? {
        guard let digest = bytes(fromHex: article.sha256) else { return nil }
        let stored: [UInt8]?
        do { stored = try log.blob(sha256: digest) } catch { throw StoreError.log(error) }
        return stored.flatMap { String(validating: $0, as: UTF8.self) }
    }

    // MARK: Verification

    /// The log's own checks, plus: every recorded article's text is stored and unchanged.
    /// Problems with a stored text name the article.
    public func verify() throws -> VerificationReport {
        /// An article as verify sees it: its text's digest, and whether the text is stored.
        struct Text: Sendable {
            var id: String
            var sha256: String
            var stored: Bool
        }
        var report: VerificationReport
        var texts: [Text] = []
        do {
            // The articles are read on the log's own walk, from every entry whose id is an
            // article's, and their texts looked up there, on the walk's threads.
            let (checked, articles) = try log.verify(collecting: "article/") { view, blobs -> Text? in
                let article: (id: String, sha256: String)?
                do throws(RecordDecodingError) {
                    article = try LogRecord.articleText(view.payload)
                } catch {
                    throw StoreError.undecodable(sequence: view.sequence, reason: error.reason)
                }
                guard let article else { return nil }
                let stored = try bytes(fromHex: article.sha256).map { try blobs.contains(sha256: $0) } ?? true
                return Text(id: article.id, sha256: article.sha256, stored: stored)
            }
            report = checked
            if let articles {
                texts = articles.compactMap { $0 }
            } else {
                // The chain broke, so the walk did not see every entry: find the articles by id.
                try log.forEachEntry(withIDPrefix: "article/") { view in
                    if case .article(let article) = try ProjectionIndex.decodeRecord(view) {
                        texts.append(Text(id: article.id, sha256: article.sha256, stored: true))
                    }
                }
                let keys = texts.indices.compactMap { i in bytes(fromHex: texts[i].sha256).map { (i, $0) } }
                for ((i, _), stored) in zip(keys, try log.hasBlobs(sha256: keys.map(\.1))) { texts[i].stored = stored }
            }
        } catch let error as EventLogError {
            throw StoreError.log(error)
        }
        /// The ids of the articles of each digest, in id order (as a walk of the id index gives them).
        func byDigest(_ texts: some Sequence<Text>) -> [String: [String]] {
            Dictionary(grouping: texts, by: \.sha256).mapValues { group in
                group.map(\.id).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            }
        }
        if report.problems.contains(where: { $0.blob != nil }) {
            let articles = byDigest(texts)
            for index in report.problems.indices {
                if let blob = report.problems[index].blob, let ids = articles[blob] {
                    report.problems[index].message = "article \(ids.joined(separator: ", ")): its stored text changed (no longer hashes to \(blob.prefix(16))…)"
                }
            }
        }
        for (digest, ids) in byDigest(texts.lazy.filter { !$0.stored }).sorted(by: { $0.key < $1.key }) {
            report.problems.append(.init(blob: digest, message: "article \(ids.joined(separator: ", ")): its text is missing from the log"))
        }
        return report
    }
}
