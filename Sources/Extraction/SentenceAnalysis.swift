import Negotiation

/// A party named in a sentence: its code and the tokens that name it.
struct PartyMention: Sendable {
    var code: String
    var range: Range<Int>
}

/// A cue found in a sentence whose requirements hold (an object, a place…).
struct CueHit: Sendable {
    var cue: Cue
    var range: Range<Int>
    /// The place that follows a meeting cue, if any.
    var place: String?
}

/// A track named in a sentence.
struct TrackMention: Sendable {
    var track: String
    var range: Range<Int>
}

/// What one sentence says, token by token: the parties, tracks, dates and cues it names, and
/// how it divides into clauses (cut at « que », "that", quotes, semicolons) and segments
/// (clauses cut again at commas), which is where extraction looks for an event's actor.
struct SentenceAnalysis: Sendable {
    let sentence: Sentence
    let tokens: [Token]
    let modifiers: CueModifiers
    let parties: [PartyMention]
    /// Groups of coordinated parties (« Kiev et Moscou »), as indices into `parties`.
    let groups: [[Int]]
    /// For each party mention, its group.
    let groupOf: [Int]
    let tracks: [TrackMention]
    let dates: [DateMention]
    let cues: [CueHit]
    let clause: [Int]
    let segment: [Int]
    /// Speech verbs: « a déclaré », "said".
    let reporting: [Range<Int>]

    init(sentence: Sentence, language: String, lexicon: Lexicon, partyPhrases: PhraseSet<String>, cuePhrases: PhraseSet<Int>?,
         dates resolver: DateResolver?, published: Day) {
        self.sentence = sentence
        tokens = sentence.tokens
        let modifiers = lexicon.modifiers[language] ?? CueModifiers()
        self.modifiers = modifiers

        var clause = [Int](repeating: 0, count: tokens.count)
        var segment = [Int](repeating: 0, count: tokens.count)
        let clauseStarts = Set(modifiers.clause.matches(in: tokens).map(\.lowerBound))
        var c = 0, s = 0
        for i in tokens.indices {
            if clauseStarts.contains(i) { c += 1; s += 1 }
            if tokens[i].kind == .punctuation {
                switch tokens[i].text {
                case ";", ":", "«", "»", "\"", "“", "”", "—", "–", "|": c += 1; s += 1
                case ",": s += 1
                default: break
                }
            }
            clause[i] = c
            segment[i] = s
        }
        self.clause = clause
        self.segment = segment

        let tokens = sentence.tokens
        let parties = Self.merged(partyPhrases.longestMatches(in: tokens).map { PartyMention(code: $0.payload, range: $0.range) },
                                  tokens: tokens, modifiers: modifiers)
        self.parties = parties
        let (groups, groupOf) = Self.coordinate(parties, tokens: tokens, modifiers: modifiers)
        self.groups = groups
        self.groupOf = groupOf
        tracks = lexicon.tracks.mentions(in: tokens, language: language).map { TrackMention(track: $0.track, range: $0.range) }
        dates = resolver?.mentions(in: tokens, text: sentence.text, published: published) ?? []
        reporting = modifiers.reporting.matches(in: tokens)

        let starts = Set(parties.map(\.range.lowerBound))
        let dateTokens = Set(dates.flatMap { Array($0.tokens) })
        var hits: [CueHit] = []
        for m in cuePhrases?.longestMatches(in: tokens) ?? [] {
            let cue = lexicon.cues[m.payload]
            if m.range.contains(where: { cue.exceptions.contains(tokens[$0].folded) }) { continue }
            let place = Self.place(after: m.range.upperBound, within: cue.needsPlace ? 2 : 12, tokens: tokens, modifiers: modifiers,
                                   clause: clause, dates: dateTokens)
            if cue.needsPlace, place == nil { continue }
            if cue.needsObject, !Self.words(after: m.range.upperBound, count: 5, in: tokens).contains(where: starts.contains) {
                // « Washington et Moscou se sont rencontrés », "X and Y met": both sides are the subject.
                let subject = parties.indices.last { parties[$0].range.upperBound <= m.range.lowerBound && segment[parties[$0].range.lowerBound] == segment[m.range.lowerBound] }
                guard let subject, Set(groups[groupOf[subject]].map { parties[$0].code }).count >= 2 else { continue }
            }
            hits.append(CueHit(cue: cue, range: m.range, place: cue.type == .meeting ? place : nil))
        }
        cues = hits
    }

    // MARK: Building

    /// The same party named twice in a row is one mention: « le président russe, Vladimir Poutine ».
    private static func merged(_ mentions: [PartyMention], tokens: [Token], modifiers: CueModifiers) -> [PartyMention] {
        var result: [PartyMention] = []
        for m in mentions {
            if let last = result.last, last.code == m.code,
               m.range.lowerBound - last.range.upperBound <= 2,
               (last.range.upperBound..<m.range.lowerBound).allSatisfy({ tokens[$0].kind == .punctuation || modifiers.fillers.startsAt(tokens, $0) }) {
                result[result.count - 1].range = last.range.lowerBound..<m.range.upperBound
            } else {
                result.append(m)
            }
        }
        return result
    }

    /// Coordinated parties: « Kiev et de Moscou », "American and Russian", « X, Y et Z ».
    private static func coordinate(_ parties: [PartyMention], tokens: [Token], modifiers: CueModifiers) -> ([[Int]], [Int]) {
        enum Link { case coordination, comma, none }
        func link(_ a: PartyMention, _ b: PartyMention) -> Link {
            let gap = a.range.upperBound..<b.range.lowerBound
            guard gap.count <= 6 else { return .none }
            var j = gap.lowerBound
            var coordinated = false
            while j < gap.upperBound {
                let t = tokens[j]
                if t.kind == .punctuation {
                    guard [",", ".", "(", ")", "'", "-", "\u{2019}"].contains(t.text) else { return .none }
                    j += 1
                } else if let end = modifiers.coordination.match(in: tokens, at: j), end <= gap.upperBound {
                    coordinated = true
                    j = end
                } else if let end = modifiers.fillers.match(in: tokens, at: j), end <= gap.upperBound {
                    j = end
                } else {
                    return .none
                }
            }
            if coordinated { return .coordination }
            return gap.contains { tokens[$0].text == "," } ? .comma : .none
        }
        var links = [Link]()
        for i in parties.indices.dropLast() { links.append(link(parties[i], parties[i + 1])) }
        var groups: [[Int]] = []
        var groupOf = [Int](repeating: 0, count: parties.count)
        var i = 0
        while i < parties.count {
            var group = [i]
            var j = i
            while j < links.count {
                if links[j] == .coordination {
                    group.append(j + 1)
                    j += 1
                } else if links[j] == .comma {
                    // A list, « X, Y et Z »: commas link when a coordination ends the list.
                    var k = j
                    while k < links.count, links[k] == .comma { k += 1 }
                    guard k < links.count, links[k] == .coordination else { break }
                    group.append(j + 1)
                    j += 1
                } else {
                    break
                }
            }
            for member in group { groupOf[member] = groups.count }
            groups.append(group)
            i = j + 1
        }
        return (groups, groupOf)
    }

    /// A place after a cue, within `limit` words of its clause: « à Istanbul », « de Djeddah »,
    /// « en Arabie saoudite », "in Riyadh"; not a date ("in March").
    private static func place(after end: Int, within limit: Int, tokens: [Token], modifiers: CueModifiers, clause: [Int],
                              dates: Set<Int>) -> String? {
        var i = end
        for _ in 0..<limit {
            guard i < tokens.count, end == 0 || clause[i] == clause[end - 1] else { return nil }
            let near = limit <= 2 ? modifiers.nearPlaces.match(in: tokens, at: i) : nil
            if let after = modifiers.places.match(in: tokens, at: i) ?? near {
                var j = after
                while j < tokens.count, tokens[j].isJoiner { j += 1 }
                // An article may stand before the name: « à la Maison-Blanche ».
                if j + 1 < tokens.count, tokens[j].isWord, !tokens[j].isCapitalized, tokens[j].text.count <= 3,
                   tokens[j + 1].isCapitalized || tokens[j + 1].isJoiner {
                    j += 1
                    while j < tokens.count, tokens[j].isJoiner { j += 1 }
                }
                guard j < tokens.count, tokens[j].kind == .word, tokens[j].isCapitalized, !dates.contains(j) else {
                    if limit > 2 { i = after; continue }
                    return nil
                }
                // The name runs on through capitalised words: « Saint-Pétersbourg », "Saudi Arabia".
                var k = j + 1
                while k < tokens.count {
                    if tokens[k].kind == .word, tokens[k].isCapitalized {
                        k += 1
                    } else if tokens[k].isJoiner, k + 1 < tokens.count, tokens[k + 1].isCapitalized {
                        k += 2
                    } else {
                        break
                    }
                }
                var name = ""
                for i in j..<k {
                    if i > j, !tokens[i].isJoiner, !tokens[i - 1].isJoiner { name += " " }
                    name += tokens[i].text
                }
                return name
            }
            // Close to the noun, only lowercase words may come between: « négociations tendues à … ».
            guard limit > 2 || tokens[i].kind != .word || !tokens[i].isCapitalized || dates.contains(i) else { return nil }
            i += 1
        }
        return nil
    }

    /// The indices of the next `count` word tokens from `start`.
    static func words(after start: Int, count: Int, in tokens: [Token]) -> [Int] {
        var result: [Int] = []
        var i = start
        while i < tokens.count, result.count < count {
            if tokens[i].isWord { result.append(i) }
            i += 1
        }
        return result
    }

    // MARK: Queries

    /// The codes of the group of party mention `i`, in order, each once.
    func groupCodes(_ i: Int) -> [String] {
        var seen = Set<String>()
        return groups[groupOf[i]].map { parties[$0].code }.filter { seen.insert($0).inserted }
    }

    /// The first token of the clause of token `i`.
    func clauseStart(_ i: Int) -> Int {
        guard !tokens.isEmpty else { return 0 }
        let k = min(i, tokens.count - 1)
        var j = k
        while j > 0, clause[j - 1] == clause[k] { j -= 1 }
        return j
    }

    /// Whether a phrase of `list` starts within `range`.
    func has(_ list: PhraseList, in range: Range<Int>) -> Bool {
        let r = max(0, range.lowerBound)..<min(tokens.count, range.upperBound)
        guard !r.isEmpty else { return false }
        return r.contains { list.startsAt(tokens, $0) }
    }

    /// The last phrase of `list` starting within `range`.
    func lastMatch(_ list: PhraseList, in range: Range<Int>) -> Range<Int>? {
        let r = max(0, range.lowerBound)..<min(tokens.count, range.upperBound)
        for i in r.reversed() { if let end = list.match(in: tokens, at: i) { return i..<end } }
        return nil
    }

    /// Party mentions starting within the next `count` words after `end`.
    func parties(within count: Int, after end: Int) -> [Int] {
        let window = Set(Self.words(after: end, count: count, in: tokens))
        return parties.indices.filter { window.contains(parties[$0].range.lowerBound) }
    }

    /// Party mentions ending within the `count` words before `start`.
    func parties(within count: Int, before start: Int) -> [Int] {
        var words: [Int] = []
        var i = start - 1
        while i >= 0, words.count < count {
            if tokens[i].isWord { words.append(i) }
            i -= 1
        }
        let window = Set(words)
        return parties.indices.filter { window.contains(parties[$0].range.upperBound - 1) }
    }

    /// Who acts at token `c`, as a group of codes, and how that was decided.
    ///
    /// The nearest party before it in its segment; else, when the clause's subject is a plural
    /// pronoun (« qu'ils acceptent »), the coordinated parties just before; else the clause's
    /// first party before it; else the sentence's first (« il », or no subject at all).
    func subject(before c: Int) -> [String]? {
        let before = parties.indices.filter { parties[$0].range.upperBound <= c }
        guard c < tokens.count || !before.isEmpty else { return nil }
        let at = min(c, tokens.count - 1)
        if let last = before.last(where: { segment[parties[$0].range.lowerBound] == segment[at] }) {
            return groupCodes(last)
        }
        let start = clauseStart(at)
        if has(modifiers.plural, in: start..<c),
           let group = before.last(where: { parties[$0].range.upperBound <= start && groupCodes($0).count >= 2 }) {
            return groupCodes(group)
        }
        if let first = before.first(where: { clause[parties[$0].range.lowerBound] == clause[at] }) {
            return groupCodes(first)
        }
        if let first = before.first { return groupCodes(first) }
        return nil
    }
}
