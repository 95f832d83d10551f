import Corpus
import Negotiation

/// A lexicon could not be used: every problem found, each naming its file, line and field.
///
/// Issues reuse ``Negotiation/CorpusIssue`` so that lexicon and corpus problems read alike:
/// `events/lexicons/cues.yaml:12: events[2].type: unknown event type 'proposl'; expected …`.
public struct LexiconError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem, by file, then line.
    public var issues: [CorpusIssue]

    /// An error from its issues.
    public init(_ issues: [CorpusIssue]) { self.issues = issues }

    /// One issue a line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
