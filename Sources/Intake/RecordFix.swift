import Corpus
import Extraction
import FileIO
import Foundation
import Negotiation

/// A correction or retraction asked for on the command line (`parley correct`, `parley retract`).
public struct FixRequest: Sendable {
    public enum Kind: Sendable { case correction, retraction }
    public var kind: Kind
    /// The event fixed.
    public var target: String
    /// For a correction: the fields and their new values, as `field=value` was given.
    public var changes: [(field: String, value: String)] = []
    public var reason: String
    /// The article whose words justify the fix, and those words.
    public var article: String?
    public var quote: String?
    /// Who asks for it.
    public var by: String?

    public init(kind: Kind, target: String, reason: String) {
        self.kind = kind
        self.target = target
        self.reason = reason
    }
}

/// Where a target event is: in an event file of the corpus, or only in the log (then the
/// article it was recorded from, if any).
public enum TargetPlace: Sendable {
    case file(String)
    case log(article: String?)
}

extension Project {
    /// Where a fix of the reported event `id` goes: the event file that holds it, else, for an
    /// event only in the log (as `recorded` finds it there), its article's; with every id the
    /// corpus uses. `nil` when neither has `id` as a reported event.
    public func fixTarget(_ id: String, inLog recorded: (String) throws -> RecordedEvent?) rethrows -> (place: TargetPlace, ids: Set<String>)? {
        let (file, ids) = locate(id)
        if let file { return (.file(file), ids) }
        if let event = try recorded(id), event.event.type.isReport { return (.log(article: event.event.article), ids) }
        return nil
    }
}

/// Writes a correction or retraction into the event file that holds its target, after it (or,
/// for an event only in the log, into its article's event file, else `fixes.yaml`), checked by
/// the corpus's own checks before it stays: a wrong field or value is refused with its
/// option named, and the file left as it was.
public struct RecordFixer {
    public let project: Project

    public init(project: Project) {
        self.project = project
    }

    /// The fields a correction may set on the command line: lists of terms are edited in the file.
    public static let settable = ["tracks", "on", "actor", "counterparts", "proposal", "met", "dropped", "place", "planned", "quote",
                                  "format", "duration", "starts", "until", "days"]
    static let listFields: Set<String> = ["tracks", "counterparts", "met", "dropped"]

    /// Appends the fix, and returns its id and the file it went into.
    ///
    /// - Parameter place: where the target is (``Project/locate(_:)`` for the corpus; the caller
    ///   looks in the log).
    public func write(_ request: FixRequest, place: TargetPlace, ids: Set<String>) throws(IntakeError) -> (id: String, file: String) {
        if request.kind == .correction {
            guard !request.changes.isEmpty else { throw .bad("--set", "no field to change", expected: "--set field=value, one or more") }
            for (field, _) in request.changes where !Self.settable.contains(field) {
                throw .bad("--set", "'\(field)' is not a field a correction sets from the command line",
                           expected: "one of \(Self.settable.joined(separator: ", ")) (terms and conditions: edit the event file)")
            }
        }
        if request.reason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .bad("--reason", "empty", expected: "why the record is fixed, in a sentence")
        }
        let file: String
        switch place {
        case .file(let path): file = path
        case .log(let article):
            let own = article.map(project.eventFilePath)
            file = own.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil } ?? (project.events as NSString).appendingPathComponent("fixes.yaml")
        }
        let suffix = request.kind == .correction ? "corrected" : "retracted"
        var id = "\(request.target)-\(suffix)"
        var n = 2
        while ids.contains(id) {
            id = "\(request.target)-\(suffix)-\(n)"
            n += 1
        }

        let original: [UInt8]?
        do { original = FileManager.default.fileExists(atPath: file) ? try InputFile.read(file) : nil } catch { throw .file(error) }
        var text = original.map { String(decoding: $0, as: UTF8.self) } ?? "events:\n"
        if let empty = text.range(of: "events: []") { text.replaceSubrange(empty, with: "events:") }
        if !text.hasSuffix("\n") { text += "\n" }
        text += "\n" + block(request, id: id).joined(separator: "\n") + "\n"

        do { try OutputFile.write(Array(text.utf8), to: file) } catch { throw .file(error) }
        let problems = project.problems(in: file)
        guard problems.isEmpty else {
            // Put the file back as it was (or take away the one just made).
            if let original {
                try? OutputFile.write(original, to: file)
            } else {
                _ = unlink(file)
            }
            throw .badInput(problems.map(Self.asOption))
        }
        return (id, file)
    }

    func block(_ r: FixRequest, id: String) -> [String] {
        let q = EventFileWriter.quoted
        var lines = ["  - id: \(id)"]
        switch r.kind {
        case .correction:
            lines += ["    type: correction", "    corrects: \(r.target)"]
            if let article = r.article { lines.append("    article: \(article)") }
            lines.append("    set:")
            for (field, value) in r.changes {
                if Self.listFields.contains(field) {
                    let items = value.split(separator: ",").map { q($0.trimmingCharacters(in: .whitespaces)) }
                    lines.append("      \(field): [\(items.joined(separator: ", "))]")
                } else {
                    lines.append("      \(field): \(q(value))")
                }
            }
        case .retraction:
            lines += ["    type: retraction", "    retracts: \(r.target)"]
            if let article = r.article { lines.append("    article: \(article)") }
        }
        if let quote = r.quote { lines.append("    quote: \(q(quote))") }
        lines.append("    reason: \(q(r.reason))")
        if let by = r.by { lines.append("    note: \(q("fixed by \(by) with parley \(r.kind == .correction ? "correct" : "retract")"))") }
        return lines
    }

    /// A problem of the fix written, told as the option it came from.
    static func asOption(_ issue: CorpusIssue) -> CorpusIssue {
        guard let field = issue.field, let dot = field.range(of: "].") else { return issue }
        let key = String(field[dot.upperBound...])
        let option = key.hasPrefix("set.") ? "--set \(key.dropFirst(4))" : "--\(key)"
        return CorpusIssue(file: option, problem: issue.problem + " (in \(issue.file):\(issue.line.map(String.init) ?? "?"))", expected: issue.expected)
    }
}
