import Foundation
import TestSupport
import Testing

/// `export --timelinejs`: the fields TimelineJS documents, on a corpus that tells a ceasefire's
/// whole life.
@Suite("TimelineJS export")
struct TimelineJSTests {
    @Test func theTimelineHasTimelineJSsFieldsAGroupPerTrackAndAnEraPerCeasefire() throws {
        let dir = try TemporaryDirectory("parley-timelinejs")
        let db = dir.appending("log")
        let ingest = try ParleyTool.run(["ingest", "--db", db, Fixtures.lifecycle + "/seeds", Fixtures.lifecycle + "/events"], in: dir.path)
        try #require(ingest.succeeded, "\(ingest)")
        let file = dir.appending("timeline.json")
        let run = try ParleyTool.run(["export", "--db", db, "--timelinejs", "--as-of", "2025-12-31", "--output", file], in: dir.path)
        try #require(run.succeeded, "\(run)")
        let data = try #require(FileManager.default.contents(atPath: file))
        let timeline = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

        let title = try #require(timeline["title"] as? [String: Any])
        #expect(((title["text"] as? [String: Any])?["headline"] as? String)?.contains("as of 2025-12-31") == true)
        let events = try #require(timeline["events"] as? [[String: Any]])
        #expect(events.count >= 10, "\(events.count) events")
        let tracks: Set<String> = ["truce-30-day", "energy", "black-sea", "easter-truce", "general"]
        var ids = Set<String>()
        for event in events {
            let start = try #require(event["start_date"] as? [String: Any], "\(event)")
            let year = try #require(start["year"] as? Int), month = try #require(start["month"] as? Int)
            #expect(year == 2025 && (1...12).contains(month), "\(event)")
            if let end = event["end_date"] as? [String: Any] {
                let from = [year, month, start["day"] as? Int ?? 1], to = [end["year"] as? Int ?? 0, end["month"] as? Int ?? 0, end["day"] as? Int ?? 0]
                #expect(from.lexicographicallyPrecedes(to), "\(event)")
            }
            let text = try #require(event["text"] as? [String: Any])
            let headline = try #require(text["headline"] as? String)
            #expect(!headline.isEmpty && !headline.contains("<"), "\(event)")
            #expect((text["text"] as? String)?.contains("<blockquote>") == true, "every act is shown with its quote: \(event)")
            #expect(tracks.contains(event["group"] as? String ?? ""), "\(event)")
            let id = try #require(event["unique_id"] as? String)
            #expect(ids.insert(id).inserted, "unique_id \(id) twice")
            #expect(event["display_date"] is String)
        }
        let eras = try #require(timeline["eras"] as? [[String: Any]])
        let headlines = eras.compactMap { ($0["text"] as? [String: Any])?["headline"] as? String }
        #expect(headlines.contains("Energy infrastructure ceasefire: in effect"), "\(eras)")
        for era in eras { #expect(era["start_date"] is [String: Any] && era["end_date"] is [String: Any], "\(era)") }

        let planned = try ParleyTool.run(["export", "--db", db, "--timelinejs", "--from", "2025-03-01", "--to", "2025-04-01", "--every", "week"],
                                         in: dir.path)
        #expect(planned.status == 64 && planned.stderr.contains("--timelinejs writes one timeline"), "\(planned)")
    }
}

/// `log --csv` and `log --json`: each act coded in CAMEO and PLOVER, dates as two ISO days.
@Suite("Event codes")
struct EventCodeTests {
    @Test func eachActCarriesItsCAMEOAndPLOVERCodesAndDatesASpreadsheetReads() throws {
        let dir = try TemporaryDirectory("parley-codes")
        let db = dir.appending("log")
        try #require(try ParleyTool.run(["ingest", "--db", db, Fixtures.lifecycle + "/seeds", Fixtures.lifecycle + "/events"], in: dir.path).succeeded)
        let json = try ParleyTool.run(["log", "--db", db, "--json"], in: dir.path)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require(answer["events"] as? [[String: Any]])
        let codes = Dictionary(rows.map { ($0["type"] as? String ?? "", (($0["codes"] as? [String: Any])?["cameo"] as? String, ($0["codes"] as? [String: Any])?["plover"] as? String)) },
                               uniquingKeysWith: { a, _ in a })
        #expect(codes["start"]?.0 == "0871" && codes["start"]?.1 == "RETREAT", "\(codes)")
        #expect(codes["violation"]?.0 == "1123" && codes["violation"]?.1 == "ACCUSE", "\(codes)")
        #expect(codes["proposal"]?.0 == "0356" && codes["proposal"]?.1 == "AGREE", "\(codes)")
        #expect(codes["source"].map { $0.0 == nil } ?? true, "a source is no act: \(codes)")

        let csv = try ParleyTool.run(["log", "--db", db, "--csv"], in: dir.path)
        let lines = csv.stdout.split(separator: "\r\n").map(String.init)
        #expect(lines.first?.hasPrefix("sequence,id,type,cameo,cameo_name,plover,on_earliest,on_latest,on_precision,") == true, "\(lines.first ?? "")")
        #expect(lines.count == rows.count + 1, "\(lines.count) lines for \(rows.count) records")
        // A start: its codes (the name quoted, for its comma), then two ISO days and the precision.
        let iso = try NSRegularExpression(pattern: "^[0-9]+,[^,]+,start,0871,\"Declare truce, ceasefire\",RETREAT,[0-9]{4}-[0-9]{2}-[0-9]{2},[0-9]{4}-[0-9]{2}-[0-9]{2},(day|month|range),")
        #expect(lines.contains { iso.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }, "\(lines.filter { $0.contains(",start,") })")
        let both = try ParleyTool.run(["log", "--db", db, "--csv", "--json"], in: dir.path)
        #expect(both.status == 64, "\(both)")
    }
}
