/// The words around a cue that change what it reports, for one language; from the
/// `modifiers` section of `lexicons/cues.yaml`, where each list is explained.
public struct CueModifiers: Sendable {
    public var negation = PhraseList()
    public var negationParticles = PhraseList()
    public var hypothetical = PhraseList()
    public var intention = PhraseList()
    public var reporting = PhraseList()
    public var accusation = PhraseList()
    public var visitor = PhraseList()
    public var mutual = PhraseList()
    public var clause = PhraseList()
    public var coordination = PhraseList()
    public var fillers = PhraseList()
    public var between = PhraseList()
    public var with = PhraseList()
    public var anaphora = PhraseList()
    public var singular = PhraseList()
    public var plural = PhraseList()
    public var future = PhraseList()
    public var places = PhraseList()
    public var enumeration = PhraseList()

    public init() {}

    static let fields = [
        "negation", "negation-particles", "hypothetical", "intention", "reporting", "accusation", "visitor", "mutual",
        "clause", "coordination", "fillers", "between", "with", "anaphora", "singular", "plural", "future", "places",
        "enumeration",
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
            case "enumeration": enumeration
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
            case "enumeration": enumeration = newValue
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

    public init(_ phrases: [Phrase] = []) {
        for p in phrases { append(p) }
    }

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
