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
    /// What a rejection may turn down that is no proposal (« a rejeté les accusations »): a
    /// denial, not a rejection.
    public var denied = PhraseList()

    /// No words at all.
    public init() {}

    /// Each list by its name in `cues.yaml`.
    package static let fields: [(name: String, path: any WritableKeyPath<CueModifiers, PhraseList> & Sendable)] = [
        ("negation", \.negation), ("negation-particles", \.negationParticles), ("hypothetical", \.hypothetical),
        ("intention", \.intention), ("reporting", \.reporting), ("accusation", \.accusation), ("visitor", \.visitor),
        ("mutual", \.mutual), ("clause", \.clause), ("coordination", \.coordination), ("fillers", \.fillers),
        ("between", \.between), ("with", \.with), ("anaphora", \.anaphora), ("singular", \.singular), ("plural", \.plural),
        ("future", \.future), ("places", \.places), ("near-places", \.nearPlaces), ("enumeration", \.enumeration),
        ("agent-prepositions", \.agentPrepositions), ("denied", \.denied),
    ]
}

/// A list of phrases, found in a sentence's tokens.
public struct PhraseList: Sendable {
    package var set = PhraseSet<Int>()
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
    package func matches(in tokens: [Token]) -> [Range<Int>] {
        set.longestMatches(in: tokens).map(\.range)
    }

    /// The end of the longest phrase starting at `start`.
    package func match(in tokens: [Token], at start: Int) -> Int? {
        self.set.longestEnd(in: tokens, at: start)
    }

    /// The folded words a phrase of the list can start with; `nil` when one can start with any.
    package var firstWords: Set<String>? { self.set.firstWords }

    /// Whether a phrase of the list begins at token `index`.
    package func startsAt(_ tokens: [Token], _ index: Int) -> Bool { match(in: tokens, at: index) != nil }
}
