import Negotiation

/// A candidate being built: everything a ``Candidate`` will hold, before ids are given and
/// duplicates merged.
struct Draft: Sendable {
    var type: EventType
    var actor: String
    var counterparts: [String]
    var tracks: [String]
    var time: ValidTime
    var kind: DateKind
    var dateText: String?
    /// When a plan's own date was named (« dès la semaine prochaine »).
    var plannedFor: ValidTime?
    var planned = false
    /// Reported as a possibility (« pourrait accepter », "would agree").
    var hypothetical = false
    /// Condition texts, in the article's words.
    var conditions: [String] = []
    var place: String?
    var confidence: Double
    var cueText: String
    var cuePhrase: String
    var cueRange: Range<Int>
    var reasons: [String] = []
    var sentence: Int
    /// Sentences that reported the same event and were merged into this one.
    var alsoIn: [Int] = []
    /// Its track is a ceasefire's with no qualifier (« la trêve »): the article's main track
    /// may say which.
    var bareCeasefire = false

    /// How precise the date is, higher is better: a merged event keeps the most precise.
    var precisionRank: Int {
        switch kind {
        case .day: 5
        case .range: 4
        case .month: 3
        case .year: 2
        case .onOrBefore: 1
        case .undated: 0
        }
    }
}
