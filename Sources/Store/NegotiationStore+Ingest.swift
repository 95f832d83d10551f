import Negotiation
import Corpus
import CGlibc
import EventLog
import Foundation

extension NegotiationStore {
    /// Records per append transaction: large enough to amortise the durable commit, small
    /// enough that a transaction's dirty pages stay a few megabytes.
    public static let batchSize = 5_000

    /// Article text per append transaction, at most (the batch closes past it): a batch of
    /// 5,000 articles held 40 MB of text, and their pages as much again, until it committed.
    static let batchTextBytes = 4 << 20

    /// Ingests the corpus in `seeds` and `events`, reading it as a stream: memory stays
    /// bounded however large the corpus.
    ///
    /// Everything is checked before anything is appended: the catalog, every article's bytes,
    /// the registries, every event (its quote in its article), ids against the corpus and the
    /// log, fixes against their targets. On any problem nothing is appended and the error names
    /// each one. Then the registries, articles (their text stored by SHA-256) and events are
    /// appended in order, in transactions of ``batchSize`` records: one transaction for a corpus
    /// of that size or less. What is already recorded with the same bytes is not appended
    /// again, so if a large ingest is interrupted, running it again appends the rest.
    ///
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
    public func ingest(seeds: String, events: String, batchSize: Int = NegotiationStore.batchSize,
                       expectedLastSequence: UInt64? = nil, afterEachBatch: (IngestReport) -> Void = { _ in }) throws -> IngestReport {
        let spill = try SpillFile()
        var report = IngestReport()
        var issues: [CorpusIssue] = []
        var failure: (any Error)?
        var fresh = 0
        // An empty log holds none of the events: no need to look each one up.
        let logIsEmpty: Bool
        do { logIsEmpty = try log.head().sequence == 0 } catch { throw StoreError.log(error) }
        // A log that fails verification is not extended: entries chained onto it would seem to
        // vouch for it, and an event whose id was renamed would be appended a second time. The
        // walk costs about a second per million entries; an empty log has nothing to walk.
        if !logIsEmpty {
            let checked = try verify()
            if let problem = checked.problems.first {
                throw StoreError.log(.damaged(problems: ["\(log.path) fails verification: \(problem.message)",
                                                         "nothing was appended (run `parley verify` to see more)"]))
            }
        }
        var pending: [PendingHeader] = []
        // In a scope of its own, so that the scan (the catalog's entries) is gone before the
        // append: at the end of a large ingest, memory is tightest.
        do {
            // Events are kept whole only when the log may hold some of them (to check them against it).
            let scan = Corpus.scan(seeds: seeds, events: events, keepingEvents: !logIsEmpty) { scanned in
                guard failure == nil else { return }
                do {
                    switch logIsEmpty ? .new : try checkAgainstLog(SourceEvent(event: scanned.event ?? Event(id: scanned.id, type: scanned.type),
                                                                               location: scanned.location), scanned.payload) {
                    case .new:
                        try spill.append(id: "event/\(scanned.id)", payload: scanned.payload, fold: scanned.fold)
                        fresh += 1
                    case .recorded: report.eventsAlreadyRecorded += 1
                    case .conflict(let issue): issues.append(issue)
                    }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            let headerIssues = try pendingHeader(registry: scan.registry, articles: scan.articles.map { ($0.article, .file($0.path), $0.location) },
                                                 &pending, &report)
            issues = scan.issues + headerIssues + issues + (try unresolved(scan.unresolvedTargets))
            guard issues.isEmpty else { throw CorpusError(issues) }
        }
        try spill.rewind()
        try append(header: consume pending, events: EventSource(spill: spill), count: fresh, batchSize: batchSize,
                   expectedLastSequence: expectedLastSequence, afterEachBatch: afterEachBatch, &report)
        return report
    }

    /// Ingests a corpus already read and checked by ``Corpus/load(seeds:events:)``, with the
    /// same checks against the log and guarantees as
    /// ``ingest(seeds:events:batchSize:expectedLastSequence:)``. Events added to the corpus
    /// afterwards are not checked again (tracks, parties, quotes): that is `load`'s work.
    @discardableResult
    public func ingest(_ corpus: Corpus, expectedLastSequence: UInt64? = nil) throws -> IngestReport {
        var report = IngestReport()
        var issues: [CorpusIssue] = []
        var fresh: [SpilledEvent] = []
        for source in corpus.events {
            let payload = LogRecord.event(source.event).encoded()
            switch try checkAgainstLog(source, payload) {
            case .new: fresh.append(SpilledEvent(id: "event/\(source.event.id)", payload: payload, fold: FoldRecord.indexing(source.event)))
            case .recorded: report.eventsAlreadyRecorded += 1
            case .conflict(let issue): issues.append(issue)
            }
        }
        let ids = Set(corpus.events.map(\.event.id))
        let targets = corpus.events.compactMap { source -> FixTarget? in
            guard let target = source.event.target, !ids.contains(target) else { return nil }
            return FixTarget(target: target, location: source.location,
                             field: source.location.field(source.event.type == .correction ? "corrects" : "retracts"),
                             movedTo: source.event.changes?.on?.last)
        }
        var pending: [PendingHeader] = []
        issues = (try pendingHeader(registry: corpus.registry, articles: corpus.articles.map { ($0.article, .bytes($0.bytes), $0.location) },
                                    &pending, &report)) + issues + (try unresolved(targets))
        guard issues.isEmpty else { throw CorpusError(issues) }
        try append(header: pending, events: EventSource(list: fresh), count: fresh.count, batchSize: Self.batchSize,
                   expectedLastSequence: expectedLastSequence, &report)
        return report
    }

    // MARK: Checks

    private enum LogCheck {
        case new
        case recorded
        case conflict(CorpusIssue)
    }

    /// An event already in the log must be there with the same bytes.
    private func checkAgainstLog(_ source: SourceEvent, _ payload: [UInt8]) throws -> LogCheck {
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
    private func unresolved(_ targets: [FixTarget]) throws -> [CorpusIssue] {
        try targets.compactMap { fix in
            guard let sequence = try sequence(of: "event/\(fix.target)") else {
                return CorpusIssue(file: fix.location.file, line: fix.location.line, field: fix.field,
                                   problem: "unknown event \(quoted(fix.target)): it is neither in the corpus nor in the log",
                                   expected: "the id of a recorded event")
            }
            guard let moved = fix.movedTo, let latest = try latestPublication(ofEventAt: sequence), moved > latest else { return nil }
            return CorpusIssue(file: fix.location.file, line: fix.location.line, field: fix.location.field("set.on"),
                               problem: EventReader.movedPastPublication(fix.target, to: moved, latest: latest),
                               expected: "a date that ends by \(latest)")
        }
    }

    /// The last day the article of the event recorded at `sequence` may have been published;
    /// `nil` for an event without an article.
    private func latestPublication(ofEventAt sequence: UInt64) throws -> Day? {
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
    private enum ArticleText: Sendable {
        case bytes([UInt8])
        /// Read again from the file when its batch is appended, so that a corpus's texts are
        /// never all in memory, and checked against the catalog's hash once more.
        case file(String)
    }

    /// A record to append, with the article text it carries.
    private struct PendingRecord: Sendable {
        var record: Record
        /// Boxed: with an ``Event`` inline, each record took half a kilobyte, and a batch's
        /// array of them grew to 4 MB (allocated afresh, page by page, for every batch).
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
    private enum PendingHeader: Sendable {
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
    private func pendingHeader(registry: Registry, articles: [(Article, ArticleText, SourceLocation)], _ pending: inout [PendingHeader],
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

    private static func blob(of text: ArticleText, _ article: LogRecord?) throws -> Blob {
        switch (text, article) {
        case (.bytes(let bytes), _): return Blob(bytes)
        case (.file(let path), .article(let a)?): return try articleBlob(at: path, expecting: a.sha256)
        case (.file(let path), _): return try articleBlob(at: path, expecting: "")
        }
    }

    /// The file's bytes, hashed once: to check them against the catalog, and to store them.
    private static func articleBlob(at path: String, expecting sha256: String) throws -> Blob {
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

    /// Where the events to append come from: the spill file, or a list.
    private struct EventSource {
        var spill: SpillFile?
        var list: [SpilledEvent] = []
        var position = 0

        /// The next event, or `nil` at the end.
        mutating func next() throws -> SpilledEvent? {
            if let spill { return try spill.next() }
            guard position < list.count else { return nil }
            defer { position += 1 }
            return list[position]
        }
    }

    /// The records of one append transaction, with their chain hashes worked out ahead, and the
    /// article texts it stores.
    private struct Batch: Sendable {
        var items: [PendingRecord]
        var blobs: [Blob]
        var chained: ChainedRecords
    }

    /// Forms the batches, in order, and hands each to `queue`: header records first, then
    /// events, at most `batchSize` records and about ``batchTextBytes`` of article text each.
    /// Article files are read (and hashed) here, fixes decoded, and the records' chain hashes
    /// worked out as if the log ended at `head` and each batch followed the one before (the
    /// append works them out again if not), so that on another thread this overlaps the appends.
    private static func formBatches(header: HandedOver<[PendingHeader]>, events: EventSource, after head: Head, batchSize: Int,
                                    clock: @Sendable () -> Int64, into queue: BatchQueue<Batch>) {
        var events = events
        var head = head
        // Taken out of the box: once they are all formed, nothing holds the header records.
        var headerRecords = (header.take() ?? []).makeIterator()
        do {
            while true {
                var items: [PendingRecord] = []
                items.reserveCapacity(max(1, batchSize))
                var blobs: [Blob] = []
                var blobBytes = 0
                var exhausted = false
                while items.count < max(1, batchSize), blobBytes < Self.batchTextBytes {
                    if let next = headerRecords.next() {
                        let item = next.resolved
                        if let text = item.text {
                            let blob = try blob(of: text, item.decoded)
                            blobBytes += blob.bytes.count
                            blobs.append(blob)
                        }
                        items.append(item)
                    } else if let item = try events.next() {
                        headerRecords = [].makeIterator()
                        // A report is indexed from its fold record; a fix, which needs more, from its JSON.
                        let decoded = item.fold.isEmpty ? try LogRecord.decode(item.payload) : nil
                        items.append(PendingRecord(record: Record(id: item.id, payload: item.payload), decoded: decoded, fold: item.fold, text: nil))
                    } else {
                        exhausted = true
                        break
                    }
                }
                if !items.isEmpty {
                    let chained = ChainedRecords(items.map(\.record), after: head, recordedAt: clock())
                    head = chained.end
                    guard queue.put(Batch(items: items, blobs: blobs, chained: chained)) else { return }
                }
                if exhausted { break }
            }
            queue.finish(nil)
        } catch {
            queue.finish(error)
        }
    }

    /// Appends the header records, then the events, in batches, keeping the indexes in step.
    ///
    /// The indexes are kept in each batch's own transaction when they end where it begins. An
    /// ingest of more than one batch instead takes the maintainer mark with its first batch, sets
    /// its track rows aside and writes them in key order once every batch is in (each batch
    /// otherwise rewrites thousands of the index's pages at random); other writers leave the
    /// indexes to it meanwhile. If another process appends between its batches, or the indexes
    /// are cleared, the rows no longer fit: it gives the mark back and rebuilds them.
    private func append(header: consuming [PendingHeader], events: EventSource, count: Int, batchSize: Int,
                        expectedLastSequence: UInt64?, afterEachBatch: (IngestReport) -> Void = { _ in },
                        _ report: inout IngestReport) throws {
        let indexed = log.hasIndexes(ProjectionIndex.names)
        var maintenance = IndexMaintenance()
        var expected = expectedLastSequence
        let pid = getpid()
        let manyBatches = header.count + count > max(1, batchSize)
        var maintaining = false
        var lostTheMark = false
        var lastEnd: UInt64?
        // The batches are formed on another thread, up to two ahead of the append (the write
        // transactions stay on this one).
        let queue = BatchQueue<Batch>()
        let forming = DispatchGroup()
        let source = UncheckedSendable(events)
        // The forming thread takes the header records, and lets them go once they are formed.
        let records = HandedOver(consume header)
        let head: Head
        do { head = try log.head() } catch { throw StoreError.log(error) }
        let clock = log.clock
        DispatchQueue.global(qos: .userInitiated).async(group: forming) {
            Self.formBatches(header: records, events: source.value, after: head, batchSize: batchSize, clock: clock, into: queue)
        }
        // With the maintainer mark, the reports' track rows are set aside on another thread
        // once their batch is committed (the rest of the indexing stays in the transaction).
        var aside: RowsAside?
        defer {
            queue.cancel()
            forming.wait()
            // On an early return, the rows under way are waited for (and dropped).
            _ = try? aside?.finish()
        }
        var committedBatches = 0
        do {
            while let next = try queue.take() {
                let batch = next.items
                let blobs = next.blobs
                let receipt: AppendReceipt
                var becameMaintainer = false
                // The reports of this batch whose rows are set aside after it commits: their place
                // in the batch and their sequence (gathered anew if the transaction runs again).
                var reports: [(Int, UInt64)] = []
                do {
                    receipt = try log.append(next.chained, blobs: blobs, expectedLastSequence: expected) { w, receipt in
                        // Index in this transaction when the indexes end where this append began; if
                        // they lag (a writer died, or they are being rebuilt), catch up afterwards.
                        becameMaintainer = false
                        reports = []
                        let appended = receipt.outcomes.reduce(0) { n, outcome in
                            if case .appended = outcome { n + 1 } else { n }
                        }
                        let start = receipt.head.sequence - UInt64(appended)
                        guard indexed, !lostTheMark else { return }
                        if maintaining {
                            // Checked for a batch that appends nothing too: its head would hide
                            // another writer's entries behind this ingest's.
                            guard start == lastEnd, try ProjectionIndex.maintainer(w) == pid else {
                                lostTheMark = true
                                return
                            }
                        }
                        guard appended > 0 else { return }
                        if !maintaining {
                            guard try ProjectionIndex.covered(w) ?? 0 == start, try ProjectionIndex.maintainer(w) == nil else { return }
                            if manyBatches {
                                try w.put(ProjectionIndex.maintainerBytes(pid), forKey: ProjectionIndex.maintainerKey, in: "state")
                                maintenance.deferred = try DeferredRows(loggedBefore: start)
                                becameMaintainer = true
                            }
                        }
                        maintenance.registry = try ProjectionIndex.registry(w)
                        for i in batch.indices {
                            guard case .appended(let sequence) = receipt.outcomes[i] else { continue }
                            if let decoded = batch[i].decoded {
                                try maintenance.index(decoded, at: sequence, payload: batch[i].record.payload, &w)
                            } else if maintenance.deferred != nil {
                                reports.append((i, sequence))
                            } else {
                                try maintenance.index(fold: batch[i].fold, at: sequence, &w)
                            }
                        }
                        // Set-aside rows are not in the index yet: `through` moves once they are.
                        if maintenance.deferred == nil { try maintenance.commit(through: receipt.head.sequence, &w) }
                    }
                } catch let error as EventLogError {
                    // Past the first batch, the expectation is this ingest's own last head: the
                    // batches before are in the log, and the error says so.
                    if case .conflict(_, let actual) = error, committedBatches > 0 {
                        throw StoreError.interrupted(committed: report, logEnd: actual)
                    }
                    throw StoreError.log(error)
                }
                committedBatches += 1
                report.head = receipt.head
                if becameMaintainer { maintaining = true }
                if !reports.isEmpty, let rows = maintenance.deferred {
                    if aside == nil { aside = RowsAside(log: log, rows: rows) }
                    aside?.add(reports.map { (batch[$0.0].fold, $0.1) }, registry: maintenance.registry)
                }
                lastEnd = receipt.head.sequence
                if expected != nil { expected = receipt.head.sequence }
                for (outcome, item) in zip(receipt.outcomes, batch) {
                    switch (outcome, item.decoded) {
                    case (.appended, .registry): report.registryAppended = true
                    case (.appended, .article): report.articlesAppended += 1
                    case (.existing, .article): report.articlesAlreadyRecorded += 1
                    case (.appended, .event), (.appended, nil): report.eventsAppended += 1
                    case (.existing, .event), (.existing, nil): report.eventsAlreadyRecorded += 1
                    case (.existing, .registry): break
                    }
                }
                log.releaseMappedPages()
                queue.giveBack(next)
                afterEachBatch(report)
            }
        } catch {
            // The mark is given back on every way out, and the indexes rebuilt from the log:
            // left behind, it would have every query replay the log until the next write.
            if maintaining {
                _ = try? log.updateIndexes { w in
                    if try ProjectionIndex.maintainer(w) == pid { _ = try w.delete(ProjectionIndex.maintainerKey, in: "state") }
                }
                try? reindex()
            }
            throw error
        }
        if report.head.sequence == 0 { report.head = try log.head() }
        if let aside {
            maintenance.markDirty(try aside.finish())
        }
        if maintaining {
            var finished = false
            if !lostTheMark, let lastEnd, try maintenance.writeDeferred(log, maintainer: pid) {
                finished = try log.updateIndexes { w -> Bool in
                    guard try ProjectionIndex.maintainer(w) == pid else { return false }
                    try maintenance.commit(through: lastEnd, &w)
                    _ = try w.delete(ProjectionIndex.maintainerKey, in: "state")
                    return true
                }
            }
            if !finished {
                try log.updateIndexes { w in
                    if try ProjectionIndex.maintainer(w) == pid { _ = try w.delete(ProjectionIndex.maintainerKey, in: "state") }
                }
                try reindex()
                return
            }
        }
        try bringIndexesUpToDate()
    }
}

/// An event checked and encoded, waiting to be appended: its entry id, canonical payload, and
/// fold record (``FoldRecord/indexing(_:)``).
struct SpilledEvent {
    var id: String
    var payload: [UInt8]
    var fold: [UInt8]
}

/// A value handed to another thread that then owns it: the caller no longer touches it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// A value handed to another thread in a box it empties: once taken, the box no longer keeps
/// it alive where it was made.
final class HandedOver<Value>: @unchecked Sendable {
    // @unchecked: `value` is set before the box is handed over (which orders it before the
    // other thread's access) and then read and cleared by that thread alone.
    private var value: Value?
    init(_ value: consuming Value) { self.value = value }

    /// The value, the first time; `nil` after.
    func take() -> Value? {
        defer { value = nil }
        return value
    }
}

/// The batches formed on one thread and appended on another, in order: the former forms the
/// next batch while the latter appends one, and one more while that one waits to be taken, so
/// that at most three batches are in memory (and the last one appended, until it is freed).
/// With only one formed ahead, the appending side waited 0.35–0.8 s of a 1M-event ingest for
/// the next, while the forming side waited 1.5–3 s for room.
final class BatchQueue<Batch: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var waiting: Batch?
    /// A batch appended, handed back to be freed on the forming thread (which has time to spare).
    private var spent: Batch?
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    /// Hands a batch over once the one before it is taken; false when the appending side gave up.
    func put(_ batch: Batch) -> Bool {
        condition.lock()
        while waiting != nil, !cancelled { condition.wait() }
        guard !cancelled else {
            condition.unlock()
            return false
        }
        waiting = batch
        condition.broadcast()
        let spent = self.spent
        self.spent = nil
        condition.unlock()
        // Freed here, outside the lock.
        _ = consume spent
        return true
    }

    /// Hands an appended batch back, to be freed on the forming thread.
    func giveBack(_ batch: consuming Batch) {
        condition.lock()
        spent = batch
        condition.unlock()
    }

    /// No more batches: the last was handed over, or forming one failed with `error`.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch; `nil` after the last. Throws the error that ended the forming.
    func take() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while waiting == nil, !finished { condition.wait() }
        if let batch = waiting {
            waiting = nil
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// The appending side stops taking batches: the forming side stops at its next hand-over.
    func cancel() {
        condition.lock()
        cancelled = true
        waiting = nil
        condition.broadcast()
        condition.unlock()
    }
}

/// Encoded events between the checking pass and the appending pass, in a temporary file, so
/// that a large corpus is read once and never held in memory.
///
/// Filled on one thread, then read once on another (which forms the batches): never by two at
/// once. What is read is handed back to the file system as it goes (``releaseBlocks(of:_:)``).
final class SpillFile {
    private let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Read back in chunks: the unread bytes are `readBuffer[readOffset..<readEnd]`.
    private var readBuffer: [UInt8] = []
    private var readOffset = 0
    private var readEnd = 0
    /// How far the file has been read: the bytes before it are in `readBuffer` or consumed.
    private var readPosition = 0
    private static let chunkSize = 1 << 20

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-ingest-\(UUID().uuidString).spill").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forUpdatingAtPath: path) else {
            throw CorpusError([CorpusIssue(file: path, problem: "cannot create a temporary file", expected: "a writable temporary folder")])
        }
        self.handle = handle
        // Unlinked at once: the file vanishes with the handle, whatever happens to the process.
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { try? handle.close() }

    /// What the file takes on its file system: what it was given less what was read back.
    var allocatedBytes: Int? { Store.allocatedBytes(of: handle.fileDescriptor) }

    func append(id: String, payload: [UInt8], fold: [UInt8]) throws {
        withUnsafeBytes(of: UInt32(id.utf8.count).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(fold.count).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: id.utf8)
        buffer.append(contentsOf: payload)
        buffer.append(contentsOf: fold)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the writing and starts the reading, from the first record.
    /// - Throws: ``StoreError/undecodable(sequence:reason:)`` once reading has begun: the bytes
    ///   read are gone, and reading them again would find zeros.
    func rewind() throws {
        guard readPosition == 0 else {
            throw StoreError.undecodable(sequence: 0, reason: "the temporary ingest file is read once: its blocks are handed back as they are read")
        }
        try flush()
        try handle.seek(toOffset: 0)
        readBuffer = []
        readOffset = 0
        readEnd = 0
    }

    /// The next record, or `nil` at the end.
    func next() throws -> SpilledEvent? {
        guard try fill(12) else { return nil }
        let (idLength, payloadLength, foldLength) = readBuffer.withUnsafeBytes { raw in
            (Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: readOffset, as: UInt32.self))),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: readOffset + 4, as: UInt32.self))),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: readOffset + 8, as: UInt32.self))))
        }
        guard try fill(12 + idLength + payloadLength + foldLength) else {
            throw StoreError.undecodable(sequence: 0, reason: "the temporary ingest file is truncated")
        }
        var at = readOffset + 12
        let id = String(decoding: readBuffer[at..<(at + idLength)], as: UTF8.self)
        at += idLength
        let payload = Array(readBuffer[at..<(at + payloadLength)])
        at += payloadLength
        let fold = Array(readBuffer[at..<(at + foldLength)])
        readOffset = at + foldLength
        return SpilledEvent(id: id, payload: payload, fold: fold)
    }

    /// Makes `count` unread bytes available; false when the file ends first (with nothing more
    /// to read, or a record cut short: the caller says which).
    private func fill(_ count: Int) throws -> Bool {
        guard readEnd - readOffset < count else { return true }
        // The unread bytes move to the front, and the file's next bytes are read in behind them.
        let unread = readEnd - readOffset
        let capacity = max(Self.chunkSize, count)
        if readBuffer.count < capacity { readBuffer.append(contentsOf: repeatElement(0, count: capacity - readBuffer.count)) }
        if unread > 0, readOffset > 0 {
            readBuffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                _ = memmove(base, base + readOffset, unread)
            }
        }
        readOffset = 0
        readEnd = unread
        while readEnd < count {
            let read = try readBuffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                while true {
                    let n = Foundation.read(handle.fileDescriptor, base + readEnd, raw.count - readEnd)
                    if n >= 0 { return n }
                    guard errno == EINTR else {
                        throw StoreError.undecodable(sequence: 0, reason: "the temporary ingest file cannot be read (errno \(errno))")
                    }
                }
            }
            guard read > 0 else { return false }
            readEnd += read
            releaseBlocks(of: handle.fileDescriptor, readPosition..<(readPosition + read))
            readPosition += read
        }
        return true
    }
}

/// Hands back a temporary file's blocks in `range`, read and never to be read again: their
/// pages leave the page cache while the log's join it, so that an ingest's temporary bytes and
/// its log do not take memory up together, and the log is written into pages freed moments
/// before. (On this project's machine, a virtual one, a file was written at 260 to 300 MB/s
/// into memory left free for seconds, which the host had taken back, and at 5 to 6 GB/s into
/// pages another file had just freed this way.) Where the file system cannot, the blocks stay
/// until the file is closed.
func releaseBlocks(of descriptor: Int32, _ range: Range<Int>) {
    #if os(Linux)
    _ = parley_punch_hole(descriptor, off_t(range.lowerBound), off_t(range.count))
    #endif
}

/// The bytes a file takes on its file system (its allocated blocks), or `nil` when it cannot
/// be told.
func allocatedBytes(of descriptor: Int32) -> Int? {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return nil }
    return Int(status.st_blocks) * 512
}
