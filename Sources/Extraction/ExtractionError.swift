/// Extraction could not run on an article.
public struct ExtractionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public var problem: String
    /// What would have worked.
    public var expected: String?

    /// An error saying what was wrong and what would have worked.
    public init(problem: String, expected: String? = nil) {
        self.problem = problem
        self.expected = expected
    }

    /// `problem; expected …`.
    public var description: String { problem + (expected.map { "; expected \($0)" } ?? "") }
}
