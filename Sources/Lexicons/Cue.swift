import Negotiation

/// A phrase that reports an event of a type, from `lexicons/cues.yaml`.
public struct Cue: Sendable, Hashable {
    /// Who the event's actor is, relative to the phrase.
    public enum Agent: String, Sendable, Hashable, CaseIterable {
        /// The party named before the phrase, in its clause (« Kiev a accepté »).
        case subject
        /// The party named just after it (« proposé par Washington »).
        case after
        /// The party right next to a noun (« proposition américaine »); none, no event.
        case qualifier
        /// The party right next to a noun (« exigences russes »), else the subject
        /// (« Moscou émettant de nouvelles exigences »).
        case noun
    }

    /// The event the phrase reports.
    public var type: EventType
    /// The language code of the phrase.
    public var language: String
    /// The words that fire it.
    public var phrase: Phrase
    /// How often the phrase really reports that event, 0…1.
    public var confidence: Double
    /// Where the actor is named.
    public var agent: Agent
    /// A party must follow within five words.
    public var needsObject: Bool
    /// A place must follow.
    public var needsPlace: Bool
    /// What follows is the condition(s) set.
    public var introducesConditions: Bool
    /// Folded words that, when matched, mean the phrase is not this cue.
    public var exceptions: Set<String>

    /// A cue; the defaults are those of a plain verb phrase.
    public init(type: EventType, language: String, phrase: Phrase, confidence: Double = 0.7, agent: Agent = .subject,
                needsObject: Bool = false, needsPlace: Bool = false, introducesConditions: Bool = false,
                exceptions: Set<String> = []) {
        self.type = type
        self.language = language
        self.phrase = phrase
        self.confidence = confidence
        self.agent = agent
        self.needsObject = needsObject
        self.needsPlace = needsPlace
        self.introducesConditions = introducesConditions
        self.exceptions = exceptions
    }
}
