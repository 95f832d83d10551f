import Foundation
import TestSupport
import Testing

/// `parley eval` over a real process: each set and language scored, the set asked for detailed.
@Suite("Eval by set, language and confidence")
struct EvalCommandTests {
    @Test func theSetsAreScoredApartAndTheOneAskedForIsDetailed() throws {
        let dir = try TemporaryDirectory("parley-eval")
        let seeds = dir.appending("seeds")
        try Fixtures.copySeeds(to: seeds, splitting: ["002_8cb13a5d0c7818f1": "test"])

        let run = try ParleyTool.run(["eval", seeds, Fixtures.events, "--split", "test", "--json"], in: dir.path)
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [[String: Any]])
        let parts = summary.map { "\($0["set"] ?? "")/\($0["language"] ?? ""):\($0["articles"] ?? "")" }
        #expect(parts == ["development/all:4", "development/fr:4", "test/all:1", "test/fr:1"], "\(parts)")
        #expect(object["split"] as? String == "test" && object["articles"] as? Int == 1)
        // The misses listed are the test set's only; the bands count every candidate once.
        let misses = try #require(object["misses"] as? [[String: Any]])
        #expect(!misses.isEmpty && misses.allSatisfy { $0["article"] as? String == "002_8cb13a5d0c7818f1" })
        let bands = try #require(object["calibration"] as? [[String: Any]])
        let banded = bands.map { $0["candidates"] as? Int ?? 0 }.reduce(0, +)
        let matches = (object["matches"] as? [Any] ?? []).count, alarms = (object["falseAlarms"] as? [Any] ?? []).count
        #expect(banded == matches + alarms)

        let text2 = try ParleyTool.run(["eval", seeds, Fixtures.events], in: dir.path)
        #expect(text2.status == 0 && text2.stdout.contains("dev set, 4 articles"), "\(text2.stdout.prefix(600))")
    }
}
