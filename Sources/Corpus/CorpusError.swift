import Negotiation
/// One problem in a corpus file: where it is, what is wrong, and what was expected.
public struct CorpusIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as the user named it.
    public var file: String
    /// 1-based; `nil` when the problem is the whole file.
    public var line: Int?
    /// The field's path, e.g. `events[3].type`; `nil` for the whole file.
    public var field: String?
    /// What is wrong, quoting the bad value.
    public var problem: String
    /// What would have been accepted.
    public var expected: String?

    public init(file: String, line: Int? = nil, field: String? = nil, problem: String, expected: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        self.expected = expected
    }

    /// `events/x.yaml:12: events[2].type: unknown event type 'proposl'; expected one of …`
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "\(field): " }
        text += problem
        if let expected { text += "; expected \(expected)" }
        return text
    }
}

/// A corpus was refused: every problem found, in file order. Nothing was appended.
public struct CorpusError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [CorpusIssue]

    public init(_ issues: [CorpusIssue]) { self.issues = issues }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
