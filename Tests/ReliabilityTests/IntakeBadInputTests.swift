import Foundation
import TestSupport
import Testing

/// Every bad input to `add`, `review`, `correct` and `retract` gets a clear error and changes
/// nothing on disk: not the project's files, not the log.
@Suite("add, review, correct and retract refuse bad input")
struct IntakeBadInputTests {
    /// Every file under `folder`, by path, with its bytes.
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = folder + "/" + name
            // The test's own record of each run (`process-N.out`…) is not the project's, and
            // LMDB's lock file is its reader table, written by every reader.
            if !name.hasPrefix("process-"), !name.hasSuffix("lock.mdb"), FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    /// A project with one article added, reviewed (its first draft kept) and ingested.
    static func ingestedProject(in dir: TemporaryDirectory) throws -> (project: String, kept: String) {
        let project = try IntakeTests.project(in: dir)
        try #require(try ParleyTool.run(["add", IntakeTests.article] + IntakeTests.addArguments, in: project).succeeded)
        let drafts = try String(contentsOfFile: project + "/events/\(IntakeTests.id).yaml", encoding: .utf8)
        let ids = IntakeTests.ids(in: drafts)
        let review = try ParleyTool.run(["review", IntakeTests.id, "--by", "T"], input: "a\n" + String(repeating: "r\n", count: ids.count - 1), in: project)
        try #require(review.succeeded, "\(review)")
        try #require(try ParleyTool.run(["ingest"], in: project).succeeded)
        return (project, ids[0])
    }

    @Test func eachBadInputIsRefusedWithNothingChanged() throws {
        let dir = try TemporaryDirectory("parley-intake-bad")
        let (project, kept) = try Self.ingestedProject(in: dir)
        let fixtures = Fixtures.tests + "/Fixtures/intake/"
        let before = try Self.snapshot(project)
        let add = ["add"] , described = IntakeTests.addArguments
        let cases: [(arguments: [String], input: String?, status: Int32, says: String)] = [
            (add + [dir.appending("nowhere.txt")] + described, nil, 65, "nowhere.txt: no such file"),
            (add + [fixtures + "binary.bin"] + described, nil, 65, "binary.bin:1: a NUL byte at offset 4: this is a binary file"),
            (add + [fixtures + "latin1.txt"] + described, nil, 65, "latin1.txt:1: byte 17 is not valid UTF-8"),
            (add + ["-"] + described, "", 65, "standard input: the file is empty"),
            (add + [IntakeTests.article] + described, nil, 75, "is already in the corpus: it is the text of \(IntakeTests.id)"),
            (add + ["-", "--id", IntakeTests.id] + described, "Another text.\n", 75, "the id \(IntakeTests.id) is taken"),
            (add + ["-", "--id", "../escape"] + described, "Another text.\n", 65, "--id: '../escape' is not an article id"),
            (add + ["-", "--url", "example.org/x", "--outlet", "O", "--title", "T", "--published", "2025-03-12"], "Another text.\n", 65,
             "--url: 'example.org/x' is not a web address"),
            (add + ["-", "--precision", "weekly"] + described, "Another text.\n", 65, "--precision: 'weekly' is not a precision"),
            (add + ["-", "--url", "https://e.org", "--outlet", "O", "--title", "T", "--published", "2025-02-30"], "Another text.\n", 64,
             "2025-02-30"),
            (["review", "999_nothing"], nil, 65, "no event file for the article '999_nothing'"),
            (["init", "."], nil, 75, "is already there: . is a project already"),
            (["init", "elsewhere", "--from", dir.appending("nowhere")], nil, 65, "--from: \(dir.appending("nowhere"))/tracks.yaml is missing"),
            (["correct", "no-such-event", "--set", "on=2025-03-10", "--reason", "r"], nil, 65, "no event 'no-such-event' in the event files or the log"),
            (["correct", kept, "--set", "colour=red", "--reason", "r"], nil, 65, "--set: 'colour' is not a field a correction sets"),
            (["correct", kept, "--set", "on", "--reason", "r"], nil, 65, "--set: 'on' is not field=value"),
            (["correct", kept, "--set", "on=2025-13-10", "--reason", "r"], nil, 65, "--set on: '2025-13-10' has no month 13"),
            (["correct", kept, "--set", "actor=XX", "--reason", "r"], nil, 65, "--set actor: unknown party 'XX'"),
            (["correct", kept, "--set", "on=2025-03-10"], nil, 64, "Missing expected argument '--reason"),
            (["correct", kept, "--set", "on=2025-03-10", "--reason", "r", "--quote", "words"], nil, 64, "--quote needs --article"),
            (["retract", "no-such-event", "--reason", "r"], nil, 65, "no event 'no-such-event' in the event files or the log"),
            (["retract", kept, "--reason", " "], nil, 65, "--reason: empty"),
            (["retract", kept, "--reason", "r", "--article", "999_nothing"], nil, 65, "--article: unknown article '999_nothing'"),
        ]
        for c in cases {
            let run = try c.input.map { try ParleyTool.run(c.arguments, input: $0, in: project) } ?? ParleyTool.run(c.arguments, in: project)
            #expect(run.status == c.status && run.stderr.contains(c.says), "\(run)")
            #expect(try Self.snapshot(project) == before, "parley \(c.arguments.joined(separator: " ")) changed the project")
        }
    }

    @Test func aCorrectionAndARetractionGoAfterTheirTargetAndAreRecorded() throws {
        let dir = try TemporaryDirectory("parley-intake-fix")
        let (project, kept) = try Self.ingestedProject(in: dir)
        let corrected = try ParleyTool.run(["correct", kept, "--set", "on=2025-03-10", "--set", "counterparts=US,CN", "--reason", "The ministry's statement was of Monday.",
                                            "--by", "Fixer"], in: project)
        #expect(corrected.succeeded && corrected.stdout.contains("correction \(kept)-corrected of \(kept) written to events/\(IntakeTests.id).yaml"), "\(corrected)")
        let retracted = try ParleyTool.run(["retract", kept, "--reason", "Not an acceptance after all."], in: project)
        #expect(retracted.succeeded && retracted.stdout.contains("retraction \(kept)-retracted"), "\(retracted)")
        let file = try String(contentsOfFile: project + "/events/\(IntakeTests.id).yaml", encoding: .utf8)
        #expect(file.contains("    set:\n      on: \"2025-03-10\"\n      counterparts: [\"US\", \"CN\"]\n"), "\(file)")

        let ingested = try ParleyTool.run(["ingest"], in: project)
        #expect(ingested.succeeded && ingested.stdout.contains("appended 0 articles and 2 events"), "\(ingested)")
        let log = try ParleyTool.run(["log", "--notes"], in: project)
        #expect(log.stdout.contains("acceptance [corrected, retracted]"), "\(log)")
        #expect(log.stdout.contains("reason: The ministry's statement was of Monday."), "\(log)")
        #expect(log.stdout.contains("note: fixed by Fixer with parley correct"), "\(log)")
        // Filters: a fix is placed by the event it amends (its day, track and parties).
        let corrections = try ParleyTool.run(["log", "--type", "correction"], in: project)
        #expect(corrections.stdout.contains("\(kept)-corrected") && corrections.stdout.hasSuffix("1 event\n"), "\(corrections)")
        let onTheDay = try ParleyTool.run(["log", "--article", IntakeTests.id, "--from", "2025-03-11", "--to", "2025-03-11", "--party", "UA"], in: project)
        #expect(onTheDay.stdout.contains(kept) && onTheDay.stdout.hasSuffix("3 events\n"), "\(onTheDay)")
        let later = try ParleyTool.run(["log", "--from", "2025-03-12", "--track", "truce-30-day"], in: project)
        #expect(later.stdout.hasSuffix("0 events\n"), "\(later)")
        let state = try ParleyTool.run(["state", "--track", "truce-30-day", "--as-of", "2025-03-20"], in: project)
        #expect(state.stdout.contains("UA none"), "retracted, the acceptance no longer counts: \(state)")
    }

    @Test func aFixOfAnEventInTheLogIsTakenWhateverItsFileIsCalled() throws {
        let dir = try TemporaryDirectory("parley-fix-file")
        let (seeds, events, db) = try ingestedCopy(in: dir)
        // `-` sorts before `.`: this file is read before the one that holds its target.
        let fixes = events + "/000_a1eb357bfc15af74-fixes.yaml"
        try """
            events:
              - id: meeting-place-fix
                type: correction
                corrects: us-ua-talks-jeddah-000
                set:
                  place: Jeddah, Saudi Arabia
                reason: "Written for the test."
            """.write(toFile: fixes, atomically: true, encoding: .utf8)
        let ingested = try ParleyTool.run(["ingest", "--db", db, seeds, events], in: dir.path)
        #expect(ingested.succeeded && ingested.stdout.contains("appended 0 articles and 1 events"), "\(ingested)")

        // Into a new log, the same files would append the fix before its target: refused.
        let fresh = try ParleyTool.run(["ingest", "--db", dir.appending("fresh"), seeds, events], in: dir.path)
        #expect(fresh.status == 65 && fresh.stderr.contains("000_a1eb357bfc15af74-fixes.yaml:2: events[0].corrects: 'us-ua-talks-jeddah-000' comes after this correction and is not yet recorded"),
                "\(fresh)")
    }
}
