/// The phrases that name each negotiation track, from `lexicons/tracks.yaml`.
public struct TrackLexicon: Sendable {
    /// Phrases by language, each naming a track id.
    package var specific: [String: PhraseSet<String>] = [:]
    /// Phrases for a ceasefire with no qualifier, by language.
    package var general: [String: PhraseList] = [:]
    /// The track a general phrase names.
    public var generalTrack: String?

    /// No phrases yet.
    public init() {}

    mutating func add(_ phrase: Phrase, track: String, language: String) {
        specific[language, default: PhraseSet()].add(phrase, track)
    }

    mutating func addGeneral(_ phrase: Phrase, language: String) {
        general[language, default: PhraseList()].append(phrase)
    }

    /// The tracks named in a sentence, with where; general phrases (`general`: a ceasefire
    /// with no qualifier) only when no specific one is there.
    package func mentions(in tokens: [Token], language: String) -> [(track: String, range: Range<Int>, general: Bool)] {
        let found = (specific[language]?.longestMatches(in: tokens) ?? []).map { (track: $0.payload, range: $0.range, general: false) }
        if !found.isEmpty { return found }
        guard let generalTrack, let list = general[language] else { return [] }
        return list.matches(in: tokens).map { (track: generalTrack, range: $0, general: true) }
    }
}
