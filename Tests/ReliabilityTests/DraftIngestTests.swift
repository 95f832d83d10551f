import Foundation
import TestSupport
import Testing

/// A copy of the fixture corpus in `dir`, ingested into `dir/log`.
func ingestedCopy(in dir: TemporaryDirectory) throws -> (seeds: String, events: String, db: String) {
    let seeds = dir.appending("seeds"), events = dir.appending("events"), db = dir.appending("log")
    try Fixtures.copy(Fixtures.seeds, to: seeds)
    try Fixtures.copy(Fixtures.events, to: events)
    try #require(try ParleyTool.run(["ingest", "--db", db, seeds, events], in: dir.path).succeeded)
    return (seeds, events, db)
}

/// Events still marked `status: draft` (drafted by `extract`, not reviewed) never reach the log.
@Suite("Drafts are refused, or skipped when told")
struct DraftIngestTests {
    static let drafts = """
        # Drafted by parley extract; not reviewed.
        article: 000_a1eb357bfc15af74
        events:
          - id: drafted-acceptance
            type: rejection
            status: draft
            confidence: 0.62
            extractor: "parley-extract 2026-12-07"
            tracks: [truce-30-day]
            on: 2025-03-12
            actor: RU
            quote: "Kiev a accepté un cessez-le-feu temporaire proposé par Washington lors des négociations de Djeddah le 11 mars, à condition que la Russie s'y conforme."
          - id: drafted-meeting
            type: meeting
            status: draft
            on: 2025-03-12
            actor: US
            counterparts: [RU]
            quote: "Kiev a accepté un cessez-le-feu temporaire proposé par Washington lors des négociations de Djeddah le 11 mars, à condition que la Russie s'y conforme."
        """

    @Test func aFileOfDraftsIsRefusedByNameAndCountOrSkippedWithNoChangeOfState() throws {
        let dir = try TemporaryDirectory("parley-drafts")
        let (seeds, events, db) = try ingestedCopy(in: dir)
        let before = try ParleyTool.run(["state", "--db", db, "--as-of", "2025-03-20", "--json"], in: dir.path)
        let data = try #require(FileManager.default.contents(atPath: db + "/data.mdb"))

        try Self.drafts.write(toFile: events + "/zz-drafts.yaml", atomically: true, encoding: .utf8)
        let refused = try ParleyTool.run(["ingest", "--db", db, seeds, events], in: dir.path)
        #expect(refused.status == 65, "\(refused)")
        #expect(refused.stderr.contains("zz-drafts.yaml:4: events: 2 events are drafts (status: draft), not yet reviewed"), "\(refused.stderr)")
        #expect(FileManager.default.contents(atPath: db + "/data.mdb") == data, "a refused ingest changed the log")

        let skipped = try ParleyTool.run(["ingest", "--db", db, "--drafts", "skip", seeds, events], in: dir.path)
        #expect(skipped.status == 0 && skipped.stdout.contains("nothing appended"), "\(skipped)")
        let after = try ParleyTool.run(["state", "--db", db, "--as-of", "2025-03-20", "--json"], in: dir.path)
        #expect(after.stdout == before.stdout)
    }
}

/// `ingest --dry-run`: every check, the change of state it would make, and the log untouched.
@Suite("A dry run changes nothing")
struct DryRunTests {
    @Test func aNewArticleIsShownAsTheStateChangeItWouldMakeAndTheLogStaysByteIdentical() throws {
        let dir = try TemporaryDirectory("parley-dry-run")
        let (seeds, events, db) = try ingestedCopy(in: dir)
        let data = try #require(FileManager.default.contents(atPath: db + "/data.mdb"))

        try Fixtures.add(Fixtures.tests + "/Fixtures/dry-run", seeds: seeds, events: events)

        let dry = try ParleyTool.run(["ingest", "--dry-run", "--db", db, seeds, events], in: dir.path)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("would append 1 articles and 1 events; nothing was written"), "\(dry.stdout)")
        #expect(dry.stdout.contains("black-sea: status conditionally-accepted → rejected; positions.RU accepted-with-conditions → rejected"),
                "\(dry.stdout)")
        #expect(dry.stdout.contains("energy: unchanged"), "\(dry.stdout)")
        #expect(FileManager.default.contents(atPath: db + "/data.mdb") == data, "the dry run changed the log")

        // A refused corpus is refused as by a real ingest, and still nothing is written.
        try "events:\n  - id: broken\n    type: acceptance\n".write(toFile: events + "/zz-broken.yaml", atomically: true, encoding: .utf8)
        let refused = try ParleyTool.run(["ingest", "--dry-run", "--db", db, seeds, events], in: dir.path)
        #expect(refused.status == 65 && refused.stderr.contains("zz-broken.yaml:"), "\(refused)")
        #expect(FileManager.default.contents(atPath: db + "/data.mdb") == data)

        // With no log yet: the states it would give, and no log made.
        try FileManager.default.removeItem(atPath: events + "/zz-broken.yaml")
        let fresh = dir.appending("new-log")
        let first = try ParleyTool.run(["ingest", "--dry-run", "--db", fresh, seeds, events], in: dir.path)
        #expect(first.status == 0 && first.stdout.contains("would append 6 articles"), "\(first)")
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }
}
