import CGlibc
import Corpus
import EventLog
import Foundation
import Negotiation

extension NegotiationStore {
    /// ``IngestMethod/pipelined``'s ingest of a corpus's files: the corpus is read as a stream,
    /// its checked events kept in a temporary file rather than in memory, so that memory stays
    /// bounded however large the corpus. The log was verified by the caller.
    func ingestStreaming(seeds: String, events: String, batchSize: Int, expectedLastSequence: UInt64?, drafts: DraftPolicy = .refuse,
                         afterEachBatch: (IngestReport) -> Void) throws -> IngestReport {
        let spill = try SpillFile()
        var report = IngestReport()
        var issues: [CorpusIssue] = []
        var failure: (any Error)?
        var fresh = 0
        // An empty log holds none of the events: no need to look each one up.
        let logIsEmpty: Bool
        do { logIsEmpty = try log.head().sequence == 0 } catch { throw StoreError.log(error) }
        var pending: [PendingHeader] = []
        // In a scope of its own, so that the scan (the catalog's entries) is gone before the
        // append: at the end of a large ingest, memory is tightest.
        do {
            // Events are kept whole only when the log may hold some of them (to check them against it).
            let scan = Corpus.scan(seeds: seeds, events: events, keepingEvents: !logIsEmpty, drafts: drafts) { scanned in
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
            report.warnings = scan.warnings
        }
        try spill.rewind()
        try appendPipelined(header: consume pending, events: EventSource(spill: spill), count: fresh, batchSize: batchSize,
                   expectedLastSequence: expectedLastSequence, afterEachBatch: afterEachBatch, &report)
        return report
    }

    /// Where the events to append come from: the spill file, or a list.
    struct EventSource {
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
    private static func formBatches(header: Handoff<[PendingHeader]>, events: EventSource, after head: Head, batchSize: Int,
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
    func appendPipelined(header: consuming [PendingHeader], events: sending EventSource, count: Int, batchSize: Int,
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
        // The forming thread takes the events and the header records, and lets the records go
        // once they are formed.
        let source = Handoff(events)
        let records = Handoff(consume header)
        let head: Head
        do { head = try log.head() } catch { throw StoreError.log(error) }
        let clock = log.clock
        DispatchQueue.global(qos: .userInitiated).async(group: forming) {
            guard let events = source.take() else { return queue.finish(nil) }
            Self.formBatches(header: records, events: events, after: head, batchSize: batchSize, clock: clock, into: queue)
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
                report.count(receipt, batch)
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
