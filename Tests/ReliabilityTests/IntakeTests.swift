import EventLog
import Foundation
import TestSupport
import Testing

/// A new article into the log in three commands (`add`, `review` through a real terminal,
/// `ingest`), in a project of its own made by `init`, with the test's own article.
@Suite("add, review, ingest")
struct IntakeTests {
    static let article = Fixtures.tests + "/Fixtures/intake/wire-2025-03-12.txt"
    static let addArguments = ["--url", "https://example.org/wire/2025-03-12", "--outlet", "Test Wire", "--title", "Ukraine accepts",
                               "--published", "2025-03-12"]
    static let id = "000_test-wire-2025-03-12"

    /// The ids of an event file's events, in file order.
    static func ids(in eventFile: String) -> [String] {
        eventFile.split(separator: "\n").compactMap { $0.hasPrefix("  - id: ") ? String($0.dropFirst(8)) : nil }
    }

    /// A project made by `parley init` from the fixture registries, in `dir/project`.
    static func project(in dir: TemporaryDirectory) throws -> String {
        let made = try ParleyTool.run(["init", "project", "--from", Fixtures.events], in: dir.path)
        try #require(made.succeeded, "\(made)")
        return dir.appending("project")
    }

    @Test func anArticleGoesInWithAddReviewedInATerminalAndIngested() throws {
        let dir = try TemporaryDirectory("parley-intake")
        let project = try Self.project(in: dir)
        let added = try ParleyTool.run(["add", Self.article] + Self.addArguments, in: project)
        #expect(added.succeeded && added.stdout.contains("added \(Self.id) (en,"), "\(added)")
        #expect(added.stdout.contains("parley review \(Self.id)"), "it says what to do next: \(added.stdout)")

        // The text byte for byte, and the catalog's hash of it.
        let copied = try #require(FileManager.default.contents(atPath: project + "/seeds/\(Self.id).txt"))
        #expect(copied == FileManager.default.contents(atPath: Self.article))
        let catalog = try String(contentsOfFile: project + "/seeds/catalog.yaml", encoding: .utf8)
        let sha = SHA256.hash(data: Array(copied)).map { String(format: "%02x", $0) }.joined()
        #expect(catalog.contains("    sha256: \(sha)\n"), "\(catalog)")
        #expect(catalog.contains("- id: \(Self.id)\n") && catalog.contains("    published: 2025-03-12\n"), "\(catalog)")

        // The drafts are marked until reviewed, and ingest refuses them.
        let eventFile = project + "/events/\(Self.id).yaml"
        let drafted = try String(contentsOfFile: eventFile, encoding: .utf8)
        let ids = IntakeTests.ids(in: drafted)
        #expect(ids.count >= 3 && drafted.components(separatedBy: "    status: draft\n").count - 1 == ids.count, "\(drafted)")
        // What the extractor drafts from this text: the acceptance first, the proposal second.
        try #require(ids.count >= 2 && ids[0].hasSuffix("-acceptance-ua") && ids[1].hasSuffix("-proposal-us"), "\(ids)")
        let refused = try ParleyTool.run(["ingest"], in: project)
        #expect(refused.status == 65 && refused.stderr.contains("\(ids.count) events are drafts"), "\(refused)")

        // The review, typed into a real terminal: accept, edit (the editor moves the date), reject the rest.
        let editor = dir.appending("editor.sh")
        try "#!/bin/sh\nsed -i 's/^    on: .*/    on: 2025-03-10/' \"$1\"\n".write(toFile: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor)
        let terminal = try Terminal(["env", "EDITOR=\(editor)", ParleyTool.path, "review", Self.id, "--by", "Test Reviewer"], in: project)
        defer { terminal.close() }
        for (n, draft) in ids.enumerated() {
            try terminal.waitFor("[q]uit > ", count: n + 1)
            #expect(terminal.screen().contains("── draft \(n + 1) of \(ids.count): \(draft)"), "\(terminal.screen())")
            terminal.type(n == 0 ? "a" : n == 1 ? "e" : "r")
        }
        try terminal.waitFor("accepted 1, edited 1, rejected \(ids.count - 2), recorded as sources 0; 0 drafts left")
        let screen = terminal.screen()
        #expect(screen.contains("[Ukraine accepted on Tuesday the American proposal"), "the quote in its context: \(screen)")
        #expect(screen.contains("date: « Tuesday » → 2025-03-11 (day)"), "the date's reasoning: \(screen)")

        let reviewed = try String(contentsOfFile: eventFile, encoding: .utf8)
        #expect(!reviewed.contains("    status: draft\n"), "\(reviewed)")
        #expect(reviewed.components(separatedBy: "    status: reviewed\n    reviewed-by: \"Test Reviewer\"\n").count - 1 == 2, "\(reviewed)")
        #expect(reviewed.contains("    on: 2025-03-10\n") && !ids.dropFirst(2).contains { reviewed.contains($0) }, "\(reviewed)")

        let ingested = try ParleyTool.run(["ingest"], in: project)
        #expect(ingested.succeeded && ingested.stdout.contains("appended 1 articles and 2 events"), "\(ingested)")
        let state = try ParleyTool.run(["state", "--track", "truce-30-day", "--as-of", "2025-03-20"], in: project)
        #expect(state.stdout.contains("UA accepted since 2025-03-11 (\(ids[0]))"), "\(state)")
        #expect(state.stdout.contains("proposal     truce-30-day/us, since 2025-03-10"), "the edited proposal: \(state)")
        let shown = try ParleyTool.run(["show", ids[0]], in: project)
        #expect(shown.stdout.contains("reviewed by  Test Reviewer") && shown.stdout.contains("drafted by   parley-extract"), "\(shown)")
    }

    @Test func aDraftReportedAgainBecomesASourceAndABadEditIsNotKept() throws {
        let dir = try TemporaryDirectory("parley-review-source")
        let project = try Self.project(in: dir)
        #expect(try ParleyTool.run(["add", Self.article] + Self.addArguments, in: project).succeeded)
        let second = dir.appending("second.txt")
        try "Ukraine accepted the American proposal of a 30-day ceasefire on Tuesday, a second test wire reports.\n"
            .write(toFile: second, atomically: true, encoding: .utf8)
        let eventFile = project + "/events/\(Self.id).yaml"
        // Reviewed by hand: the first draft kept, the others dropped.
        let drafts = try String(contentsOfFile: eventFile, encoding: .utf8)
        let ids = IntakeTests.ids(in: drafts)
        let firstOnly = try ParleyTool.run(["review", Self.id, "--by", "T"], input: "a\n" + String(repeating: "r\n", count: ids.count - 1), in: project)
        #expect(firstOnly.succeeded, "\(firstOnly)")
        #expect(try ParleyTool.run(["ingest"], in: project).succeeded)

        let added = try ParleyTool.run(["add", second, "--url", "https://example.org/second", "--outlet", "Second Wire", "--title", "Again",
                                        "--published", "2025-03-12"], in: project)
        #expect(added.succeeded, "\(added)")
        let secondID = "001_second-wire-2025-03-12"
        let secondFile = project + "/events/\(secondID).yaml"
        let secondDrafts = try String(contentsOfFile: secondFile, encoding: .utf8)
        let secondIDs = IntakeTests.ids(in: secondDrafts)
        try #require(!secondIDs.isEmpty, "\(secondDrafts)")

        // An edit the checks refuse (an unknown party) leaves the draft as it was.
        let editor = dir.appending("bad-editor.sh")
        try "#!/bin/sh\nsed -i 's/^    actor: .*/    actor: ZZ/' \"$1\"\n".write(toFile: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor)
        let badEdit = try ParleyTool.run(["review", secondID], input: "e\nq\n", environment: ["EDITOR": editor], in: project)
        #expect(badEdit.stdout.contains("unknown party 'ZZ'") && badEdit.stdout.contains("not kept"), "\(badEdit)")
        #expect(try String(contentsOfFile: secondFile, encoding: .utf8) == secondDrafts, "a refused edit changed the file")

        // Recorded as a second source of the event already in the log, the rest rejected.
        let input = "s\nno-such-event\ns\n\(ids[0])\n" + String(repeating: "r\n", count: secondIDs.count - 1)
        let review = try ParleyTool.run(["review", secondID, "--by", "T"], input: input, in: project)
        #expect(review.stdout.contains("no event 'no-such-event' in the corpus or the log"), "\(review)")
        #expect(review.stdout.contains("recorded as sources 1; 0 drafts left"), "\(review)")
        let file = try String(contentsOfFile: secondFile, encoding: .utf8)
        #expect(file.contains("    type: source\n    of: \(ids[0])\n"), "\(file)")
        #expect(try ParleyTool.run(["ingest"], in: project).succeeded)
        let shown = try ParleyTool.run(["show", ids[0]], in: project)
        #expect(shown.stdout.contains("  sources      2"), "\(shown)")
    }
}

/// The shell's completions of values: the tracks and parties of the project's own registries.
@Suite("completions")
struct CompletionTests {
    @Test func tracksPartiesAndTypesAreOfferedFromTheProjectsRegistries() throws {
        let dir = try TemporaryDirectory("parley-completion")
        let project = try IntakeTests.project(in: dir)
        // A track of this project's own, added to its registry: offered without a rebuild.
        let tracks = project + "/events/tracks.yaml"
        try (String(contentsOfFile: tracks, encoding: .utf8) + "\n  - id: harbour-pause\n    requires: [UA, RU]\n")
            .write(toFile: tracks, atomically: true, encoding: .utf8)
        let offered = try ParleyTool.run(["---completion", "log", "--", "--track", "3", "0", "parley", "log", "--track", ""], in: project)
        #expect(offered.stdout.split(separator: "\n").contains("harbour-pause") && offered.stdout.contains("truce-30-day\n"), "\(offered)")
        let parties = try ParleyTool.run(["---completion", "log", "--", "--party", "3", "0", "parley", "log", "--party", ""], in: project)
        #expect(parties.stdout.split(separator: "\n").map(String.init) == ["UA", "RU", "US", "CN"], "\(parties)")
        let script = try ParleyTool.run(["--generate-completion-script", "bash"], in: project)
        #expect(script.stdout.contains("---completion log -- --track") && script.stdout.contains("acceptance"), "\(script.stdout.prefix(300))")
    }
}

/// A terminal of its own (a tmux server on its own socket), running one command.
final class Terminal {
    private let socket: String
    private static let counter = Counter()

    init(_ command: [String], in directory: String) throws {
        socket = "parley-test-\(getpid())-\(Self.counter.next())"
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // The shell stays after the command ends, so its last lines can still be read.
        let started = tmux(["new-session", "-d", "-x", "200", "-y", "60", "-c", directory, quoted + "; sleep 600"]).status
        guard started == 0 else { throw CocoaError(.featureUnsupported, userInfo: ["tmux": "exit \(started)"]) }
    }

    /// Everything the terminal shows and showed, its wrapped lines joined.
    func screen() -> String {
        String(decoding: tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", "0"], capturing: true).output, as: UTF8.self)
    }

    /// Types `keys` and Enter.
    func type(_ keys: String) {
        _ = tmux(["send-keys", "-t", "0", "-l", keys])
        _ = tmux(["send-keys", "-t", "0", "Enter"])
    }

    /// Waits until `text` shows `count` times, for at most `seconds`.
    func waitFor(_ text: String, count: Int = 1, seconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if screen().components(separatedBy: text).count - 1 >= count { return }
            usleep(50_000)
        }
        throw CocoaError(.executableLoad, userInfo: ["waited for": text, "screen": screen()])
    }

    func close() {
        _ = tmux(["kill-server"])
    }

    /// Runs a tmux client to its end, its output (when `capturing`) through a file. Spawned
    /// and waited for directly: Foundation's `Process` waits forever for a client whose server
    /// (forked from it, and living on) holds what `Process` watches.
    @discardableResult
    private func tmux(_ arguments: [String], capturing: Bool = false) -> (status: Int32, output: Data) {
        let outputPath = NSTemporaryDirectory() + "\(socket)-\(Self.counter.next()).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capturing ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "tmux", &actions, nil, argv, environ) == 0 else { return (-1, Data()) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let exited = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1
        return (exited, capturing ? (FileManager.default.contents(atPath: outputPath) ?? Data()) : Data())
    }
}
