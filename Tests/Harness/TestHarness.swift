import ArgumentParser
import Corpus
import EventLog
import Foundation
import LMDB
import Negotiation
import Store

/// Drivers for the reliability tests, which kill, race and stall real processes on a log.
///
/// A tool of the tests, not of the product: it writes made-up meetings that skip the checks of
/// `parley ingest`, so it is built only for the tests and never ships in `parley`.
@main
struct TestHarness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-test-harness",
        abstract: "Drivers for Parley's own reliability tests.",
        subcommands: [Write.self, Ingest.self, HoldReader.self]
    )

    /// Ends as `parley` does where the tests look: 75 when another writer came first or the
    /// lock file was replaced, 1 for anything else.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as EventLogError {
            end(error)
        } catch StoreError.log(let error) {
            end(error)
        } catch let error as LMDBError {
            end(EventLogError(error))
        } catch {
            exit(withError: error)
        }
    }

    private static func end(_ error: EventLogError) -> Never {
        printError("Error: \(error)")
        switch error {
        case .conflict, .lockFileReplaced: exit(withError: ExitCode(75))
        default: exit(withError: ExitCode(1))
        }
    }

    /// Appends batches of meetings, one ingest per batch, and reports each batch once committed.
    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append batches of made-up meetings; print `committed WRITER BATCH FIRST LAST` after each commit."
        )

        @OptionGroup var log: LogOptions

        // No defaults: a driver of the tests never reads a corpus it was not given (the user's
        // `seeds/` and `events/` least of all).
        @Option(help: "The seed corpus whose registries and articles the meetings cite.")
        var seeds: String

        @Option(help: "The folder of the corpus's registries and event files.")
        var events: String

        @Option(help: "Names this writer's events: stress-WRITER-BATCH-INDEX.")
        var writer: String

        @Option(help: "How many batches to append.")
        var batches = 1

        @Option(name: .customLong("batch-size"), help: "Meetings per batch, each batch one transaction.")
        var batchSize = 10

        @Option(name: .customLong("first-batch"), help: "The number of the first batch.")
        var firstBatch = 0

        @Option(name: .customLong("expect-sequence"), help: "The first batch expects the log to end here.")
        var expectSequence: UInt64?

        @Option(help: "The track every meeting is on.")
        var track = "truce-30-day"

        func run() throws {
            let base = try Corpus.load(seeds: seeds, events: events)
            guard let source = base.articles.first else { throw CommandError("\(seeds) holds no article") }
            guard base.registry.track(track) != nil else { throw CommandError("unknown track '\(track)'") }
            let quote = String(source.text.prefix { $0 != "\n" }.prefix(60))
            let store = try log.openForWriting()
            var expected = expectSequence
            for batch in firstBatch..<(firstBatch + batches) {
                var corpus = base
                corpus.events = (0..<batchSize).map { index in
                    var event = Event(id: "stress-\(writer)-\(batch)-\(index)", type: .meeting)
                    event.tracks = [track]
                    event.on = .day(Day(ordinal: 20_250 + batch % 300))
                    event.actor = "UA"
                    event.counterparts = ["US"]
                    event.article = source.article.id
                    event.quote = quote
                    return SourceEvent(event: event, location: SourceLocation(file: "test-harness", line: index + 1))
                }
                let report: IngestReport
                do {
                    report = try store.ingest(corpus, expectedLastSequence: expected)
                } catch StoreError.log(let conflict) where conflict.isConflict {
                    printError("error: \(conflict)")
                    Write.exit(withError: ExitCode(75))
                }
                expected = nil
                let first = report.head.sequence + 1 - UInt64(report.eventsAppended)
                // Unbuffered: the line is out before the next batch begins, whenever the process dies.
                FileHandle.standardOutput.write(Data("committed \(writer) \(batch) \(first) \(report.head.sequence)\n".utf8))
            }
        }
    }

    /// `parley ingest` with small batches, so that a small corpus takes the path of a large one.
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ingest a corpus in batches of the given size.")

        @OptionGroup var log: LogOptions

        @Option(name: .customLong("batch-size"), help: "Records per transaction.")
        var batchSize = 5

        @Option(name: .customLong("expect-sequence"), help: "Append only if the log ends here, as `parley ingest` takes it.")
        var expectSequence: UInt64?

        @Option(name: .customLong("pause-after-first-batch"), help: "After the first batch, print `paused` and wait until this file exists.")
        var pauseUntil: String?

        @Argument var seeds: String
        @Argument var events: String

        func run() throws {
            var batches = 0
            do {
                let report = try log.openForWriting().ingest(seeds: seeds, events: events, batchSize: batchSize,
                                                             expectedLastSequence: expectSequence) { _ in
                    batches += 1
                    guard batches == 1, let pauseUntil else { return }
                    FileHandle.standardOutput.write(Data("paused\n".utf8))
                    while !FileManager.default.fileExists(atPath: pauseUntil) { usleep(10_000) }
                }
                print("ingested \(report.eventsAppended) events, head \(report.head.sequence)")
            } catch let conflict as StoreError where conflict.isConflict {
                printError("error: \(conflict)")
                Ingest.exit(withError: ExitCode(75))
            }
        }
    }

    /// Opens a read transaction and keeps it open until killed: a reader that dies holding a slot.
    struct HoldReader: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold-reader",
            abstract: "Open a read transaction, print `reading`, and wait to be killed."
        )

        @OptionGroup var log: LogOptions

        func run() throws {
            let store = try log.openForReading()
            try store.log.environment.read { _ in
                FileHandle.standardOutput.write(Data("reading\n".utf8))
                while true { sleep(60) }
            }
        }
    }
}

/// Where the log lives, as `parley` takes it.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: "The log's directory.")
    var db: String

    func openForWriting() throws -> NegotiationStore { try NegotiationStore(directory: db) }
    func openForReading() throws -> NegotiationStore { try NegotiationStore(directory: db, readOnly: true) }
}

struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
