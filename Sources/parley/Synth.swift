import ArgumentParser
import Foundation
import Negotiation
import Synthetic

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic synthetic corpus, to try Parley at scale.",
        discussion: """
            Writes DIR/seeds (articles and catalog.yaml) and DIR/events (registries and event \
            files) for `parley ingest DIR/seeds DIR/events`: ten tracks over 2015–2024, every \
            event type with corrections, retractions and imprecise dates, and quotes that are \
            sentences of their articles. The same seed always writes the same corpus.
            """
    )

    @Option(help: ArgumentHelp("How many events.", valueName: "n"))
    var events: Int

    @Option(help: ArgumentHelp("The seed; it is part of every id.", valueName: "s"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The folder to write.", valueName: "dir"))
    var output: String

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be at least 1") }
    }

    func run() throws {
        let start = Date()
        let summary = try SyntheticCorpus(events: events, seed: seed).write(to: output)
        let seconds = Date().timeIntervalSince(start)
        print("wrote \(summary.events) events from \(summary.articles) articles in \(summary.files) event files "
            + "(\(summary.bytes / 1_000_000) MB) to \(output) in \(String(format: "%.1f", seconds)) s")
    }
}
