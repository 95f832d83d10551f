import Corpus
import EventLog
import Foundation
import Negotiation

// The record written and read back the plain way: ingest's checks (shared by both ways of
// appending), the reference append, and the whole record read back as a ``History``. The
// fast path, which gives the same bytes, is in `Pipelined/`.

extension NegotiationStore {
    /// Records per append transaction: large enough to amortise the durable commit, small
    /// enough that a transaction's dirty pages stay a few megabytes.
    public static let batchSize = 5_000

    /// Article text per append transaction, at most (the batch closes past it): a batch of
    /// 5,000 articles held 40 MB of text, and their pages as much again, until it committed.
    static let batchTextBytes = 4 << 20

    /// Ingests the corpus in `seeds` and `events`.
    ///
    /// Everything is checked before anything is appended: the catalog, every article's bytes,
    /// the registries, every event (its quote in its article), ids against the corpus and the
    /// log, fixes against their targets. On any problem nothing is appended and the error names
    /// each one. A log that fails verification is not extended. Then the registries, articles
    /// (their text stored by SHA-256) and events are appended in order, in transactions of
    /// `batchSize` records: one transaction for a corpus of that size or less. What is already
    /// recorded with the same bytes is not appended again, so if a large ingest is interrupted,
    /// running it again appends the rest.
    ///
    /// - Parameter method: how the checked corpus is appended (``IngestMethod``): the same
    ///   entries and indexes either way.
    /// - Parameter expectedLastSequence: when given, append only if the log still ends there
    ///   (optimistic concurrency: the checks were made against that log). Each later batch of a
    ///   large corpus expects the head its predecessor left, so no other writer's entries end
    ///   up among this ingest's.
    /// - Parameter afterEachBatch: called with what has been committed so far, after each
    ///   batch commits.
    /// - Throws: ``CorpusError``; ``StoreError`` when the log fails, with
    ///   ``EventLogError/conflict(expected:actual:)`` when another writer appended first (nothing
    ///   was appended) and ``StoreError/interrupted(committed:logEnd:)`` when it appended between
    ///   two batches (the batches before were).
    @discardableResult
    public func ingest(seeds: String, events: String, method: IngestMethod = .pipelined, batchSize: Int = NegotiationStore.batchSize,
                       expectedLastSequence: UInt64? = nil, drafts: DraftPolicy = .refuse,
                       afterEachBatch: (IngestReport) -> Void = { _ in }) throws -> IngestReport {
        try refuseDamagedLog()
        switch method {
        case .reference:
            let corpus = try Corpus.load(seeds: seeds, events: events, drafts: drafts)
            return try ingest(corpus, method: .reference, batchSize: batchSize, expectedLastSequence: expectedLastSequence,
                              afterEachBatch: afterEachBatch)
        case .pipelined:
            return try ingestStreaming(seeds: seeds, events: events, batchSize: batchSize, expectedLastSequence: expectedLastSequence,
                                       drafts: drafts, afterEachBatch: afterEachBatch)
        }
    }

    /// Ingests a corpus already read and checked by ``Corpus/load(seeds:events:)``, with the
    /// same checks against the log and guarantees as
    /// ``ingest(seeds:events:method:batchSize:expectedLastSequence:afterEachBatch:)``, except that
    /// the log is not verified first. Events added to the corpus afterwards are not checked
    /// again (tracks, parties, quotes): that is `load`'s work.
    @discardableResult
    public func ingest(_ corpus: Corpus, method: IngestMethod = .pipelined, batchSize: Int = NegotiationStore.batchSize,
                       expectedLastSequence: UInt64? = nil, afterEachBatch: (IngestReport) -> Void = { _ in }) throws -> IngestReport {
        var report = IngestReport()
        report.warnings = corpus.warnings
        var issues: [CorpusIssue] = []
        var fresh: [(event: Event, payload: [UInt8])] = []
        for source in corpus.events {
            let payload = LogRecord.event(source.event).encoded()
            switch try checkAgainstLog(source, payload) {
            case .new: fresh.append((source.event, payload))
            case .recorded: report.eventsAlreadyRecorded += 1
            case .conflict(let issue): issues.append(issue)
            }
        }
        let ids = Set(corpus.events.map(\.event.id))
        let targets = corpus.events.compactMap { source -> FixTarget? in
            guard let target = source.event.target, !ids.contains(target) else { return nil }
            return FixTarget(target: target, location: source.location,
                             field: source.location.field(source.event.targetField ?? "corrects"),
                             movedTo: source.event.changes?.on?.last)
        }
        var pending: [PendingHeader] = []
        issues = (try pendingHeader(registry: corpus.registry, articles: corpus.articles.map { ($0.article, .bytes($0.bytes), $0.location) },
                                    &pending, &report)) + issues + (try unresolved(targets))
        guard issues.isEmpty else { throw CorpusError(issues) }
        switch method {
        case .reference:
            try appendInOrder(header: pending, events: fresh, batchSize: batchSize, expectedLastSequence: expectedLastSequence,
                              afterEachBatch: afterEachBatch, &report)
        case .pipelined:
            let spilled = fresh.map { SpilledEvent(id: "event/\($0.event.id)", payload: $0.payload, fold: FoldRecord.indexing($0.event)) }
            try appendPipelined(header: pending, events: EventSource(list: spilled), count: spilled.count, batchSize: batchSize,
                                expectedLastSequence: expectedLastSequence, afterEachBatch: afterEachBatch, &report)
        }
        return report
    }

    /// A log that fails verification is not extended: entries chained onto it would seem to
    /// vouch for it, and an event whose id was renamed would be appended a second time. An
    /// empty log has nothing to walk.
    func refuseDamagedLog() throws {
        let isEmpty: Bool
        do { isEmpty = try log.head().sequence == 0 } catch { throw StoreError.log(error) }
        guard !isEmpty else { return }
        if let problem = try verify().problems.first {
            throw StoreError.log(.damaged(problems: ["\(log.path) fails verification: \(problem.message)",
                                                     "nothing was appended (run `parley verify` to see more)"]))
        }
    }

    // MARK: Checks

    enum LogCheck {
        case new
        case recorded
        case conflict(CorpusIssue)
    }

    /// An event already in the log must be there with the same bytes.
    func checkAgainstLog(_ source: SourceEvent, _ payload: [UInt8]) throws -> LogCheck {
        guard let sequence = try sequence(of: "event/\(source.event.id)") else { return .new }
        let same: Bool
        do {
            same = try log.entry(at: sequence)?.payload == payload
        } catch {
            throw StoreError.log(error)
        }
        if same { return .recorded }
        return .conflict(CorpusIssue(
            file: source.location.file, line: source.location.line, field: source.location.field("id"),
            problem: "event \(quoted(source.event.id)) is already recorded, with other content, at sequence \(sequence)",
            expected: "a new id, or a correction of \(quoted(source.event.id)) (the log is append-only)"))
    }

    /// Fixes whose target is in neither the corpus nor the log, and corrections that move an
    /// event of the log past what its article could know.
    func unresolved(_ targets: [FixTarget]) throws -> [CorpusIssue] {
        try targets.compactMap { fix in
            guard let sequence = try sequence(of: "event/\(fix.target)") else { return fix.notRecorded }
            guard let moved = fix.movedTo, let latest = try latestPublication(ofEventAt: sequence), moved > latest else { return nil }
            return CorpusIssue(file: fix.location.file, line: fix.location.line, field: fix.location.field("set.on"),
                               problem: EventReader.movedPastPublication(fix.target, to: moved, latest: latest),
                               expected: "a date that ends by \(latest)")
        }
    }

    /// The last day the article of the event recorded at `sequence` may have been published;
    /// `nil` for an event without an article.
    func latestPublication(ofEventAt sequence: UInt64) throws -> Day? {
        func record(at sequence: UInt64) throws -> LogRecord? {
            let entry: Entry?
            do { entry = try log.entry(at: sequence) } catch { throw StoreError.log(error) }
            guard let entry else { return nil }
            do { return try LogRecord.decode(entry.payload) } catch { throw StoreError.undecodable(sequence: sequence, reason: error.reason) }
        }
        guard case .event(let event)? = try record(at: sequence), let id = event.article,
              let place = try self.sequence(of: "article/\(id)"), case .article(let article)? = try record(at: place)
        else { return nil }
        return article.published.adding(days: article.precision.slack(publishedIn: article.published))
    }

    func sequence(of id: String) throws -> UInt64? {
        do { return try log.sequence(of: id) } catch { throw StoreError.log(error) }
    }

    // MARK: Appending

    /// Where an article's text comes from when it is appended.
    enum ArticleText: Sendable {
        case bytes([UInt8])
        /// Read again from the file when its batch is appended, so that a corpus's texts are
        /// never all in memory, and checked against the catalog's hash once more.
        case file(String)
    }

    /// A record to append, with the article text it carries.
    struct PendingRecord: Sendable {
        var record: Record
        /// Boxed, so that a record stays a few words: with an ``Event`` inline, a batch's array of
        /// records grew to megabytes, allocated afresh for every batch.
        private var box: Decoded?
        var fold: [UInt8] = []
        var text: ArticleText?

        /// `decoded`: the record, for indexing; `nil` for a report carried as its fold record.
        init(record: Record, decoded: LogRecord?, fold: [UInt8] = [], text: ArticleText?) {
            self.record = record
            box = decoded.map(Decoded.init)
            self.fold = fold
            self.text = text
        }

        var decoded: LogRecord? { box?.record }

        private final class Decoded: Sendable {
            let record: LogRecord
            init(_ record: LogRecord) { self.record = record }
        }
    }

    /// A header record to append: an article's is encoded only when its batch is formed, so
    /// that fifty thousand of them do not wait in memory as bytes.
    enum PendingHeader: Sendable {
        case record(PendingRecord)
        case article(Article, ArticleText)

        var resolved: PendingRecord {
            switch self {
            case .record(let record):
                return record
            case .article(let article, let text):
                let record = LogRecord.article(article)
                let payload = record.encoded()
                return PendingRecord(record: Record(id: record.entryID(payload: payload), payload: payload), decoded: record, text: text)
            }
        }
    }

    /// The registry and the articles not yet recorded; an article recorded with other catalog
    /// data is a problem of its catalog entry (the log is append-only).
    func pendingHeader(registry: Registry, articles: [(Article, ArticleText, SourceLocation)], _ pending: inout [PendingHeader],
                               _ report: inout IngestReport) throws -> [CorpusIssue] {
        var issues: [CorpusIssue] = []
        let registryRecord = LogRecord.registry(registry)
        let registryPayload = registryRecord.encoded()
        let registryID = registryRecord.entryID(payload: registryPayload)
        if try sequence(of: registryID) == nil {
            pending.append(.record(PendingRecord(record: Record(id: registryID, payload: registryPayload), decoded: registryRecord, text: nil)))
        }
        for (article, text, location) in articles {
            let record = LogRecord.article(article)
            // An article's entry id is its own: the bytes are needed only to compare.
            if let sequence = try sequence(of: "article/\(article.id)") {
                let payload = record.encoded()
                let stored: [UInt8]?
                do { stored = try log.entry(at: sequence)?.payload } catch { throw StoreError.log(error) }
                if stored == payload {
                    report.articlesAlreadyRecorded += 1
                } else {
                    issues.append(CorpusIssue(
                        file: location.file, line: location.line, field: location.field("id"),
                        problem: "article '\(article.id)' is already recorded, with other catalog data, at sequence \(sequence)",
                        expected: "its catalog entry as recorded (the log is append-only), or a new article id"))
                }
                continue
            }
            pending.append(.article(article, text))
        }
        return issues
    }

    static func blob(of text: ArticleText, _ article: LogRecord?) throws -> Blob {
        switch (text, article) {
        case (.bytes(let bytes), _): return Blob(bytes)
        case (.file(let path), .article(let a)?): return try articleBlob(at: path, expecting: a.sha256)
        case (.file(let path), _): return try articleBlob(at: path, expecting: "")
        }
    }

    /// The file's bytes, hashed once: to check them against the catalog, and to store them.
    static func articleBlob(at path: String, expecting sha256: String) throws -> Blob {
        var bytes: [UInt8] = []
        if let error = readFileBytes(atPath: path, into: &bytes) {
            let (problem, expected) = error.corpusProblem
            throw CorpusError([CorpusIssue(file: path, problem: problem, expected: expected)])
        }
        let blob = Blob(bytes)
        let actual = hexString(blob.sha256)
        guard actual == sha256 else {
            throw CorpusError([CorpusIssue(file: path, problem: "the file changed during the ingest (it hashes to \(actual))",
                                           expected: "the article exactly as catalogued")])
        }
        return blob
    }

}

// MARK: The reference append

extension NegotiationStore {
    /// ``IngestMethod/reference``'s append: the header records (the registry, the articles with
    /// their texts), then the events, in batches of `batchSize` records, one after the other on
    /// this thread. Each batch is one transaction that appends its records and, when the indexes
    /// end where it begins, indexes them; whatever is left (indexes that lagged, checkpoints to
    /// recompute) is brought up to date at the end, as after any write.
    func appendInOrder(header: [PendingHeader], events: [(event: Event, payload: [UInt8])], batchSize: Int,
                       expectedLastSequence: UInt64?, afterEachBatch: (IngestReport) -> Void, _ report: inout IngestReport) throws {
        let records = header.map(\.resolved) + events.map { event, payload in
            PendingRecord(record: Record(id: "event/\(event.id)", payload: payload), decoded: .event(event), text: nil)
        }
        let indexed = log.hasIndexes(ProjectionIndex.names)
        var expected = expectedLastSequence
        var start = 0
        while start < records.count {
            let batch = Array(records[start..<min(records.count, start + max(1, batchSize))])
            start += batch.count
            let blobs = try batch.compactMap { item in try item.text.map { try Self.blob(of: $0, item.decoded) } }
            let receipt: AppendReceipt
            do {
                receipt = try log.append(batch.map(\.record), blobs: blobs, expectedLastSequence: expected) { w, receipt in
                    guard indexed else { return }
                    try Self.index(batch, receipt, &w)
                }
            } catch let error as EventLogError {
                if case .conflict(_, let actual) = error, start > batch.count {
                    throw StoreError.interrupted(committed: report, logEnd: actual)
                }
                throw StoreError.log(error)
            }
            report.head = receipt.head
            if expected != nil { expected = receipt.head.sequence }
            report.count(receipt, batch)
            afterEachBatch(report)
        }
        if report.head.sequence == 0 { report.head = try log.head() }
        try bringIndexesUpToDate()
    }

    /// Indexes a batch in its own transaction, if the indexes end where the batch begins and no
    /// other process is rebuilding them; otherwise leaves them to catch up afterwards.
    private static func index(_ batch: [PendingRecord], _ receipt: AppendReceipt, _ w: inout IndexWriter) throws {
        let appended = receipt.outcomes.filter { if case .appended = $0 { true } else { false } }.count
        let first = receipt.head.sequence - UInt64(appended)
        guard appended > 0, try ProjectionIndex.covered(w) ?? 0 == first, try ProjectionIndex.maintainer(w) == nil else { return }
        var maintenance = IndexMaintenance()
        maintenance.registry = try ProjectionIndex.registry(w)
        for (outcome, item) in zip(receipt.outcomes, batch) {
            guard case .appended(let sequence) = outcome, let record = item.decoded else { continue }
            try maintenance.index(record, at: sequence, payload: item.record.payload, &w)
        }
        try maintenance.commit(through: receipt.head.sequence, &w)
    }
}

extension IngestReport {
    /// Counts what one append did with each record of its batch (a record without its decoded
    /// form is an event carried as its fold record).
    mutating func count(_ receipt: AppendReceipt, _ batch: [NegotiationStore.PendingRecord]) {
        for (outcome, item) in zip(receipt.outcomes, batch) {
            switch (outcome, item.decoded) {
            case (.appended, .registry): registryAppended = true
            case (.appended, .article): articlesAppended += 1
            case (.existing, .article): articlesAlreadyRecorded += 1
            case (.appended, .event), (.appended, nil): eventsAppended += 1
            case (.existing, .event), (.existing, nil): eventsAlreadyRecorded += 1
            case (.existing, .registry): break
            }
        }
    }
}

// MARK: Reading the record back

extension NegotiationStore {
    /// All recorded events in log order, and all recorded articles by id.
    public func contents() throws -> (events: [RecordedEvent], articles: [String: Article]) {
        let history = try history()
        return (history.recorded, history.articles)
    }

    /// The whole record, read once, for projections: the last registry recorded, the articles
    /// and the events.
    public func history() throws -> History {
        var events: [RecordedEvent] = []
        var articles: [String: Article] = [:]
        var registry: Registry?
        let head: Head
        do { head = try log.head() } catch { throw StoreError.log(error) }
        try log.forEachEntry(through: head.sequence) { view in
            let record: LogRecord
            do {
                record = try LogRecord.decode(view.payload)
            } catch {
                throw StoreError.undecodable(sequence: view.sequence, reason: String(describing: error))
            }
            switch record {
            case .registry(let r):
                registry = r
            case .article(let article):
                articles[article.id] = article
            case .event(let event):
                events.append(RecordedEvent(event: event, sequence: view.sequence,
                                            recordedAtMicroseconds: view.recordedAtMicroseconds,
                                            hash: hexString(view.hash)))
            }
            return true
        }
        guard let registry else { throw ProjectionError.noRegistry }
        return History(registry: registry, articles: articles, events: events.sorted { $0.sequence < $1.sequence }, head: head)
    }
}

/// How an ingest appends the corpus it checked. Both give the same entries and the same indexes,
/// byte for byte (a test holds them to it); only their time and memory differ.
public enum IngestMethod: Sendable, CaseIterable {
    /// The plain path, the one to read first: the corpus is read whole, then appended batch by
    /// batch on this thread, each batch indexed in its own transaction.
    case reference
    /// The fast path, in `Pipelined/`: the corpus streamed through a temporary file, batches
    /// formed on another thread while the one before commits, and track rows set aside and
    /// written in key order once every batch is in.
    case pipelined
}

/// An event checked and encoded, waiting to be appended: its entry id, canonical payload, and
/// fold record (``FoldRecord/indexing(_:)``).
struct SpilledEvent {
    var id: String
    var payload: [UInt8]
    var fold: [UInt8]
}

/// What an ingest would change, worked out on a copy of the log.
public struct DryRun: Sendable {
    /// What the ingest would append (nothing was).
    public var report: IngestReport
    /// Every track's state as of the day asked, before and after.
    public var before: StateAnswer
    public var after: StateAnswer
}

extension NegotiationStore {
    /// Ingests the corpus into a copy of the log (one consistent snapshot, in a temporary
    /// folder removed afterwards) and answers the states as of `day` before and after, both
    /// from the copy: every check of a real ingest, and the log itself only read. A corpus
    /// refused throws as ``ingest(seeds:events:method:batchSize:expectedLastSequence:drafts:afterEachBatch:)`` does.
    public func dryRun(seeds: String, events: String, drafts: DraftPolicy = .refuse, asOf day: Day) throws -> DryRun {
        try refuseDamagedLog()
        return try Self.dryRun(seeds: seeds, events: events, drafts: drafts, asOf: day, copying: log)
    }

    /// ``dryRun(seeds:events:drafts:asOf:)`` for a log that does not exist yet: the corpus
    /// ingested into a temporary log, with no state before.
    public static func dryRun(seeds: String, events: String, drafts: DraftPolicy = .refuse, asOf day: Day) throws -> DryRun {
        try dryRun(seeds: seeds, events: events, drafts: drafts, asOf: day, copying: nil)
    }

    /// The ingest of a dry run, into a temporary log that starts as a copy of `original`
    /// (empty when there is none).
    private static func dryRun(seeds: String, events: String, drafts: DraftPolicy, asOf day: Day, copying original: EventLog?) throws -> DryRun {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("parley-dry-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        if let original {
            do { try original.environment.copy(to: scratch) } catch { throw StoreError.log(.storage(error)) }
        }
        let store = try NegotiationStore(directory: scratch)
        let query = Query(asOf: day)
        let before = original == nil ? nil : try store.states(query)
        let report = try store.ingest(seeds: seeds, events: events, drafts: drafts)
        let after = try store.states(query)
        return DryRun(report: report, before: before ?? StateAnswer(states: [], registry: after.registry, head: .empty, fromIndex: false),
                      after: after)
    }
}
