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
    }

    let elements: [Element]
    /// As written in the lexicon.
    public let text: String

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

    /// How many of the matched words are written exactly as in the phrase, accents included.
    func exactness(_ tokens: [Token], _ range: Range<Int>) -> Int {
        let lowers = elements.compactMap { element -> String? in
            if case .word(let lower, _) = element { return lower }
            return nil
        }
        let words = range.filter { tokens[$0].isWord }.map { tokens[$0].lower }
        return zip(words, lowers).filter { $0 == $1 }.count
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
                guard i < tokens.count, tokens[i].isWord, tokens[i].matches(lower: lower, folded: folded) else { return nil }
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

/// One phrase found in a sentence: tokens `range` of the sentence matched `phrase`.
struct PhraseMatch<Payload: Sendable>: Sendable {
    var range: Range<Int>
    var phrase: Phrase
    var payload: Payload
}

/// Many phrases, indexed by their first word, found together in one pass over a sentence.
struct PhraseSet<Payload: Sendable>: Sendable {
    private var byFirstWord: [String: [(Phrase, Payload)]] = [:]
    private var others: [(Phrase, Payload)] = []
    /// The set's bit in a token's `lists`, given by an extractor: at a token whose bit is
    /// clear, no phrase of the set starts, and it is not searched. `nil`: always searched.
    var bit: Int?

    init(_ entries: [(Phrase, Payload)] = []) {
        for (phrase, payload) in entries { add(phrase, payload) }
    }

    mutating func add(_ phrase: Phrase, _ payload: Payload) {
        if let first = phrase.firstWord {
            byFirstWord[first, default: []].append((phrase, payload))
        } else {
            others.append((phrase, payload))
        }
    }

    var isEmpty: Bool { byFirstWord.isEmpty && others.isEmpty }

    /// The folded words a match can start with, or `nil` when some phrase can start with any
    /// word (it starts with a prefix or an exact-case word).
    var firstWords: Set<String>? {
        others.isEmpty ? Set(byFirstWord.keys) : nil
    }

    /// Every match at every position, overlapping ones included.
    func allMatches(in tokens: [Token]) -> [PhraseMatch<Payload>] {
        var found: [PhraseMatch<Payload>] = []
        for start in tokens.indices where tokens[start].isWord {
            forEachMatch(in: tokens, at: start) { found.append($0) }
        }
        return found
    }

    /// The matches starting at `start`.
    func matches(in tokens: [Token], at start: Int) -> [PhraseMatch<Payload>] {
        var found: [PhraseMatch<Payload>] = []
        forEachMatch(in: tokens, at: start) { found.append($0) }
        return found
    }

    /// Whether a phrase of the set may start at `token`: the phrases searched there are those
    /// of its folded word and the others, and no other can match (see `Phrase.mayStart`).
    /// What sets a token's bit for the set.
    func mayStart(with token: Token) -> Bool {
        guard token.isWord else { return false }
        return byFirstWord[token.folded] != nil || others.contains { $0.0.mayStart(with: token) }
    }

    /// Each match starting at `start`: the phrases of its first word in the order added, then
    /// the others in the order added.
    private func forEachMatch(in tokens: [Token], at start: Int, _ body: (PhraseMatch<Payload>) -> Void) {
        guard start < tokens.count, tokens[start].isWord else { return }
        if let bit, tokens[start].lists & (1 << UInt64(bit)) == 0 { return }
        if let indexed = byFirstWord[tokens[start].folded] {
            for (phrase, payload) in indexed {
                if let end = phrase.match(tokens, at: start) { body(PhraseMatch(range: start..<end, phrase: phrase, payload: payload)) }
            }
        }
        for (phrase, payload) in others {
            if let end = phrase.match(tokens, at: start) { body(PhraseMatch(range: start..<end, phrase: phrase, payload: payload)) }
        }
    }

    /// The longest match starting at `start`, if any (of two as long, the first found).
    func longestMatch(in tokens: [Token], at start: Int) -> PhraseMatch<Payload>? {
        var best: PhraseMatch<Payload>?
        forEachMatch(in: tokens, at: start) { m in
            if best.map({ m.range.count > $0.range.count }) ?? true { best = m }
        }
        return best
    }

    /// Matches that do not overlap, longest first, then leftmost.
    func longestMatches(in tokens: [Token]) -> [PhraseMatch<Payload>] {
        // Longest first; of two as long, the one that matched accents exactly (« rencontre »
        // is the noun, not the participle « rencontré »); then the leftmost.
        let all = allMatches(in: tokens).map { ($0, $0.phrase.exactness(tokens, $0.range)) }.sorted {
            if $0.0.range.count != $1.0.range.count { return $0.0.range.count > $1.0.range.count }
            if $0.1 != $1.1 { return $0.1 > $1.1 }
            return $0.0.range.lowerBound < $1.0.range.lowerBound
        }.map(\.0)
        var taken = [Bool](repeating: false, count: tokens.count)
        var kept: [PhraseMatch<Payload>] = []
        for m in all where !m.range.contains(where: { taken[$0] }) {
            for i in m.range { taken[i] = true }
            kept.append(m)
        }
        return kept.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}
