import Foundation
import TestSupport
import Testing

/// The same exit status for the same kind of failure, in every command (the README's table):
/// usage 64, the user's input 65, no log 66, the system 74, a conflict 75, damage 1.
@Suite("Exit codes")
struct ExitCodeTests {
    /// Sanity warnings are told on standard error, and the ingest appends and exits 0.
    @Test func sanityWarningsAreToldAndTheIngestSucceeds() throws {
        let dir = try TemporaryDirectory("parley-exit-warnings")
        try Fixtures.copy(Fixtures.lifecycle, to: dir.appending("corpus"))
        try FileManager.default.copyItem(atPath: Fixtures.tests + "/Fixtures/sanity/zz-sanity.yaml", toPath: dir.appending("corpus/events/zz-sanity.yaml"))
        let run = try ParleyTool.run(["ingest", "--db", dir.appending("log"), dir.appending("corpus/seeds"), dir.appending("corpus/events")], in: dir.path)
        #expect(run.status == 0, "\(run)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 4, "\(run.stderr)")
        #expect(warnings.allSatisfy { $0.contains("zz-sanity.yaml:") }, "\(warnings)")
        #expect(run.stdout.contains("appended 5 articles and 22 events"), "\(run.stdout)")
    }

    @Test func aTrackOrProposalTheLogDoesNotHaveIsAUsageError() throws {
        let dir = try TemporaryDirectory("parley-exit-usage")
        let db = dir.appending("log")
        try #require(try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path).succeeded)
        let state = try ParleyTool.run(["state", "--db", db, "--track", "no-such-track"], in: dir.path)
        #expect(state.status == 64 && state.stderr.contains("unknown track 'no-such-track'"), "\(state)")
        let audit = try ParleyTool.run(["audit", "--db", db, "no-such-track/no-such-proposal"], in: dir.path)
        #expect(audit.status == 64 && audit.stderr.contains("no proposal 'no-such-track/no-such-proposal'"), "\(audit)")
        let export = try ParleyTool.run(["export", "--db", db, "--from", "2025-03-01", "--to", "2025-03-31", "--every", "week",
                                         "--output", db + "/export.csv"], in: dir.path)
        #expect(export.status == 64 && export.stderr.contains("it is in the log's own folder"), "\(export)")
        #expect(!FileManager.default.fileExists(atPath: db + "/export.csv"))
    }

    @Test func theVersionIsPrinted() throws {
        let dir = try TemporaryDirectory("parley-version")
        let run = try ParleyTool.run(["--version"], in: dir.path)
        #expect(run.status == 0 && run.stdout.hasPrefix("parley 2026.") && run.stdout.contains("parley-extract"), "\(run)")
    }

    @Test func anArticleThatIsNotTextIsBadInput() throws {
        let dir = try TemporaryDirectory("parley-exit-input")
        let article = dir.appending("latin1.txt")
        try Data([0x54, 0x72, 0xEA, 0x76, 0x65, 0x0A]).write(to: URL(fileURLWithPath: article))
        let extract = try ParleyTool.run(["extract", article, "--published", "2025-03-12", "--events", Fixtures.events], in: dir.path)
        #expect(extract.status == 65 && extract.stderr.contains("is not UTF-8 text"), "\(extract)")
    }
}
