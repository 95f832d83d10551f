import Foundation
import TestSupport
import Testing

/// `parley check`: a table of questions put to a real log of the fixture corpus.
@Suite("Answers checked against a table")
struct CheckCommandTests {
    static let questions = Fixtures.tests + "/Fixtures/questions"

    static func log(in dir: TemporaryDirectory) throws -> String {
        let db = dir.appending("log")
        try #require(try ParleyTool.run(["ingest", "--db", db, Fixtures.seeds, Fixtures.events], in: dir.path).succeeded)
        return db
    }

    @Test func answersAsTheTableSaysPass() throws {
        let dir = try TemporaryDirectory("parley-check")
        let run = try ParleyTool.run(["check", Self.questions + "/right.yaml", "--db", try Self.log(in: dir)], in: dir.path)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("ok    jeddah-as-known-on-14-march:"), "\(run.stdout)")
        #expect(run.stdout.hasSuffix("2 of 2 answers as the table says\n"), "\(run.stdout)")
    }

    /// A wrong field and an article the answer does not rest on (it was published after the
    /// known-on day) are each named with the table's line; the command exits 1.
    @Test func anAnswerThatDiffersIsNamedWithItsLine() throws {
        let dir = try TemporaryDirectory("parley-check")
        let db = try Self.log(in: dir)
        let run = try ParleyTool.run(["check", Self.questions + "/wrong.yaml", "--db", db], in: dir.path)
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("wrong.yaml:7: status is conditionally-accepted, the table says in-effect"), "\(run.stdout)")
        #expect(!run.stdout.contains("positions.RU"), "a field as the table says is not reported: \(run.stdout)")
        #expect(run.stdout.contains("wrong.yaml:11: cites 000_a1eb357bfc15af74, but no event counted on truce-30-day by 2025-03-20 as known on 2025-03-14 comes from it"),
                "\(run.stdout)")
        let json = try ParleyTool.run(["check", Self.questions + "/wrong.yaml", "--db", db, "--json"], in: dir.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["passed"] as? Int == 0 && object["failed"] as? Int == 2, "\(json.stdout)")
    }

    @Test func aTableThatIsNotValidIsBadInputNamingLineAndField() throws {
        let dir = try TemporaryDirectory("parley-check")
        let run = try ParleyTool.run(["check", Self.questions + "/broken.yaml", "--db", try Self.log(in: dir)], in: dir.path)
        #expect(run.status == 65, "\(run)")
        #expect(run.stderr.contains("broken.yaml:2: questions[0].as-of: missing"), "\(run.stderr)")
        #expect(run.stderr.contains("broken.yaml:10: questions[1].as-of: '2025-02-30' does not exist"), "\(run.stderr)")
        #expect(run.stderr.contains("questions[1]: the question expects nothing"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    /// `stats` counts what the log holds; its JSON adds up.
    @Test func statsCountTheArticlesAndActsOfTheLog() throws {
        let dir = try TemporaryDirectory("parley-stats")
        let run = try ParleyTool.run(["stats", "--db", try Self.log(in: dir), "--json"], in: dir.path)
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        func counts(_ key: String) -> [String: Int] {
            let list = object[key] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.compactMap { item in (item["name"] as? String).map { ($0, item["count"] as? Int ?? -1) } })
        }
        #expect(object["articles"] as? Int == 5)
        #expect(counts("articlesByLanguage") == ["fr": 5])
        #expect(counts("articlesByMonth") == ["2025-02": 1, "2025-03": 2, "2025-04": 1, "2025-08": 1])
        let events = try #require(object["events"] as? Int)
        #expect(events == 33 && counts("eventsByType").values.reduce(0, +) == events)
        #expect(counts("eventsByType")["meeting"] == 14)
        #expect(counts("eventsByTrack")["general"] == 9)
        #expect(object["sources"] as? Int == 2 && object["fixes"] as? Int == 1)
    }
}
