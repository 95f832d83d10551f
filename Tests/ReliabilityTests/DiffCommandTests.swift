import Foundation
import TestSupport
import Testing

/// `diff`: what an answer learned between two knowledge dates, or since a sequence, and from
/// which articles.
@Suite("diff")
struct DiffCommandTests {
    static func json(_ run: Finished) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
    }

    @Test func theActsAndSourcesPublishedBetweenTwoDaysAreNamedWithTheChangeTheyMade() throws {
        let dir = try TemporaryDirectory("parley-diff")
        let (_, _, db) = try ingestedCopy(in: dir)
        let run = try ParleyTool.run(["diff", "--db", db, "--known-on", "2025-03-13", "--to-known-on", "2025-03-15",
                                      "--track", "truce-30-day", "--json"], in: dir.path)
        let answer = try Self.json(run)
        #expect(answer["asOf"] as? String == "2025-03-15")
        #expect(answer["knownOn"] as? String == "2025-03-15" && answer["fromKnownOn"] as? String == "2025-03-13", "\(answer)")
        let track = try #require((answer["tracks"] as? [[String: Any]])?.first)
        #expect(track["before"] as? String == "none" && track["after"] as? String == "conditionally-accepted", "\(track)")
        #expect((track["changes"] as? [String])?.contains("positions.RU none → accepted-with-conditions") == true, "\(track)")
        let learned = try #require(track["learned"] as? [[String: Any]])
        let putin = try #require(learned.first { $0["id"] as? String == "ru-accepts-truce-with-three-demands-000" }, "\(learned)")
        #expect(putin["change"] as? String == "new" && putin["article"] as? String == "000_a1eb357bfc15af74")
        #expect((putin["quote"] as? String)?.hasPrefix("Le président russe Vladimir Poutine a déclaré le 13 mars") == true)
        // Nothing of 002 (12 April) or later is among what was learned by 15 March.
        #expect(!learned.contains { ($0["article"] as? String)?.hasPrefix("002_") == true })

        let text = try ParleyTool.run(["diff", "--db", db, "--known-on", "2025-03-13", "--to-known-on", "2025-03-15", "--track", "truce-30-day"],
                                      in: dir.path)
        #expect(text.stdout.contains("truce-30-day: status none → conditionally-accepted;"), "\(text)")
        #expect(text.stdout.contains("  new       ru-accepts-truce-with-three-demands-000 (acceptance, 2025-03-13) — 000_a1eb357bfc15af74"), "\(text)")
    }

    @Test func whatTheLogRecordedSinceASequenceIncludesItsFixes() throws {
        let dir = try TemporaryDirectory("parley-diff-since")
        let (_, _, db) = try ingestedCopy(in: dir)
        let corrections = try ParleyTool.run(["log", "--db", db, "--type", "correction", "--json"], in: dir.path)
        let rows = try #require(try Self.json(corrections)["events"] as? [[String: Any]])
        let fix = try #require(rows.first { $0["id"] as? String == "witkoff-putin-meeting-in-moscow-000" })
        let sequence = try #require(fix["sequence"] as? Int)
        let run = try ParleyTool.run(["diff", "--db", db, "--since-sequence", "\(sequence - 1)", "--as-of", "2025-12-31", "--json"], in: dir.path)
        let answer = try Self.json(run)
        #expect(answer["sinceSequence"] as? Int == sequence - 1)
        let learned = (answer["tracks"] as? [[String: Any]] ?? []).flatMap { $0["learned"] as? [[String: Any]] ?? [] }
        #expect(learned.contains { $0["change"] as? String == "corrected" && $0["by"] as? String == "witkoff-putin-meeting-in-moscow-000"
                && $0["id"] as? String == "putin-witkoff-meeting-001" }, "\(learned)")
        let nothing = try ParleyTool.run(["diff", "--db", db, "--since-sequence", "1000", "--as-of", "2025-12-31"], in: dir.path)
        #expect(nothing.stdout.contains("nothing changed"), "\(nothing)")
        let half = try ParleyTool.run(["diff", "--db", db, "--known-on", "2025-03-13"], in: dir.path)
        #expect(half.status == 64 && half.stderr.contains("give --known-on and --to-known-on, or --since-sequence"), "\(half)")
    }
}

/// `export --known-on each`: a real-time series, each row as the press knew it on its own date.
@Suite("A real-time series")
struct RealTimeSeriesTests {
    @Test func eachRowIsTheAnswerAsKnownOnItsOwnDate() throws {
        let dir = try TemporaryDirectory("parley-realtime")
        let (_, _, db) = try ingestedCopy(in: dir)
        let series = try ParleyTool.run(["export", "--db", db, "--from", "2025-03-12", "--to", "2025-03-16", "--every", "day", "--known-on", "each"],
                                        in: dir.path)
        try #require(series.succeeded, "\(series)")
        let rows = series.stdout.split(separator: "\r\n").map(String.init)
        // known_on is the third column from the end (then log_sequence and head_hash, no commas in either).
        #expect(rows[0].hasSuffix(",known_on,log_sequence,head_hash"))
        for day in ["2025-03-12", "2025-03-13", "2025-03-14", "2025-03-15", "2025-03-16"] {
            let own = rows.filter { $0.hasPrefix(day + ",") }
            #expect(own.count == 4 && own.allSatisfy { $0.split(separator: ",").suffix(3).first == day[...] }, "\(own)")
            let single = try ParleyTool.run(["export", "--db", db, "--as-of", day, "--known-on", day], in: dir.path)
            #expect(Array(single.stdout.split(separator: "\r\n").dropFirst().map(String.init)) == own, "\(day)")
        }
        // As the press knew it on the 13th, Ukraine alone had answered; by the 15th, Russia too.
        #expect(rows.contains { $0.hasPrefix("2025-03-15,truce-30-day,conditionally-accepted,") }, "\(rows)")
        let refused = try ParleyTool.run(["export", "--db", db, "--known-on", "yesterday"], in: dir.path)
        #expect(refused.status == 64, "\(refused)")
    }
}

/// The CSV export's columns a spreadsheet types: every date one ISO day, a position per party.
@Suite("CSV a spreadsheet reads")
struct SpreadsheetCSVTests {
    /// The fields of one RFC 4180 record (quoted fields may hold commas and doubled quotes).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var characters = line.makeIterator()
        while let c = characters.next() {
            if quoted {
                if c == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; if next == "," { fields.append(field); field = "" } else { field.append(next) } }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { fields.append(field); field = "" } else { field.append(c) }
        }
        fields.append(field)
        return fields
    }

    @Test func everyDateColumnIsOneISODayAndEachPartyHasItsPositionColumn() throws {
        let dir = try TemporaryDirectory("parley-csv-dates")
        let db = dir.appending("log")
        try #require(try ParleyTool.run(["ingest", "--db", db, Fixtures.lifecycle + "/seeds", Fixtures.lifecycle + "/events"], in: dir.path).succeeded)
        let run = try ParleyTool.run(["export", "--db", db, "--from", "2025-03-01", "--to", "2025-07-01", "--every", "week"], in: dir.path)
        let lines = run.stdout.split(separator: "\r\n").map(String.init)
        let header = Self.fields(lines[0])
        #expect(header.contains("position_UA") && header.contains("position_RU") && !header.contains("positions"), "\(header)")
        let suffixes = ["_earliest", "_latest", "_since", "_on", "_through"]
        let dateColumns = header.indices.filter { i in header[i] == "date" || suffixes.contains { header[i].hasSuffix($0) } }
        let precisionColumns = header.indices.filter { header[$0].hasSuffix("_precision") }
        #expect(dateColumns.count >= 11 && precisionColumns.count == 2, "\(dateColumns.map { header[$0] })")
        let day = try NSRegularExpression(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        for line in lines.dropFirst() {
            let row = Self.fields(line)
            #expect(row.count == header.count, "\(line)")
            for i in dateColumns where !row[i].isEmpty {
                #expect(day.firstMatch(in: row[i], range: NSRange(row[i].startIndex..., in: row[i])) != nil, "\(header[i]) = \(row[i])")
            }
            for i in precisionColumns { #expect(["", "day", "month", "range"].contains(row[i]), "\(header[i]) = \(row[i])") }
            // A Monday each week.
            #expect(row[0] >= "2025-03-03", "\(row[0])")
        }
        #expect(lines.count > 10)
    }

    @Test func aWideExportHasOneRowADayWithEachTracksColumnsAndTheSameAnswers() throws {
        let dir = try TemporaryDirectory("parley-csv-wide")
        let db = dir.appending("log")
        try #require(try ParleyTool.run(["ingest", "--db", db, Fixtures.lifecycle + "/seeds", Fixtures.lifecycle + "/events"], in: dir.path).succeeded)
        let series = ["export", "--db", db, "--from", "2025-03-01", "--to", "2025-07-01", "--every", "week"]
        let long = try ParleyTool.run(series, in: dir.path).stdout.split(separator: "\r\n").map { Self.fields(String($0)) }
        let folder = dir.appending("wide")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let wideRun = try ParleyTool.run(series + ["--wide", "--output", folder + "/wide.csv", "--datapackage"], in: dir.path)
        try #require(wideRun.succeeded, "\(wideRun)")
        let wide = try String(contentsOfFile: folder + "/wide.csv", encoding: .utf8).split(separator: "\r\n").map { Self.fields(String($0)) }
        let header = wide[0]
        #expect(header.first == "date" && header.contains("energy.status") && header.contains("general.meetings") && header.last == "head_hash", "\(header)")
        let days = Set(long.dropFirst().map { $0[0] })
        #expect(wide.count == days.count + 1, "one row a day: \(wide.count) rows for \(days.count) days")
        // Each track's status in the wide row is the long export's for that day and track.
        let status = try #require(header.firstIndex(of: "energy.status"))
        for row in wide.dropFirst() {
            #expect(row.count == header.count)
            let longRow = long.first { $0[0] == row[0] && $0[1] == "energy" }
            #expect(longRow?[2] == row[status], "\(row[0])")
        }
        let valid = try DataPackageTests.validate(folder + "/datapackage.json")
        #expect(valid.status == 0 && !valid.output.contains("INVALID"), "\(valid.output)")
    }
}

/// `export --datapackage`: a Frictionless Data Package beside the CSV, checked by `frictionless`.
@Suite("Data package")
struct DataPackageTests {
    /// Runs `python3 -m frictionless validate` (installed by `.ci/setup`) on `file`.
    static func validate(_ file: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "frictionless", "validate", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theExportsPackageDescribesEveryColumnAndFrictionlessFindsTheCSVValid() throws {
        let dir = try TemporaryDirectory("parley-datapackage")
        let (_, _, db) = try ingestedCopy(in: dir)
        let folder = dir.appending("out")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let csv = folder + "/weekly.csv"
        let run = try ParleyTool.run(["export", "--db", db, "--from", "2025-02-03", "--to", "2025-08-25", "--every", "week", "--output", csv,
                                      "--datapackage"], in: dir.path)
        try #require(run.succeeded, "\(run)")
        let data = try #require(FileManager.default.contents(atPath: folder + "/datapackage.json"))
        let package = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let resource = try #require((package["resources"] as? [[String: Any]])?.first)
        #expect(resource["path"] as? String == "weekly.csv")
        let fields = try #require((resource["schema"] as? [String: Any])?["fields"] as? [[String: Any]])
        let header = try String(contentsOfFile: csv, encoding: .utf8).components(separatedBy: "\r\n")[0].split(separator: ",").map(String.init)
        #expect(fields.map { $0["name"] as? String ?? "" } == header)
        #expect(fields.allSatisfy { ($0["description"] as? String)?.isEmpty == false })
        #expect(fields.first { $0["name"] as? String == "last_meeting_earliest" }?["type"] as? String == "date")
        let provenance = try #require(package["parley"] as? [String: Any])
        #expect((provenance["command"] as? String)?.contains("--every week") == true && (provenance["head"] as? [String: Any])?["hash"] is String)

        let valid = try Self.validate(folder + "/datapackage.json")
        #expect(valid.status == 0 && valid.output.contains("VALID") && !valid.output.contains("INVALID"), "\(valid.output)")
        // A month where a day belongs: frictionless says so, so the types are really checked.
        var lines = try String(contentsOfFile: csv, encoding: .utf8).components(separatedBy: "\r\n")
        lines[1] = "2025-02" + lines[1].drop { $0 != "," }
        try lines.joined(separator: "\r\n").write(toFile: csv, atomically: false, encoding: .utf8)
        let invalid = try Self.validate(folder + "/datapackage.json")
        #expect(invalid.status != 0 && invalid.output.contains("type-error"), "\(invalid.output)")

        let refused = try ParleyTool.run(["export", "--db", db, "--as-of", "2025-03-20", "--datapackage"], in: dir.path)
        #expect(refused.status == 64 && refused.stderr.contains("--datapackage describes a CSV written with --output"), "\(refused)")
    }
}
