import LMDB

/// What the log checks of its files before it is read, beyond what LMDB checks of its own.
extension EventLog {
    /// How much of the file's structure every open checks (see ``LMDB/StructureCheckDepth``):
    /// the meta pages, the sizes, the main database and every tree's root: a few page reads,
    /// whatever the log's size. Walking every page grows with the file and would cost a query
    /// far more than its answer: that is ``verify()``'s to do, and an open's only for a small
    /// log (``openingFullCheckUpToBytes``).
    public static let openingStructureCheck = StructureCheckDepth.roots

    /// A log whose data file is no larger than this is checked whole at every open: 16 MiB, a
    /// few milliseconds of reading.
    public static let openingFullCheckUpToBytes: UInt64 = 16 << 20

    /// Why an open found the log's databases missing: an environment that holds no database at
    /// all was never written to (its first writer died before creating them: a read-only open
    /// finds no log in it yet), one that holds others but not the log's is damaged, or is not
    /// a Parley log.
    static func missingDatabases(in directory: String, stored: [String], wanted: [String]) -> EventLogError {
        guard !stored.isEmpty else { return .noLogYet(path: directory) }
        let missing = wanted.filter { !stored.contains($0) && !$0.hasPrefix(indexPrefix) }
        return .damaged(problems: [
            "\(directory)/data.mdb records the databases \(stored.joined(separator: ", ")) but not \(missing.joined(separator: ", ")): it is damaged, or is not a Parley log"
        ])
    }

    /// Holds the log's counts to its head, without reading an entry: the entries database
    /// holds as many entries as the head's sequence, and the id index one id for each.
    /// (`mdb_stat` reads only the trees' records, which the structure check has vouched for.)
    func checkCounts() throws(EventLogError) {
        let counts: (entries: Int, ids: Int, head: Head)
        do {
            counts = try environment.read { txn in (try txn.count(entries), try txn.count(ids), try readHead(txn)) }
        } catch {
            throw Self.wrap(error)
        }
        if let problem = countProblem(entries: counts.entries, ids: counts.ids, head: counts.head) {
            throw .damaged(problems: [problem])
        }
    }

    /// What is wrong with the counts of a log whose head is `head`, or `nil` when they hold.
    func countProblem(entries: Int, ids: Int, head: Head) -> String? {
        if entries != Int(clamping: head.sequence) {
            return "\(path): the log holds \(entries) entries, but its head says \(head.sequence)"
        }
        if ids != entries {
            return "\(path): the id index holds \(ids) ids for \(entries) entries"
        }
        return nil
    }

    /// Reads every page of the file once with `pread` and checks the trees whole (see
    /// ``LMDB/Environment/checkStructure(_:)``): what a verification does before it reads the
    /// log through LMDB, which would fault on what this finds. (The counts are the walk's to
    /// check: it names the entry at fault.)
    ///
    /// - Throws: ``EventLogError/damaged(problems:)`` with what was found.
    public func checkWholeStructure() throws(EventLogError) {
        let report: StructureReport
        do {
            report = try environment.checkStructure(.full)
        } catch {
            throw EventLogError(error)
        }
        guard report.isSound else { throw .damaged(problems: report.problems) }
    }
}
