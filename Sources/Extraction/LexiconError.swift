import Negotiation

/// A lexicon could not be used: every problem found, each naming its file, line and field.
///
/// Issues reuse ``Negotiation/CorpusIssue`` so that lexicon and corpus problems read alike:
/// `events/lexicons/cues.yaml:12: events[2].type: unknown event type 'proposl'; expected …`.
public struct LexiconError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [CorpusIssue]

    public init(_ issues: [CorpusIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
