import Negotiation

/// An event proposed by extraction, for a person to review: the event in the curated file
/// format, with how sure extraction is and why it proposed it.
public struct Candidate: Sendable, Hashable {
    /// The event as it would be written in an event file (id, type, tracks, on, actor,
    /// counterparts, quote…).
    public var event: Event
    /// 0…1: the cue's own confidence, lowered by what made the reading uncertain.
    public var confidence: Double
    /// The article's words that fired the cue.
    public var cue: String
    /// The lexicon phrase that matched them.
    public var cuePhrase: String
    /// How the date was found.
    public var precision: DateKind
    /// The date words, when there were some.
    public var dateText: String?
    /// Why the confidence is lower, or what was inferred (« track from context », « hypothetical »).
    public var reasons: [String]
    /// The sentence the quote is, 0-based.
    public var sentence: Int

    /// A candidate with everything said about it.
    public init(event: Event, confidence: Double, cue: String, cuePhrase: String, precision: DateKind,
                dateText: String? = nil, reasons: [String] = [], sentence: Int) {
        self.event = event
        self.confidence = confidence
        self.cue = cue
        self.cuePhrase = cuePhrase
        self.precision = precision
        self.dateText = dateText
        self.reasons = reasons
        self.sentence = sentence
    }
}
