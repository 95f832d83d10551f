/// A lexicon phrase, compiled for matching against a sentence's tokens.
///
/// Written as words separated by spaces (hyphens and apostrophes count as spaces):
/// - a word matches the same word, ignoring case and accents;
/// - a word ending in `*` matches any word it begins (`accept*`: accepte, acceptent, accepted);
/// - `…` (or `...`) stands for up to three words (`a … accepté`: « a déjà accepté »);
/// - a phrase written in capitals only (`USA`, `U.S.`) matches capitals only, so that `US`
///   is not the pronoun « us »;
/// - other punctuation must be there (`U.S.` needs its inner dot).
public struct Phrase: Sendable, Hashable, CustomStringConvertible {
    enum Element: Sendable, Hashable {
        /// Lowercase, and folded.
        case word(String, String)
        case prefix(String, String)
        case exact(String)
        case punctuation(String)
        case gap

        /// A `.word` element: what `exactness` compares.
        var isWord: Bool {
            if case .word = self { true } else { false }
        }
    }

    let elements: [Element]
    /// As written in the lexicon.
    public let text: String
    /// For each element, the numbers of its lower and folded word in an extractor's
    /// vocabulary (a `.word`'s; -1 for the others), two by two; empty until numbered.
    private(set) var wordIDs: [Int32] = []

    /// `nil` when the text holds no word.
    public init?(_ text: String) {
        let letters = text.filter(\.isLetter)
        let caseSensitive = letters.count >= 2 && letters.allSatisfy(\.isUppercase)
        var elements: [Element] = []
        var rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("…") || rest.hasPrefix("...") {
                elements.append(.gap)
                rest = rest.dropFirst(rest.hasPrefix("…") ? 1 : 3)
                continue
            }
            if first.isLetter || first.isNumber {
                let word = rest.prefix { $0.isLetter || $0.isNumber }
                rest = rest.dropFirst(word.count)
                if rest.first == "*" {
                    rest = rest.dropFirst()
                    elements.append(.prefix(word.lowercased(), Tokenizer.fold(String(word))))
                } else if caseSensitive {
                    elements.append(.exact(String(word)))
                } else {
                    elements.append(.word(word.lowercased(), Tokenizer.fold(String(word))))
                }
                continue
            }
            rest = rest.dropFirst()
            if first.isWhitespace { continue }
            let mark = Tokenizer.foldPunctuation(String(first))
            if mark != "'" && mark != "-" && first != "*" { elements.append(.punctuation(mark)) }
        }
        while case .punctuation = elements.last { elements.removeLast() }
        while case .gap = elements.last { elements.removeLast() }
        guard elements.contains(where: { if case .punctuation = $0 { false } else if case .gap = $0 { false } else { true } })
        else { return nil }
        self.elements = elements
        self.text = text
    }

    /// As written in the lexicon.
    public var description: String { text }

    /// Phrases are equal when written alike; an extractor's numbering does not count.
    public static func == (a: Phrase, b: Phrase) -> Bool { a.elements == b.elements && a.text == b.text }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(elements)
        hasher.combine(text)
    }

    /// The number of words, a measure of how specific the phrase is.
    var wordCount: Int {
        elements.reduce(0) { count, element in
            switch element {
            case .word, .prefix, .exact: count + 1
            case .punctuation, .gap: count
            }
        }
    }

    /// The folded first word, for indexing; `nil` when the phrase starts with a prefix or
    /// exact-case word.
    var firstWord: String? {
        if case .word(_, let w) = elements.first { return w }
        return nil
    }

    /// The phrase with its words numbered in `vocabulary`, which gets the words it lacks.
    func numbered(_ vocabulary: inout [String: Int32]) -> Phrase {
        func id(_ word: String) -> Int32 {
            if let known = vocabulary[word] { return known }
            let next = Int32(vocabulary.count)
            vocabulary[word] = next
            return next
        }
        var copy = self
        copy.wordIDs = elements.flatMap { element -> [Int32] in
            if case .word(let lower, let folded) = element { return [id(lower), id(folded)] }
            return [-1, -1]
        }
        return copy
    }

    /// Whether token `t`, a word, is `.word` element `e`: its lower word is the element's, or,
    /// having no accents, its folded word is (`Token.matches`), by number when both are numbered.
    @inline(__always) private func word(_ tokens: [Token], _ t: Int, isElement e: Int, lower: String, folded: String) -> Bool {
        if !wordIDs.isEmpty, tokens[t].lowerID != Token.unnumbered {
            return tokens[t].lowerID == wordIDs[2 * e] || (!tokens[t].hasDiacritics && tokens[t].foldedID == wordIDs[2 * e + 1])
        }
        return tokens[t].matches(lower: lower, folded: folded)
    }

    /// How many of the matched words are written exactly as in the phrase, accents included.
    func exactness(_ tokens: [Token], _ range: Range<Int>) -> Int {
        // The n-th word of the match against the n-th `.word` element, as far as both go.
        var count = 0
        var e = elements.startIndex
        for i in range where tokens[i].isWord {
            while e < elements.endIndex, !elements[e].isWord { e += 1 }
            guard e < elements.endIndex, case .word(let lower, _) = elements[e] else { break }
            if !wordIDs.isEmpty, tokens[i].lowerID != Token.unnumbered {
                if tokens[i].lowerID == wordIDs[2 * e] { count += 1 }
            } else if tokens[i].lower == lower {
                count += 1
            }
            e += 1
        }
        return count
    }

    /// Whether the phrase's first element can be `token`, a word: `false` when it surely
    /// cannot, so that `match` at the token would fail; `true` when it can or it cannot be
    /// told from the token alone (a phrase starting with `…`).
    func mayStart(with token: Token) -> Bool {
        guard token.isWord, let first = elements.first else { return false }
        switch first {
        case .word(let lower, let folded): return token.matches(lower: lower, folded: folded)
        case .prefix(let lower, let folded): return token.begins(lower: lower, folded: folded)
        case .exact(let w): return token.text == w
        case .punctuation: return false
        case .gap: return true
        }
    }

    /// The end (exclusive) of the match starting at token `start`, or `nil`.
    func match(_ tokens: [Token], at start: Int) -> Int? {
        guard start < tokens.count, tokens[start].isWord else { return nil }
        return match(tokens, element: 0, at: start)
    }

    private func match(_ tokens: [Token], element: Int, at position: Int) -> Int? {
        var i = position
        var e = element
        while e < elements.count {
            // Joiners between words are not part of any phrase.
            while i < tokens.count, tokens[i].isJoiner { i += 1 }
            switch elements[e] {
            case .gap:
                // Up to three words, the fewest first.
                for skip in 0...3 {
                    var j = i
                    var skipped = 0
                    var blocked = false
                    while skipped < skip {
                        while j < tokens.count, tokens[j].isJoiner { j += 1 }
                        guard j < tokens.count, tokens[j].isWord else { blocked = true; break }
                        j += 1
                        skipped += 1
                    }
                    if blocked { break }
                    if let end = match(tokens, element: e + 1, at: j) { return end }
                }
                return nil
            case .word(let lower, let folded):
                guard i < tokens.count, tokens[i].isWord, word(tokens, i, isElement: e, lower: lower, folded: folded) else { return nil }
            case .prefix(let lower, let folded):
                guard i < tokens.count, tokens[i].isWord, tokens[i].begins(lower: lower, folded: folded) else { return nil }
            case .exact(let w):
                guard i < tokens.count, tokens[i].isWord, tokens[i].text == w else { return nil }
            case .punctuation(let mark):
                guard i < tokens.count, tokens[i].kind == .punctuation, tokens[i].folded == mark else { return nil }
            }
            i += 1
            e += 1
        }
        return i
    }
}

/// Where a match lies and how well it matched, and its place among the matches: what
/// ``PhraseIndex/longestMatches(in:)`` ranks them by.
struct MatchRank {
    var range: Range<Int>
    var exactness: Int
    var index: Int

    /// Longest first; of two as long, the more exact; then the leftmost.
    static func precedes(_ a: MatchRank, _ b: MatchRank) -> Bool {
        if a.range.count != b.range.count { return a.range.count > b.range.count }
        if a.exactness != b.exactness { return a.exactness > b.exactness }
        return a.range.lowerBound < b.range.lowerBound
    }
}

/// One phrase found in a sentence: tokens `range` of the sentence matched the phrase of
/// `payload`.
package struct PhraseMatch<Payload: Sendable>: Sendable {
    package var range: Range<Int>
    package var payload: Payload
}

/// Many phrases, indexed by their first word, found together in one pass over a sentence, each
/// with its payload.
///
/// The search is ``PhraseIndex``'s, which knows no payload: the same compiled code for every
/// set, fully optimised even where a set is used from another module (where a generic method
/// would run unspecialised). Only the matches it returns are made into `PhraseMatch`es here.
package struct PhraseSet<Payload: Sendable>: Sendable {
    private var index = PhraseIndex()
    private var payloads: [Payload] = []

    /// The set's bit in a token's `lists`, given by an extractor: at a token whose bit is
    /// clear, no phrase of the set starts, and it is not searched. `nil`: always searched.
    package var bit: Int? {
        get { index.bit }
        set { index.bit = newValue }
    }
    /// The bit of the phrases not indexed by a first word (a prefix or an exact-case word
    /// first), likewise: where it is clear, none of them is tried.
    package var othersBit: Int? {
        get { index.othersBit }
        set { index.othersBit = newValue }
    }

    /// Whether some phrase is not indexed by its first word.
    package var hasOthers: Bool { index.hasOthers }

    package init(_ entries: [(Phrase, Payload)] = []) {
        for (phrase, payload) in entries { add(phrase, payload) }
    }

    package mutating func add(_ phrase: Phrase, _ payload: Payload) {
        index.add(phrase)
        payloads.append(payload)
    }

    var isEmpty: Bool { payloads.isEmpty }

    /// The folded words a match can start with, or `nil` when some phrase can start with any
    /// word (it starts with a prefix or an exact-case word).
    package var firstWords: Set<String>? { index.firstWords }

    /// The set with its phrases' words numbered in `vocabulary` (see `Phrase.numbered`).
    package func numbered(_ vocabulary: inout [String: Int32]) -> PhraseSet {
        var copy = self
        copy.index = index.numbered(&vocabulary)
        return copy
    }

    /// Whether a phrase of the set may start at `token` (see ``PhraseIndex/mayStart(with:)``).
    package func mayStart(with token: Token) -> Bool { index.mayStart(with: token) }

    /// Whether a phrase not indexed by its first word may start at `token`.
    package func othersMayStart(with token: Token) -> Bool { index.othersMayStart(with: token) }

    /// Every match at every position, overlapping ones included.
    func allMatches(in tokens: [Token]) -> [PhraseMatch<Payload>] {
        index.allMatches(in: tokens).map(match)
    }

    /// The end of the longest match starting at `start`, if any.
    func longestEnd(in tokens: [Token], at start: Int) -> Int? { index.longestEnd(in: tokens, at: start) }

    /// The longest match starting at `start`, if any (of two as long, the first found).
    package func longestMatch(in tokens: [Token], at start: Int) -> PhraseMatch<Payload>? {
        index.longestMatch(in: tokens, at: start).map(match)
    }

    /// Matches that do not overlap, longest first, then leftmost (see
    /// ``PhraseIndex/longestMatches(in:)``).
    package func longestMatches(in tokens: [Token]) -> [PhraseMatch<Payload>] {
        index.longestMatches(in: tokens).map(match)
    }

    private func match(_ found: PhraseIndex.Found) -> PhraseMatch<Payload> {
        PhraseMatch(range: found.range, payload: payloads[found.place])
    }
}

/// The phrases of a ``PhraseSet`` by their first word, and the search for them in a sentence's
/// tokens: a match is found as the phrase's place in the order added, and the tokens it spans.
struct PhraseIndex: Sendable {
    /// One match: the phrase at `place` matched tokens `range`.
    struct Found {
        var place: Int
        var range: Range<Int>
    }

    private var phrases: [Phrase] = []
    /// The places of the phrases that start with each folded word, in the order added.
    private var byFirstWord: [String: [Int]] = [:]
    /// The places of the phrases not indexed by a first word (a prefix or an exact-case word
    /// first), in the order added.
    private var others: [Int] = []
    var bit: Int?
    var othersBit: Int?

    var hasOthers: Bool { !others.isEmpty }

    var firstWords: Set<String>? { others.isEmpty ? Set(byFirstWord.keys) : nil }

    mutating func add(_ phrase: Phrase) {
        let place = phrases.count
        phrases.append(phrase)
        if let first = phrase.firstWord {
            byFirstWord[first, default: []].append(place)
        } else {
            others.append(place)
        }
    }

    func numbered(_ vocabulary: inout [String: Int32]) -> PhraseIndex {
        var copy = self
        copy.phrases = phrases.map { $0.numbered(&vocabulary) }
        return copy
    }

    /// Whether a phrase may start at `token`: the phrases searched there are those of its
    /// folded word and the others, and no other can match (see `Phrase.mayStart`). What sets a
    /// token's bit for the set.
    func mayStart(with token: Token) -> Bool {
        guard token.isWord else { return false }
        return byFirstWord[token.folded] != nil || othersMayStart(with: token)
    }

    func othersMayStart(with token: Token) -> Bool {
        token.isWord && others.contains { phrases[$0].mayStart(with: token) }
    }

    /// Each match starting at `start`: the phrases of its first word in the order added, then
    /// the others in the order added.
    private func forEachMatch(in tokens: [Token], at start: Int, _ body: (Found) -> Void) {
        guard start < tokens.count, tokens[start].isWord else { return }
        if let bit, tokens[start].lists & (1 << UInt64(bit)) == 0 { return }
        if let indexed = byFirstWord[tokens[start].folded] {
            for place in indexed {
                if let end = phrases[place].match(tokens, at: start) { body(Found(place: place, range: start..<end)) }
            }
        }
        if let othersBit, tokens[start].lists & (1 << UInt64(othersBit)) == 0 { return }
        for place in others {
            if let end = phrases[place].match(tokens, at: start) { body(Found(place: place, range: start..<end)) }
        }
    }

    func allMatches(in tokens: [Token]) -> [Found] {
        var found: [Found] = []
        for start in tokens.indices where tokens[start].isWord {
            forEachMatch(in: tokens, at: start) { found.append($0) }
        }
        return found
    }

    func longestEnd(in tokens: [Token], at start: Int) -> Int? {
        var best: Int?
        forEachMatch(in: tokens, at: start) { found in
            if best.map({ found.range.upperBound > $0 }) ?? true { best = found.range.upperBound }
        }
        return best
    }

    func longestMatch(in tokens: [Token], at start: Int) -> Found? {
        var best: Found?
        forEachMatch(in: tokens, at: start) { found in
            if best.map({ found.range.count > $0.range.count }) ?? true { best = found }
        }
        return best
    }

    /// Matches that do not overlap, in sentence order: taken longest first; of two as long,
    /// the one that matched accents exactly (« rencontre » is the noun, not the participle
    /// « rencontré »); then the leftmost.
    func longestMatches(in tokens: [Token]) -> [Found] {
        let found = allMatches(in: tokens)
        // Most sentences hold none of a set's phrases, or one.
        if found.count <= 1 { return found }
        let ranked = found.indices.map { i in
            MatchRank(range: found[i].range, exactness: phrases[found[i].place].exactness(tokens, found[i].range), index: i)
        }.sorted(by: MatchRank.precedes)
        var taken = [Bool](repeating: false, count: tokens.count)
        var kept: [MatchRank] = []
        for rank in ranked where !rank.range.contains(where: { taken[$0] }) {
            for i in rank.range { taken[i] = true }
            kept.append(rank)
        }
        return kept.sorted { $0.range.lowerBound < $1.range.lowerBound }.map { found[$0.index] }
    }
}
