import ArgumentParser
import Foundation
import Intake
import Negotiation
import Store

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Go through an article's drafts one at a time: accept, edit, reject, or record as a source.",
        discussion: """
            Shows each draft of EVENTS/<id>.yaml with its quote in the article's words around it, \
            and how its date was found. Accept keeps it as it is (`status: reviewed`, and who \
            reviewed it); edit opens $VISUAL or $EDITOR on it, then checks it again; reject takes it \
            out; source records it as another report of an event already recorded (the same act \
            told again). The file is written after each answer, so quitting keeps what was decided.
            """
    )

    @Argument(help: ArgumentHelp("The article's id (its event file is EVENTS/<id>.yaml).", valueName: "id"))
    var id: String

    @Option(help: ArgumentHelp("Who reviews (default: git's user.name, else $USER).", valueName: "name"))
    var by: String?

    @OptionGroup var folders: ProjectOptions
    @OptionGroup var log: LogOptions

    func run() throws {
        let project = folders.project
        let path = project.eventFilePath(id)
        guard FileManager.default.fileExists(atPath: path) else {
            throw IntakeError.badInput([.init(file: path, problem: "no event file for the article '\(id)'",
                                              expected: "the id `parley add` gave it (its drafts are in \(folders.events)/<id>.yaml)")])
        }
        var file = try EventFileText(path: path)
        let reviewer = by ?? Self.defaultReviewer()
        let context = project.articleText(file.article ?? id)
        var tally = (accepted: 0, edited: 0, rejected: 0, sources: 0)
        let total = file.drafts.count
        guard total > 0 else {
            print("\(path) holds no drafts: nothing to review (`parley ingest --dry-run` shows what it would record)")
            return
        }
        print("\(total) draft\(total == 1 ? "" : "s") in \(path), reviewed by \(reviewer)")
        var skipped = Set<String>()
        var number = 0
        review: while let draft = file.drafts.first(where: { !skipped.contains($0.id) }) {
            number += 1
            show(draft, number: number, of: total, context: context)
            while true {
                guard let answer = ask("[a]ccept  [e]dit  [r]eject  [s]ource of an event  [n]ext  [q]uit > ") else { break review }
                switch answer {
                case "a":
                    try file.accept(draft.id, by: reviewer)
                    if try checked(&file, project: project) {
                        tally.accepted += 1
                        continue review
                    }
                case "e":
                    guard let edited = try edit(file.block(draft.id) ?? "", id: draft.id) else { continue }
                    do {
                        // The person may have renamed it: the new id is the one not there before.
                        try file.acceptEdit(draft.id, text: edited, by: reviewer)
                    } catch {
                        print("not kept: \(error)")
                        continue
                    }
                    if try checked(&file, project: project) {
                        tally.edited += 1
                        continue review
                    }
                case "r":
                    try file.reject(draft.id)
                    try file.write()
                    print("rejected \(draft.id)")
                    tally.rejected += 1
                    continue review
                case "s":
                    guard let target = ask("the event this article reports again (its id) > "), !target.isEmpty else { continue }
                    guard try isRecorded(target, project: project) else {
                        print("no event '\(target)' in the corpus or the log; `parley log` lists them")
                        continue
                    }
                    try file.makeSource(draft.id, of: target, by: reviewer)
                    if try checked(&file, project: project) {
                        tally.sources += 1
                        continue review
                    }
                case "n":
                    skipped.insert(draft.id)
                    continue review
                case "q":
                    break review
                default:
                    print("a, e, r, s, n or q")
                }
            }
        }
        let left = file.drafts.count
        print("accepted \(tally.accepted), edited \(tally.edited), rejected \(tally.rejected), recorded as sources \(tally.sources); \(left) draft\(left == 1 ? "" : "s") left in \(path)")
        if left == 0 { print("next: parley ingest --dry-run, then parley ingest") }
    }

    /// Writes the file if the corpus's checks pass on it; otherwise prints the problems and
    /// puts the file back as it is on disk (the draft still a draft).
    private func checked(_ file: inout EventFileText, project: Project) throws -> Bool {
        let original = try EventFileText(path: file.path)
        try file.write()
        let problems = project.problems(in: file.path)
        guard !problems.isEmpty else {
            print("kept")
            return true
        }
        for problem in problems { print("  \(problem)") }
        print("not kept: the draft stays as it was (edit it, or reject it)")
        try original.write()
        file = original
        return false
    }

    private func show(_ draft: EventFileText.Item, number: Int, of total: Int, context: String?) {
        print("")
        print("── draft \(number) of \(total): \(draft.id)")
        for comment in draft.comments { print("  " + terminalSafe(comment.trimmingCharacters(in: .whitespaces))) }
        for (key, value) in draft.fields where !["id", "quote", "note", "status", "extractor"].contains(key) {
            print("  \(key.padding(toLength: 13, withPad: " ", startingAt: 0))\(terminalSafe(value))")
        }
        if let note = draft["note"] {
            for part in note.split(separator: ";") { print("  · " + terminalSafe(part.trimmingCharacters(in: .whitespaces))) }
        }
        if let quote = draft["quote"] {
            print("  « " + terminalSafe(context.flatMap { quoteInContext(quote, in: $0, around: 160) } ?? quote) + " »")
        }
    }

    private func ask(_ prompt: String) -> String? {
        print(prompt, terminator: "")
        fflush(nil)
        return readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The event's lines after a person's edit, or `nil` when the editor failed or nothing changed.
    private func edit(_ block: String, id: String) throws -> String? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-review-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("\(id).yaml").path
        try Data(block.utf8).write(to: URL(fileURLWithPath: path))
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "editor", path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("the editor (\(editor)) exited with status \(process.terminationStatus): nothing changed")
            return nil
        }
        let edited = try String(contentsOfFile: path, encoding: .utf8)
        if edited == block { print("no change made: accept it, or edit again") }
        return edited == block ? nil : edited
    }

    private func isRecorded(_ target: String, project: Project) throws -> Bool {
        try project.locate(target).ids.contains(target) || log.recordedEvent(target) != nil
    }

    /// git's `user.name`, else `$USER`, else "unknown".
    static func defaultReviewer() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "config", "user.name"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) != nil {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if process.terminationStatus == 0, !name.isEmpty { return name }
        }
        let user = ProcessInfo.processInfo.environment["USER"] ?? ""
        return user.isEmpty ? "unknown" : user
    }
}
