import Answers
import ArgumentParser
import Corpus
import EventLog
import Foundation
import Negotiation
import Store

#if canImport(Glibc)
import CGlibc
#endif

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append articles and curated events to the log, all or nothing.",
        discussion: """
            Reads SEEDS/catalog.yaml and the articles it lists, EVENTS/parties.yaml, \
            EVENTS/tracks.yaml and every other *.yaml in EVENTS. Everything is checked first \
            (each quote must be in its article); then articles and events are appended, in one \
            transaction for up to 5,000 records and 4 MB of article text. What is already recorded is not appended again, \
            so an interrupted ingest of a larger corpus completes when run again.
            """
    )

    @OptionGroup var log: LogOptions

    @Argument(help: "The folder of articles and their catalog.yaml.")
    var seeds = "seeds"

    @Argument(help: "The folder of registries and event files.")
    var events = "events"

    @Option(name: .customLong("expect-sequence"), help: ArgumentHelp(
        "Append only if the log still ends at this sequence.",
        discussion: "The last sequence you saw (`parley verify` prints it). If another writer appended since, nothing is appended and the exit status is 75.",
        valueName: "n"))
    var expectSequence: UInt64?

    @Option(help: ArgumentHelp(
        "What to do with events still marked `status: draft` (drafted by `extract`, not reviewed): refuse, or skip them.",
        discussion: "refuse (the default): a file holding drafts is refused, naming the file and how many. skip: drafts are left out, never recorded; the reviewed events are ingested.",
        valueName: "refuse|skip"))
    var drafts: DraftPolicy = .refuse

    @Flag(name: .customLong("dry-run"), help: ArgumentHelp(
        "Check everything and append nothing: print what would be appended, the warnings, and how each track's state today would change.",
        discussion: "The corpus is ingested into a copy of the log in a temporary folder, removed afterwards; the log itself is only read."))
    var dryRun = false

    func run() throws {
        if dryRun { return try runDry() }
        #if canImport(Glibc)
        // glibc raises its mmap threshold to the size of each large block freed (up to 32 MB),
        // after which large buffers come from the heap and stay resident once freed: an ingest
        // of a million events peaked 35 MB higher. A fixed threshold returns them.
        mallopt(M_MMAP_THRESHOLD, 128 << 10)
        #endif
        let existed = FileManager.default.fileExists(atPath: log.path)
        let report: IngestReport
        do {
            report = try ingest()
        } catch let refusal as Refusal {
            // A refused first ingest leaves no empty log behind (the store is closed by now).
            if !existed, refusal.logIsEmpty { removeEmptyLog(at: log.path) }
            refuse(refusal.error)
        } catch let conflict as StoreError where conflict.isConflict {
            printError("error: \(conflict)")
            Ingest.exit(withError: ExitCode(Failure.conflict))
        }
        for warning in report.warnings { printError("warning: \(warning)") }
        if report.appendedNothing {
            print("nothing appended: the log already holds these \(report.articlesAlreadyRecorded) articles and \(report.eventsAlreadyRecorded) events")
        } else {
            print("appended \(report.articlesAppended) articles and \(report.eventsAppended) events"
                + (report.articlesAlreadyRecorded + report.eventsAlreadyRecorded > 0
                    ? " (\(report.articlesAlreadyRecorded) articles and \(report.eventsAlreadyRecorded) events were already recorded)" : ""))
        }
        print("log: \(log.path), last sequence \(report.head.sequence), head \(report.head.hashHex)")
    }

    /// `--dry-run`: the ingest done on a copy, and the change it makes to today's states.
    private func runDry() throws {
        let today = Day.today
        let run: DryRun
        do {
            if FileManager.default.fileExists(atPath: log.path + "/data.mdb") {
                run = try log.openForReading().dryRun(seeds: seeds, events: events, drafts: drafts, asOf: today)
            } else {
                run = try NegotiationStore.dryRun(seeds: seeds, events: events, drafts: drafts, asOf: today)
            }
        } catch let error as CorpusError {
            refuse(error, "the ingest would append nothing")
        }
        for warning in run.report.warnings { printError("warning: \(warning)") }
        let r = run.report
        print("dry run: would append \(r.articlesAppended) articles and \(r.eventsAppended) events; nothing was written")
        print("state as of \(today), before → after:")
        let before = Dictionary(run.before.states.map { ($0.track, $0) }, uniquingKeysWith: { a, _ in a })
        for state in run.after.states {
            let changes = try StateChange.between(before[state.track], state)
            print("  \(state.track): " + (changes.isEmpty ? "unchanged (\(state.status.rawValue))" : changes.joined(separator: "; ")))
        }
    }

    /// A corpus refused, and whether the log was left with nothing in it.
    private struct Refusal: Error {
        var error: CorpusError
        var logIsEmpty: Bool
    }

    /// Opens the log and ingests; the log is closed when this returns or throws.
    private func ingest() throws -> IngestReport {
        let store = try log.openForWriting()
        do {
            return try store.ingest(seeds: seeds, events: events, expectedLastSequence: expectSequence, drafts: drafts)
        } catch let error as CorpusError {
            throw Refusal(error: error, logIsEmpty: (try? store.log.head().sequence) == 0)
        }
    }

    /// Removes the files of a log this run created and left empty, then the folder if that
    /// leaves it empty: nothing else is touched.
    private func removeEmptyLog(at path: String) {
        for file in ["data.mdb", "lock.mdb"] { _ = unlink(path + "/" + file) }
        _ = rmdir(path)
    }

    /// Tells every problem of a refused corpus, and what it means for the log (`outcome`), and exits 65.
    private func refuse(_ error: CorpusError, _ outcome: String = "nothing was appended") -> Never {
        for issue in error.issues { printError("error: \(issue)") }
        printError("refused: \(error.issues.count) problem\(error.issues.count == 1 ? "" : "s"); \(outcome)")
        Ingest.exit(withError: ExitCode(Failure.badInput))
    }
}

extension DraftPolicy: ExpressibleByArgument {}

