import Foundation
import TestSupport
import Testing

/// `export --log` and `import`: the log as NDJSON and back, every hash checked on the way in.
@Suite("The log as NDJSON and back")
struct LogExchangeTests {
    /// The fixture corpus ingested and exported: its log, and the NDJSON's lines.
    static func exported(in dir: TemporaryDirectory) throws -> (db: String, lines: [String]) {
        let (_, _, db) = try ingestedCopy(in: dir)
        let file = dir.appending("log.ndjson")
        let run = try ParleyTool.run(["export", "--log", "--db", db, "--output", file], in: dir.path)
        try #require(run.succeeded, "\(run)")
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        return (db, lines)
    }

    /// Every day's states (with the head they were computed from) as the CSV export writes them.
    static func everyDay(_ db: String, knownOn: String? = nil, in dir: TemporaryDirectory) throws -> String {
        let run = try ParleyTool.run(["export", "--db", db, "--from", "2025-02-01", "--to", "2025-05-31", "--every", "day"]
                                        + (knownOn.map { ["--known-on", $0] } ?? []), in: dir.path)
        try #require(run.succeeded, "\(run)")
        return run.stdout
    }

    @Test func aRoundTripGivesTheSameHeadAndTheSameStatesOnEveryDay() throws {
        let dir = try TemporaryDirectory("parley-ndjson")
        let (db, lines) = try Self.exported(in: dir)
        #expect(lines.first?.hasPrefix("{\"parleyLog\":1,\"format\":") == true, "\(lines.first ?? "")")
        #expect(lines.contains { $0.contains("\"text\":\"") }, "an article's line carries its text")
        let copy = dir.appending("copy")
        let imported = try ParleyTool.run(["import", dir.appending("log.ndjson"), "--db", copy], in: dir.path)
        #expect(imported.succeeded && imported.stdout.contains("imported \(lines.count - 1) entries"), "\(imported)")

        let original = try ParleyTool.run(["verify", "--db", db, "--indexes"], in: dir.path)
        let rebuilt = try ParleyTool.run(["verify", "--db", copy, "--indexes"], in: dir.path)
        #expect(rebuilt.succeeded, "\(rebuilt)")
        let head = { (run: Finished) in run.stdout.split(separator: "\n").first { $0.hasPrefix("head") }.map(String.init) }
        #expect(head(original) != nil && head(original) == head(rebuilt), "\(original.stdout)\n\(rebuilt.stdout)")
        #expect(try Self.everyDay(copy, in: dir) == Self.everyDay(db, in: dir))
        #expect(try Self.everyDay(copy, knownOn: "2025-03-14", in: dir) == Self.everyDay(db, knownOn: "2025-03-14", in: dir))
    }

    @Test func aChangedByteAMissingLineOrTwoLinesSwappedAreRefusedWithTheLineNamed() throws {
        let dir = try TemporaryDirectory("parley-ndjson-broken")
        let (_, lines) = try Self.exported(in: dir)
        let article = try #require(lines.firstIndex { $0.contains("\"text\":\"") })
        let event = try #require(lines.firstIndex { $0.contains("\"kind\":\"event\"") && $0.contains("\"on\":\"2025-03-11\"") })
        var cases: [(name: String, lines: [String], says: String)] = []
        var changed = lines
        changed[event] = changed[event].replacingOccurrences(of: "\"on\":\"2025-03-11\"", with: "\"on\":\"2025-03-12\"")
        cases.append(("a date changed", changed, ":\(event + 1): the entry at sequence \(event) does not hash to its line's hash"))
        changed = lines
        changed[event] = String(changed[event].dropLast())
        cases.append(("a brace lost", changed, ":\(event + 1): not JSON"))
        changed = lines
        // In the text only: the record (its title) is left as it was.
        let textStart = try #require(changed[article].range(of: ",\"text\":"))
        changed[article] = String(changed[article][..<textStart.upperBound])
            + changed[article][textStart.upperBound...].replacingOccurrences(of: "cessez-le-feu", with: "cessez le feu")
        cases.append(("an article's text changed", changed, ":\(article + 1): the text of article"))
        changed = lines
        changed.remove(at: 10)
        cases.append(("a line missing", changed, ":11: sequence 11 where 10 was due"))
        changed = lines
        changed.swapAt(5, 6)
        cases.append(("two lines swapped", changed, ":6: sequence 6 where 5 was due"))
        cases.append(("the last line missing", Array(lines.dropLast()), ":\(lines.count): the file ends at sequence \(lines.count - 2)"))
        changed = lines
        changed[0] = changed[0].replacingOccurrences(of: "\"format\":", with: "\"format\":9")
        cases.append(("another hash format", changed, ":1: written from a log of hash format 9"))
        for c in cases {
            let file = dir.appending("broken.ndjson"), db = dir.appending("rebuilt")
            try (c.lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
            let run = try ParleyTool.run(["import", file, "--db", db], in: dir.path)
            #expect(run.status == 65 && run.stderr.contains("broken.ndjson" + c.says) && run.stderr.contains("nothing was imported"),
                    "\(c.name): \(run)")
            #expect(!FileManager.default.fileExists(atPath: db), "\(c.name): a log was left at \(db)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("rebuilt.partial") }
            #expect(leftovers.isEmpty, "\(c.name): \(leftovers)")
        }
        let taken = try ParleyTool.run(["import", dir.appending("log.ndjson"), "--db", dir.appending("log")], in: dir.path)
        #expect(taken.status == 75 && taken.stderr.contains("is already there"), "\(taken)")
    }
}
