import Foundation
import TestSupport
import Testing

/// Looking things up: `show` one event, `article` one article, as the log holds them.
@Suite("show and article")
struct ShowCommandTests {
    @Test func anEventIsShownAsItStandsWithItsSourcesInContextAndItsFixes() throws {
        let dir = try TemporaryDirectory("parley-show")
        let (_, _, db) = try ingestedCopy(in: dir)
        let run = try ParleyTool.run(["show", "--db", db, "putin-witkoff-meeting-001"], in: dir.path)
        #expect(run.status == 0, "\(run)")
        // The place comes from 000's correction; 000 is the second source.
        #expect(run.stdout.contains("  place        Moscow"), "\(run.stdout)")
        #expect(run.stdout.contains("  sources      2"), "\(run.stdout)")
        #expect(run.stdout.contains("[Le président Poutine a demandé à M. Witkoff jeudi soir"), "the quote in its context: \(run.stdout)")
        #expect(run.stdout.contains("witkoff-putin-meeting-in-moscow-000: correction"), "\(run.stdout)")

        let json = try ParleyTool.run(["show", "--db", db, "putin-witkoff-meeting-001", "--json"], in: dir.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect(sources.map { $0["article"] as? String } == ["001_f6e6249cbed6ca01", "000_a1eb357bfc15af74"])
        #expect((object["event"] as? [String: Any])?["place"] as? String == "Moscow")

        let missing = try ParleyTool.run(["show", "--db", db, "no-such-event"], in: dir.path)
        #expect(missing.status == 64 && missing.stderr.contains("no event 'no-such-event'"), "\(missing)")
    }

    @Test func anArticleIsShownWithItsCatalogEntryAndTheEventsItReports() throws {
        let dir = try TemporaryDirectory("parley-article")
        let (_, _, db) = try ingestedCopy(in: dir)
        let run = try ParleyTool.run(["article", "--db", db, "000_a1eb357bfc15af74"], in: dir.path)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("  published    2025-03-15 (±1 day)"), "\(run.stdout)")
        #expect(run.stdout.contains("  reports      5 acts recorded from it, 1 reported again, 1 fixes"), "\(run.stdout)")
        #expect(run.stdout.contains("source of putin-witkoff-meeting-001  witkoff-putin-meeting-moscow-000"), "\(run.stdout)")
        let missing = try ParleyTool.run(["article", "--db", db, "999_nothing"], in: dir.path)
        #expect(missing.status == 64 && missing.stderr.contains("no article '999_nothing'"), "\(missing)")
    }
}
