/// The words around a cue that change what it reports, for one language; from the
/// `modifiers` section of `lexicons/cues.yaml`, where each list is explained.
public struct CueModifiers: Sendable {
    /// Negation words: the cue is not this event.
    public var negation = PhraseList()
    /// « ne », « n' »: a negation when a negation word follows the cue.
    public var negationParticles = PhraseList()
    /// A possibility, not a fact.
    public var hypothetical = PhraseList()
    /// A wish or a plan.
    public var intention = PhraseList()
    /// Speech verbs, whose dates bound what they report.
    public var reporting = PhraseList()
    /// Accusation verbs: a violation's actor is who accuses.
    public var accusation = PhraseList()
    /// Words before the visiting side of a meeting.
    public var visitor = PhraseList()
    /// « mutuellement »: an event each way.
    public var mutual = PhraseList()
    /// Words that open a clause.
    public var clause = PhraseList()
    /// « et », "and".
    public var coordination = PhraseList()
    /// Words that may stand between coordinated parties.
    public var fillers = PhraseList()
    /// « entre »: a meeting's parties follow.
    public var between = PhraseList()
    /// « avec »: the party that meets the subject follows.
    public var with = PhraseList()
    /// « cette »: a meeting already told.
    public var anaphora = PhraseList()
    /// Singular subject pronouns.
    public var singular = PhraseList()
    /// Plural subject pronouns.
    public var plural = PhraseList()
    /// Words before a meeting's noun that make it a plan.
    public var future = PhraseList()
    /// Words before a place name.
    public var places = PhraseList()
    /// Words before a place name right after a meeting's noun only (« négociations de Djeddah »).
    public var nearPlaces = PhraseList()
    /// Where a list of conditions is cut.
    public var enumeration = PhraseList()
    /// Words between a noun and its author.
    public var agentPrepositions = PhraseList()

    /// No words at all.
    public init() {}

    static let fields = [
        "negation", "negation-particles", "hypothetical", "intention", "reporting", "accusation", "visitor", "mutual",
        "clause", "coordination", "fillers", "between", "with", "anaphora", "singular", "plural", "future", "places",
        "near-places", "enumeration", "agent-prepositions",
    ]

    subscript(field: String) -> PhraseList {
        get {
            switch field {
            case "negation": negation
            case "negation-particles": negationParticles
            case "hypothetical": hypothetical
            case "intention": intention
            case "reporting": reporting
            case "accusation": accusation
            case "visitor": visitor
            case "mutual": mutual
            case "clause": clause
            case "coordination": coordination
            case "fillers": fillers
            case "between": between
            case "with": with
            case "anaphora": anaphora
            case "singular": singular
            case "plural": plural
            case "places": places
            case "near-places": nearPlaces
            case "enumeration": enumeration
            case "agent-prepositions": agentPrepositions
            default: future
            }
        }
        set {
            switch field {
            case "negation": negation = newValue
            case "negation-particles": negationParticles = newValue
            case "hypothetical": hypothetical = newValue
            case "intention": intention = newValue
            case "reporting": reporting = newValue
            case "accusation": accusation = newValue
            case "visitor": visitor = newValue
            case "mutual": mutual = newValue
            case "clause": clause = newValue
            case "coordination": coordination = newValue
            case "fillers": fillers = newValue
            case "between": between = newValue
            case "with": with = newValue
            case "anaphora": anaphora = newValue
            case "singular": singular = newValue
            case "plural": plural = newValue
            case "places": places = newValue
            case "near-places": nearPlaces = newValue
            case "enumeration": enumeration = newValue
            case "agent-prepositions": agentPrepositions = newValue
            default: future = newValue
            }
        }
    }
}

/// A list of phrases, found in a sentence's tokens.
public struct PhraseList: Sendable {
    var set = PhraseSet<Int>()
    /// The phrases, as written.
    public private(set) var phrases: [Phrase] = []

    /// A list of these phrases.
    public init(_ phrases: [Phrase] = []) {
        for p in phrases { append(p) }
    }

    /// Adds a phrase.
    public mutating func append(_ phrase: Phrase) {
        set.add(phrase, phrases.count)
        phrases.append(phrase)
    }

    /// The token ranges where a phrase of the list starts, longest match at each place.
    func matches(in tokens: [Token]) -> [Range<Int>] {
        set.longestMatches(in: tokens).map(\.range)
    }

    /// The end of the longest phrase starting at `start`.
    func match(in tokens: [Token], at start: Int) -> Int? {
        set.longestMatch(in: tokens, at: start)?.range.upperBound
    }

    /// Whether the token at `index` begins a phrase of the list that ends by `limit`.
    func startsAt(_ tokens: [Token], _ index: Int) -> Bool { match(in: tokens, at: index) != nil }
}
