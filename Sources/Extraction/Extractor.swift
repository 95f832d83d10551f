import Foundation
import Lexicons
import Negotiation

/// Proposes candidate events for an article: the first pass a person then reviews.
///
/// The article is cut into sentences; in each, cues from the lexicon propose events, whose
/// actor comes from the parties named around the cue, whose tracks from the track phrases,
/// whose date from the date words resolved against the publication date, and whose
/// confidence drops with negation, hypotheticals, plans and guesses. The same event told in
/// several sentences is proposed once. Every rule's words are in `events/lexicons/`.
///
/// A value type: build it once and extract many articles, from any thread.
public struct Extractor: Sendable {
    /// The words it reads with.
    public let lexicon: Lexicon
    /// Thresholds and windows.
    public var options: ExtractionOptions
    private let splitter: SentenceSplitter
    private let partyPhrases: PhraseSet<String>
    private let cuePhrases: [String: PhraseSet<Int>]
    private let resolvers: [String: DateResolver]
    /// `lexicon`, its phrase lists numbered (`PhraseSet.bit`): what sentences are read with.
    private let numbered: Lexicon
    /// By language, the lists read in that language's articles, to work out each word's bits.
    private let lists: [String: ListBits]
    /// The words of those lists, numbered (see `Token.lowerID`).
    private let vocabulary: [String: Int32]

    /// What drafts name as their extractor: the rules' version (the lexicon is the user's).
    public static let version = "parley-extract 2026-12-07"

    /// Compiles the lexicon's phrases once, for many articles.
    public init(lexicon: Lexicon, options: ExtractionOptions = ExtractionOptions()) {
        self.lexicon = lexicon
        self.options = options
        splitter = SentenceSplitter(abbreviations: lexicon.abbreviations)
        var parties = PhraseSet<String>()
        for (code, aliases) in lexicon.aliases.sorted(by: { $0.key < $1.key }) {
            for alias in unique(aliases) {
                if let phrase = Phrase(alias) { parties.add(phrase, code) }
            }
        }
        for (_, nouns) in lexicon.groupNouns.sorted(by: { $0.key < $1.key }) {
            for noun in unique(nouns) {
                if let phrase = Phrase(noun) { parties.add(phrase, SentenceAnalysis.groupCode) }
            }
        }
        var cues: [String: PhraseSet<Int>] = [:]
        for (i, cue) in lexicon.cues.enumerated() { cues[cue.language, default: PhraseSet()].add(cue.phrase, i) }

        // Every list read in one language gets a bit of a token's `lists` (the parties' and the
        // cues' first, then the tracks', the modifiers' and the date words'), at most 64.
        // The words of these lists are numbered too (`Phrase.numbered`), in one vocabulary.
        var numbered = lexicon
        var lists: [String: ListBits] = [:]
        var resolvers: [String: DateResolver] = [:]
        var vocabulary: [String: Int32] = [:]
        parties = parties.numbered(&vocabulary)
        parties.bit = 0
        // The sets with phrases not indexed by a first word get a second bit for those, after
        // the others' bits while there are any (the parties' first, shared by every language).
        let firstOthersBit = 4 + CueModifiers.fields.count + DateLexicon.listFields.count + DateLexicon.offsetFields.count + 3
        if parties.hasOthers, firstOthersBit < 64 { parties.othersBit = firstOthersBit }
        for language in lexicon.languages {
            var bits = ListBits()
            bits.add(0, parties)
            var nextOthers = firstOthersBit + 1
            func numberOthers<Payload>(_ set: inout PhraseSet<Payload>) {
                guard set.hasOthers, nextOthers < 64 else { return }
                set.othersBit = nextOthers
                let copy = set
                bits.add(nextOthers) { copy.othersMayStart(with: $0) }
                nextOthers += 1
            }
            if parties.othersBit != nil {
                let copy = parties
                bits.add(firstOthersBit) { copy.othersMayStart(with: $0) }
            }
            /// Numbers a set's words, gives it `bit` (and its others' bit) and notes the words
            /// that may start one of its phrases.
            func number<Payload>(_ set: inout PhraseSet<Payload>, bit: Int) {
                set = set.numbered(&vocabulary)
                set.bit = bit
                numberOthers(&set)
                bits.add(bit, set)
            }
            if var set = cues[language] {
                number(&set, bit: 1)
                cues[language] = set
            }
            if var set = numbered.tracks.specific[language] {
                number(&set, bit: 2)
                numbered.tracks.specific[language] = set
            }
            if var list = numbered.tracks.general[language] {
                number(&list.set, bit: 3)
                numbered.tracks.general[language] = list
            }
            var next = 4
            if var modifiers = numbered.modifiers[language] {
                for field in CueModifiers.fields where next < 64 {
                    number(&modifiers[keyPath: field.path].set, bit: next)
                    next += 1
                }
                numbered.modifiers[language] = modifiers
            }
            if var dates = numbered.dates[language] {
                for field in DateLexicon.listFields where next < 64 {
                    number(&dates[keyPath: field.path].set, bit: next)
                    next += 1
                }
                for field in DateLexicon.offsetFields where next < 64 {
                    number(&dates[keyPath: field.path], bit: next)
                    next += 1
                }
                numbered.dates[language] = dates
                // And the date resolver's word tables, if bits are left.
                if next + 3 <= 64 {
                    let (months, weekdays, numbers) = (dates.months, dates.weekdays, dates.numbers)
                    bits.add(next) { months[$0.folded] != nil }
                    bits.add(next + 1) { weekdays[$0.folded] != nil }
                    bits.add(next + 2) { numbers[$0.folded] != nil }
                    var resolver = DateResolver(lexicon: dates)
                    resolver.wordBits = (1 << UInt64(next), 1 << UInt64(next + 1), 1 << UInt64(next + 2))
                    resolvers[language] = resolver
                    next += 3
                }
            }
            lists[language] = bits
        }
        partyPhrases = parties
        cuePhrases = cues
        self.numbered = numbered
        self.lists = lists
        self.vocabulary = vocabulary
        // Languages with date words and no cues are not read, but their resolvers are kept.
        for (language, dates) in numbered.dates where resolvers[language] == nil { resolvers[language] = DateResolver(lexicon: dates) }
        self.resolvers = resolvers
    }

    /// The sentences of a text, as extraction cuts them.
    public func sentences(_ text: String) -> [Sentence] {
        splitter.sentences(text)
    }

    /// The language whose frequent words (`sentences.yaml`) are most frequent in the text,
    /// among those the lexicon can read; the first such language when none is found.
    public func detectLanguage(_ text: String) -> String? {
        let languages = lexicon.languages
        let words = Tokenizer.tokens(String(text.prefix(20_000))).filter(\.isWord).map(\.folded)
        let scores = languages.map { language in
            (language, words.reduce(0) { $0 + ((lexicon.languageWords[language]?.contains($1) ?? false) ? 1 : 0) })
        }
        return scores.max { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 > $1.0) }?.0
    }

    /// Candidate events for an article.
    ///
    /// - Parameters:
    ///   - text: the article's text, exactly as it will be ingested (quotes are taken from it).
    ///   - article: its id, the file stem.
    ///   - published: its publication date, against which « hier » or "last week" are resolved.
    ///   - language: an ISO 639-1 code; detected from the text when `nil`.
    /// - Throws: ``ExtractionError`` when the lexicon has no cues or date words for the language.
    public func extract(text: String, article: String, published: Day, language: String? = nil) throws(ExtractionError) -> ExtractionResult {
        let supported = lexicon.languages
        guard let language = language ?? detectLanguage(text) else {
            throw ExtractionError(problem: "the lexicon has no language with both cues and date words", expected: "cues.yaml and a dates-<language>.yaml")
        }
        guard supported.contains(language) else {
            throw ExtractionError(problem: "no cues or date words for the language '\(language)'",
                                  expected: "one of \(supported.joined(separator: ", ")), or lexicons for it under events/lexicons/")
        }
        let context = AnalysisContext(language: language, lexicon: numbered, partyPhrases: partyPhrases, cuePhrases: cuePhrases[language],
                                      dates: resolvers[language], published: published)
        let lists = lists[language]
        // Each word's bits and numbers, worked out once for each different word of the article.
        var known: [String: (bits: UInt64, lower: Int32, folded: Int32)] = [:]
        var drafts: [Draft] = []
        // The last track each sentence names, for the sentences after it; and each sentence's
        // text, for the quotes. A sentence's tokens are let go once it is read.
        var lastTracks: [String?] = []
        var quotes: [String] = []
        // The parties named so far, the most recent first, for group nouns; how often each
        // track is named by its own words, for the ceasefires named with none.
        var recentParties: [String] = []
        var trackCounts: [String: Int] = [:]
        splitter.forEachSentence(text) { sentence in
            var sentence = sentence
            if let lists {
                for t in sentence.tokens.indices where sentence.tokens[t].isWord {
                    let word: (bits: UInt64, lower: Int32, folded: Int32)
                    if let seen = known[sentence.tokens[t].text] {
                        word = seen
                    } else {
                        let token = sentence.tokens[t]
                        word = (lists.bits(token), vocabulary[token.lower] ?? Token.notInVocabulary, vocabulary[token.folded] ?? Token.notInVocabulary)
                        known[token.text] = word
                    }
                    sentence.tokens[t].lists = word.bits
                    sentence.tokens[t].lowerID = word.lower
                    sentence.tokens[t].foldedID = word.folded
                }
            }
            let analysis = SentenceAnalysis(sentence: sentence, context: context, recentParties: recentParties)
            if !analysis.named.isEmpty { recentParties = Array(unique(analysis.named.reversed() + recentParties).prefix(4)) }
            drafts += analysis.drafts(published: published, options: options, contextTracks: contextTracks(before: sentence.index, lastTracks))
            lastTracks.append(analysis.tracks.last?.track)
            for mention in analysis.tracks where !mention.general { trackCounts[mention.track, default: 0] += 1 }
            quotes.append(sentence.text)
        }
        if let main = Self.mainTrack(trackCounts) {
            for i in drafts.indices where drafts[i].bareCeasefire && drafts[i].tracks != [main] {
                drafts[i].tracks = [main]
                drafts[i].reasons.append("track: the article's main track, for a ceasefire named with no qualifier")
            }
        }
        drafts = DraftMerger.attachConditions(drafts)
        drafts = DraftMerger.mergeWithinSentences(drafts)
        drafts = DraftMerger.mergeAcrossSentences(drafts)
        drafts = drafts.filter { $0.confidence >= options.minimumConfidence }
        drafts.sort { ($0.sentence, $0.cueRange.lowerBound) < ($1.sentence, $1.cueRange.lowerBound) }

        let stem = Self.slug(article)
        let width = drafts.count >= 100 ? 3 : 2
        let candidates = drafts.enumerated().map { n, d in
            candidate(d, id: "\(stem)-\(Self.pad(n + 1, width))-\(d.type.rawValue)-\(d.actor.lowercased())",
                      article: article, quote: quotes[d.sentence], language: language)
        }
        return ExtractionResult(article: article, published: published, language: language, sentenceCount: quotes.count,
                                candidates: candidates)
    }

    /// The track an article names most by its own words, when one is named more than any other
    /// and at least twice: what a ceasefire with no qualifier most likely means in it.
    static func mainTrack(_ counts: [String: Int]) -> String? {
        let ranked = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        guard let first = ranked.first, first.value >= 2, ranked.count == 1 || ranked[1].value < first.value else { return nil }
        return first.key
    }

    /// The track named nearest before sentence `i`, within the context window, given the last
    /// track each sentence before it names.
    private func contextTracks(before i: Int, _ lastTracks: [String?]) -> [String] {
        guard options.contextSentences > 0 else { return [] }
        for j in stride(from: i - 1, through: max(0, i - options.contextSentences), by: -1) {
            if let last = lastTracks[j] { return [last] }
        }
        return []
    }

    private func candidate(_ d: Draft, id: String, article: String, quote: String, language: String) -> Candidate {
        var event = Event(id: id, type: d.type)
        event.tracks = d.tracks
        event.on = d.time
        event.actor = d.actor
        event.counterparts = d.counterparts
        event.article = article
        event.quote = quote
        event.place = d.type == .meeting ? d.place : nil
        event.planned = d.type == .meeting && d.planned
        if d.type == .proposal, let track = d.tracks.first { event.proposal = "\(track)/\(d.actor.lowercased())" }
        event.conditions = d.conditions.map { Term(label: Self.label($0), words: Self.termLanguages.contains(language) ? [language: $0] : [:]) }
        var note: [String] = []
        if let text = d.dateText {
            note.append("date: « \(text) » → \(d.time) (\(d.kind.rawValue))")
        } else {
            note.append("date: none in the sentence → \(d.time) (\(d.kind.rawValue))")
        }
        if let plannedFor = d.plannedFor { note.append("planned for \(plannedFor)") }
        note += d.reasons
        if !d.alsoIn.isEmpty { note.append("also told in sentence\(d.alsoIn.count > 1 ? "s" : "") \(d.alsoIn.map { String($0 + 1) }.joined(separator: ", "))") }
        event.note = note.joined(separator: "; ")
        return Candidate(event: event, confidence: (d.confidence * 100).rounded() / 100, cue: d.cueText, cuePhrase: d.cuePhrase,
                         precision: d.kind, dateText: d.dateText, reasons: d.reasons, sentence: d.sentence)
    }

    /// The languages an event file's terms may carry words in (the event reader's fields).
    static let termLanguages: Set<String> = ["fr", "en", "de", "es", "it", "ru", "uk"]

    /// A condition's label: its words, cut at a word boundary; a reviewer writes the English.
    private static func label(_ words: String) -> String {
        guard words.count > 80 else { return words }
        let cut = words.prefix(80)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }

    /// An article id as the start of an event id: lowercase letters, digits, `-`, `.`, `_`.
    static func slug(_ article: String) -> String {
        let mapped = article.lowercased().map { c -> Character in
            (c.isASCII && (c.isLetter || c.isNumber)) || c == "-" || c == "." || c == "_" ? c : "-"
        }
        let text = String(mapped).trimmingCharacters(in: CharacterSet(charactersIn: "-._"))
        return text.isEmpty ? "article" : String(text.prefix(80))
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// The phrase lists an extractor reads in one language, by their bit in a token's `lists`.
struct ListBits: Sendable {
    private var tests: [(bit: Int, mayStart: @Sendable (Token) -> Bool)] = []

    mutating func add<Payload>(_ bit: Int, _ set: PhraseSet<Payload>) {
        tests.append((bit, { set.mayStart(with: $0) }))
    }

    mutating func add(_ bit: Int, _ test: @escaping @Sendable (Token) -> Bool) {
        tests.append((bit, test))
    }

    /// The bits of the lists a phrase of which may start at `token`.
    func bits(_ token: Token) -> UInt64 {
        var bits: UInt64 = 0
        for test in tests where test.mayStart(token) { bits |= 1 << UInt64(test.bit) }
        return bits
    }
}
