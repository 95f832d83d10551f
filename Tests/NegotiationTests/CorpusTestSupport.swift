@testable import Corpus
import EventLog
import Foundation
import Negotiation
@testable import Store
import TestSupport

/// A copy of the fixture corpus in a temporary directory, which a test may alter.
struct CorpusCopy {
    let directory: TemporaryDirectory
    var seeds: String { directory.appending("seeds") }
    var events: String { directory.appending("events") }
    var db: String { directory.appending("db") }

    init() throws {
        directory = try TemporaryDirectory("corpus")
        try Fixtures.copy(Fixtures.seeds, to: seeds)
        try Fixtures.copy(Fixtures.events, to: events)
    }

    func load() throws -> Corpus { try Corpus.load(seeds: seeds, events: events) }

    /// A clock that always reads the same time: two logs of the same corpus, each ingested
    /// with it, are the same bytes (their entries' recorded times are under the chain).
    static let fixedClock: @Sendable () -> Int64 = { 1_741_651_200_000_000 }  // 2025-03-11T00:00Z

    /// Loads the corpus and ingests it into the copy's log, at ``fixedClock``'s time.
    @discardableResult
    func ingest() throws -> IngestReport {
        let store = try NegotiationStore(directory: db, clock: Self.fixedClock)
        return try store.ingest(seeds: seeds, events: events)
    }

    /// Applies a fixture: its `seeds/` and `events/` files replace or join the corpus's, and
    /// its `catalog-append.yaml` is appended to the catalog.
    func apply(fixture: String) throws {
        let fm = FileManager.default
        for folder in ["seeds", "events"] {
            let source = fixture + "/" + folder
            guard let names = try? fm.contentsOfDirectory(atPath: source) else { continue }
            for name in names {
                let target = directory.appending(folder + "/" + name)
                try? fm.removeItem(atPath: target)
                try fm.copyItem(atPath: source + "/" + name, toPath: target)
            }
        }
        if let extra = fm.contents(atPath: fixture + "/catalog-append.yaml"),
           let handle = FileHandle(forWritingAtPath: seeds + "/catalog.yaml") {
            handle.seekToEndOfFile()
            handle.write(extra)
            handle.closeFile()
        }
    }

    /// Problems as a person sees them, with the temporary folder's path removed.
    func shown(_ error: CorpusError) -> [String] {
        error.issues.map { $0.description.replacingOccurrences(of: directory.path + "/", with: "") }
    }
}

extension CorpusCopy {
    /// Adds an event file of two fixes: a back-dated correction that moves an event to two
    /// tracks, and a retraction.
    func addFixes() throws {
        try """
            events:
              - id: fix-energy-violation-day
                type: correction
                corrects: ua-accuses-ru-of-violating-energy-truce-002
                set: {on: 2025-03-20, tracks: [energy, black-sea]}
                reason: "test: a back-dated correction that moves the event to two tracks"
              - id: withdraw-jeddah-proposal
                type: retraction
                retracts: us-proposes-temporary-truce-jeddah-000
                reason: "test"
            """.write(toFile: events + "/zz-fixes.yaml", atomically: true, encoding: .utf8)
    }
}
