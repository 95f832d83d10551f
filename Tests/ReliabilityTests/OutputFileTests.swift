import Foundation
import Negotiation
import Report
@testable import Store
import TestSupport
import Testing

/// What `--output` may do to the files around it: write one file whole, never remove a folder,
/// never follow a link it did not make, never land in the log's own folder.
@Suite("Output files")
struct OutputFileTests {
    let dir: TemporaryDirectory
    let db: String

    init() throws {
        dir = try TemporaryDirectory("parley-output")
        db = try ParleyTool.syntheticLog(in: dir.path)
    }

    private func run(_ arguments: [String]) throws -> Finished {
        try ParleyTool.run(arguments, atMost: 60, in: dir.path)
    }

    @Test func anExportToAFolderIsRefusedAndTheFolderKept() throws {
        let folder = dir.appending("notes")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try "keep me".write(toFile: folder + "/keep.txt", atomically: false, encoding: .utf8)
        let export = try run(["export", "--db", db, "--as-of", "2020-01-01", "--output", folder])
        #expect(!export.succeeded && !export.killed, "\(export)")
        #expect(export.stderr.contains("it is a directory"), "\(export)")
        #expect(try String(contentsOfFile: folder + "/keep.txt", encoding: .utf8) == "keep me")
    }

    @Test func anExportIntoTheLogsOwnFolderIsRefusedAndTheLogStillVerifies() throws {
        for output in [db, db + "/data.mdb", db + "/export.csv"] {
            let export = try run(["export", "--db", db, "--as-of", "2020-01-01", "--output", output])
            #expect(!export.succeeded && !export.killed, "\(export)")
        }
        #expect(!FileManager.default.fileExists(atPath: db + "/export.csv"))
        let verify = try run(["verify", "--db", db])
        #expect(verify.succeeded && verify.stdout.contains("chain intact"), "\(verify)")
    }

    @Test func aLinkPlantedBesideTheOutputIsNeverFollowed() throws {
        let victim = dir.appending("victim.txt")
        try "untouched".write(toFile: victim, atomically: false, encoding: .utf8)
        let output = dir.appending("states.csv")
        // The old temporary name, and a few others a writer might pick, all pointing at the victim.
        for name in ["states.csv.partial", ".states.csv.partial", "states.csv.tmp"] {
            try FileManager.default.createSymbolicLink(atPath: dir.appending(name), withDestinationPath: victim)
        }
        let export = try run(["export", "--db", db, "--as-of", "2020-01-01", "--output", output])
        #expect(export.succeeded, "\(export)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "untouched")
        let csv = try String(contentsOfFile: output, encoding: .utf8)
        #expect(csv.hasPrefix("date,track,status"))
        // Nothing of the export is left beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("states.csv") }
        #expect(Set(left) == ["states.csv", "states.csv.partial", ".states.csv.partial", "states.csv.tmp"])
    }

    @Test func anExportReplacesAnOlderFileWhole() throws {
        let output = dir.appending("states.csv")
        try String(repeating: "old line\n", count: 10_000).write(toFile: output, atomically: false, encoding: .utf8)
        let export = try run(["export", "--db", db, "--from", "2019-01-01", "--to", "2019-03-01", "--every", "week", "--output", output])
        #expect(export.succeeded, "\(export)")
        let csv = try String(contentsOfFile: output, encoding: .utf8)
        #expect(csv.hasPrefix("date,track,status") && !csv.contains("old line"))
    }

    @Test func anExportToAFifoIsRefusedWithoutWaiting() throws {
        let fifo = dir.appending("pipe.csv")
        #expect(mkfifo(fifo, 0o644) == 0)
        let export = try run(["export", "--db", db, "--as-of", "2020-01-01", "--output", fifo])
        #expect(!export.succeeded && !export.killed, "\(export)")
        #expect(export.stderr.contains("it is a FIFO"), "\(export)")
    }

    /// Mounts a tmpfs of `size` at a new folder (read-only with `readOnly`), runs `body` with
    /// it, and unmounts it.
    private func withTmpfs(size: String, readOnly: Bool = false, _ body: (String) throws -> Void) throws {
        let mountPoint = dir.appending("mnt-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", (readOnly ? "ro," : "") + "size=\(size)", "tmpfs", mountPoint]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "mount needs root: the tests run as root here and in CI")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        try body(mountPoint)
    }

    @Test func anExportOnAReadOnlyFileSystemSaysSo() throws {
        try withTmpfs(size: "1m", readOnly: true) { folder in
            let export = try run(["export", "--db", db, "--as-of", "2020-01-01", "--output", folder + "/states.csv"])
            #expect(export.status == 74 && export.stderr.contains("Read-only file system"), "\(export)")
        }
    }

    @Test func anExportToAFullDiskFailsWholeAndLeavesNothingBehind() throws {
        try withTmpfs(size: "64k") { folder in
            let output = folder + "/states.csv"
            try "the old export".write(toFile: output, atomically: false, encoding: .utf8)
            let export = try run(["export", "--db", db, "--from", "2015-01-01", "--to", "2024-12-31", "--every", "day", "--output", output])
            #expect(export.status == 74 && export.stderr.contains("No space left on device"), "\(export)")
            #expect(try String(contentsOfFile: output, encoding: .utf8) == "the old export")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["states.csv"])
        }
    }

    @Test func reportAndExtractRefuseAFolderToo() throws {
        let folder = dir.appending("page.html")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let report = try run(["report", "--db", db, "--as-of", "2020-01-01", "--output", folder])
        #expect(!report.succeeded && !report.killed, "\(report)")
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue)
    }

    /// Random series up to the calendar's edges, some of them refused: each accepted one ends
    /// with a row per track for each of its dates, each refused one exits 64 saying why.
    @Test func everySeriesTheToolAcceptsEndsAndEveryOneItRefusesSaysWhy() throws {
        var state: UInt64 = 0x5EED_2026_1207
        func random(_ range: ClosedRange<Int>) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return range.lowerBound + Int((z ^ (z >> 31)) % UInt64(range.count))
        }
        let tracks = try run(["state", "--db", db, "--as-of", "2020-01-01", "--json"])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(tracks.stdout.utf8)) as? [String: Any])
        let trackCount = try #require(answer["tracks"] as? [Any]).count
        let edges = [Day.earliest.ordinal, Day.latest.ordinal - 500, 20_000]
        for round in 0..<16 {
            let from = Day(ordinal: edges[round % 3] + random(0...500))
            let cadence = ["day", "week", "month", "year"][random(0...3)]
            let to = round % 5 == 4 ? from.adding(days: -random(1...40)) : from.adding(days: random(0...(cadence == "month" ? 5_000 : 400)))
            let export = try run(["export", "--db", db, "--from", from.description, "--to", to.description, "--every", cadence])
            let series = "\(from)…\(to) every \(cadence)"
            #expect(!export.killed, "\(series) did not end")
            if to < from {
                #expect(export.status == 64 && export.stderr.contains("--to (\(to)) is before --from (\(from))"), "\(series): \(export)")
            } else if let cadence = Cadence(rawValue: cadence) {
                let rows = export.stdout.split(separator: "\r\n").count - 1
                // A row per track per date, and the general meetings' row.
                #expect(export.succeeded && rows == cadence.days(from: from, to: to).count * (trackCount + 1), "\(series): \(rows) rows")
            } else {
                #expect(export.status == 64 && export.stderr.contains("--every 'year': expected day, week or month"), "\(series): \(export)")
            }
        }
        for (option, value, reason) in [("--from", "9999-12-32", "9999-12 has 31 days, not 32"), ("--to", "0000-01-01", "has no year 0"),
                                        ("--from", "10000-01-01", "is not a date"), ("--to", "2025-02", "is not one day")] {
            let other = option == "--from" ? "--to" : "--from"
            let export = try run(["export", "--db", db, option, value, other, "2025-01-01", "--every", "day"])
            #expect(export.status == 64 && export.stderr.contains(reason), "\(option) \(value): \(export)")
        }
    }

    @Test(arguments: [
        ["9999-12-01", "9999-12-31", "month"], ["9999-12-25", "9999-12-31", "week"], ["9999-12-30", "9999-12-31", "day"],
        ["0001-01-01", "0001-01-31", "month"], ["9999-01-31", "9999-12-31", "month"],
    ])
    func aSeriesAtTheCalendarsEdgeEnds(_ bounds: [String]) throws {
        let export = try run(["export", "--db", db, "--from", bounds[0], "--to", bounds[1], "--every", bounds[2]])
        #expect(export.succeeded, "\(export)")
        let dates = Set(export.stdout.split(separator: "\r\n").dropFirst().compactMap { $0.split(separator: ",").first })
        #expect(dates.first.map { $0 >= bounds[0] && $0 <= bounds[1] } ?? false, "\(dates)")
        let expected = switch bounds[2] {
        case "month": bounds[0] == "9999-01-31" ? 11 : 1  // the firsts of February to December
        case "week": 1
        default: 2
        }
        #expect(dates.count == expected, "\(dates.sorted())")
    }
}
