import Foundation
import TestSupport
import Testing

/// Every `--json` answer has one shape: an object with `asOf`, `knownOn` and `head` (each
/// present, `null` when the command has none) beside its own keys.
@Suite("One JSON shape")
struct JSONShapeTests {
    /// A command, whether it answers for a day, and whether it reads a log.
    struct Asked: CustomStringConvertible, Sendable {
        var arguments: [String]
        var asOf: String?
        var knownOn: String?
        var readsLog: Bool
        var ownKey: String
        var description: String { arguments.joined(separator: " ") }
    }

    static let asked: [Asked] = [
        Asked(arguments: ["state", "--as-of", "2025-03-20", "--known-on", "2025-03-14"], asOf: "2025-03-20", knownOn: "2025-03-14",
              readsLog: true, ownKey: "tracks"),
        Asked(arguments: ["timeline", "--track", "truce-30-day", "--to", "2025-03-20"], asOf: "2025-03-20", readsLog: true, ownKey: "steps"),
        Asked(arguments: ["diff", "--known-on", "2025-03-13", "--to-known-on", "2025-03-15"], asOf: "2025-03-15", knownOn: "2025-03-15",
              readsLog: true, ownKey: "tracks"),
        Asked(arguments: ["audit", "truce-30-day/us-jeddah"], readsLog: true, ownKey: "steps"),
        Asked(arguments: ["log", "--track", "energy"], readsLog: true, ownKey: "events"),
        Asked(arguments: ["show", "us-proposes-temporary-truce-jeddah-000"], readsLog: true, ownKey: "event"),
        Asked(arguments: ["article", "000_a1eb357bfc15af74"], readsLog: true, ownKey: "sha256"),
        Asked(arguments: ["stats"], readsLog: true, ownKey: "eventsByType"),
        Asked(arguments: ["verify"], readsLog: true, ownKey: "intact"),
        Asked(arguments: ["check", Fixtures.tests + "/Fixtures/questions/right.yaml"], readsLog: true, ownKey: "questions"),
    ]

    static func object(_ run: Finished) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
    }

    @Test func everyAnswerFromTheLogCarriesItsDaysAndItsHead() throws {
        let dir = try TemporaryDirectory("parley-json-shape")
        let (seeds, events, db) = try ingestedCopy(in: dir)
        let verify = try Self.object(try ParleyTool.run(["verify", "--db", db, "--json"], in: dir.path))
        let head = try #require(verify["head"] as? [String: Any])
        #expect((head["hash"] as? String)?.count == 64 && (head["sequence"] as? Int ?? 0) > 0, "\(head)")

        for asked in Self.asked {
            let run = try ParleyTool.run(asked.arguments + ["--db", db, "--json"], in: dir.path)
            #expect(run.status == 0, "\(asked): \(run)")
            let answer = try Self.object(run)
            for key in ["asOf", "knownOn", "head"] { #expect(answer.keys.contains(key), "\(asked): no \(key)") }
            #expect((answer["head"] as? [String: Any])?["hash"] as? String == head["hash"] as? String, "\(asked)")
            #expect((answer["head"] as? [String: Any])?["sequence"] as? Int == head["sequence"] as? Int, "\(asked)")
            if let asOf = asked.asOf { #expect(answer["asOf"] as? String == asOf, "\(asked)") }
            if let knownOn = asked.knownOn { #expect(answer["knownOn"] as? String == knownOn, "\(asked)") }
            #expect(answer[asked.ownKey] != nil, "\(asked): no \(asked.ownKey) in \(answer.keys.sorted())")
        }

        // No log read: the head is null, and so are the days.
        let article = seeds + "/000_a1eb357bfc15af74.txt"
        for arguments in [["eval", seeds, events, "--json"],
                          ["extract", article, "--published", "2025-03-11", "--events", events, "--json"]] {
            let run = try ParleyTool.run(arguments, in: dir.path)
            #expect(run.status == 0, "\(run)")
            let answer = try Self.object(run)
            for key in ["asOf", "knownOn", "head"] {
                #expect(answer[key] is NSNull, "\(arguments[0]): \(key) is \(String(describing: answer[key]))")
            }
        }
        let extracted = try Self.object(try ParleyTool.run(["extract", article, "--published", "2025-03-11", "--events", events, "--json"],
                                                           in: dir.path))
        #expect((extracted["candidates"] as? [Any])?.isEmpty == false)
    }
}
