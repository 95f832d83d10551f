import Corpus
import Negotiation

/// A question the record should answer, with the answer it supports and the articles that
/// answer rests on: a corpus's claims about itself, which `parley check` puts to the log. The
/// file's form is in docs/corpus.md ("Questions the corpus answers").
public struct Question: Sendable {
    /// One expected value: a path into the state's JSON (`status`, `positions.RU`,
    /// `inEffect.since`, `claims.0.party`, `openConditions.count`) and the value as text
    /// (`null` for none).
    public struct Expectation: Sendable, Hashable {
        public var path: String
        public var value: String
        public var line: Int?
    }

    public var id: String
    public var ask: String
    public var track: String
    public var asOf: Day
    public var knownOn: Day?
    public var expectations: [Expectation]
    /// Article ids the answer rests on.
    public var sources: [String]
    public var location: SourceLocation
}

/// Reads a table of ``Question``s.
public enum QuestionTable {
    static let tableFields: FieldNames = ["questions"]
    static let questionFields: FieldNames = ["id", "ask", "track", "as-of", "known-on", "expect", "sources"]

    /// The questions of the YAML file at `path`, every field checked.
    ///
    /// - Throws: ``CorpusError`` with every problem, each naming file, line and field.
    public static func load(path: String) throws(CorpusError) -> [Question] {
        let diagnostics = Diagnostics()
        var questions: [Question] = []
        if let root = YAMLNode.read(atPath: path, into: diagnostics),
           let table = Fields(root, file: path, path: "", allowed: tableFields, diagnostics: diagnostics) {
            if case .sequence(let items, _)? = table.node("questions") {
                var ids = Set<String>()
                for (i, item) in items.enumerated() {
                    guard let q = question(item, path: "questions[\(i)]", file: path, diagnostics) else { continue }
                    if !ids.insert(q.id).inserted {
                        diagnostics.add(file: path, line: q.location.line, field: "questions[\(i)].id",
                                        problem: "\(quoted(q.id)) is asked twice", expected: "each question id once")
                    }
                    questions.append(q)
                }
            } else {
                diagnostics.add(file: path, line: table.line("questions"), field: "questions",
                                problem: table.has("questions") ? "not a list" : "missing", expected: "a list of questions")
            }
        }
        let issues = diagnostics.drain()
        guard issues.isEmpty else { throw CorpusError(issues) }
        return questions
    }

    private static func question(_ node: YAMLNode, path: String, file: String, _ diagnostics: Diagnostics) -> Question? {
        guard let f = Fields(node, file: file, path: path, allowed: questionFields, diagnostics: diagnostics) else { return nil }
        let id = f.string("id", required: true, expected: "a name for the question")
        let ask = f.string("ask", required: true, expected: "the question, in words")
        let track = f.string("track", required: true, expected: "a track id")
        let asOf = f.day("as-of", required: true, expected: "a day such as 2025-03-20")
        let knownOn = f.day("known-on", expected: "a day such as 2025-03-20")
        var expectations: [Question.Expectation] = []
        switch f.node("expect") {
        case .mapping(let entries, _)?:
            for (key, value) in entries {
                guard case .scalar(let name, let line) = key, case .scalar(let text, _) = value, !name.isEmpty else {
                    diagnostics.add(file: file, line: value.line, field: f.fieldPath("expect"), problem: "found \(describe(value))",
                                    expected: "a field path and its value as text, such as status: in-effect")
                    continue
                }
                expectations.append(.init(path: name, value: text, line: line))
            }
        case nil: break
        case let other?:
            diagnostics.add(file: file, line: other.line, field: f.fieldPath("expect"), problem: "found \(describe(other))",
                            expected: "a mapping of field paths to values")
        }
        let sources = f.strings("sources", expected: "a list of article ids") ?? []
        if expectations.isEmpty && sources.isEmpty {
            diagnostics.add(file: file, line: f.line, field: path, problem: "the question expects nothing",
                            expected: "an expect mapping or a sources list")
        }
        guard let id, let ask, let track, let asOf else { return nil }
        return Question(id: id, ask: ask, track: track, asOf: asOf, knownOn: knownOn, expectations: expectations,
                        sources: sources, location: SourceLocation(file: file, line: f.line, path: path))
    }
}
