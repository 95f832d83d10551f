import Lexicons
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
    /// Named by a ceasefire with no qualifier (« la trêve », "the ceasefire").
    var general: Bool
}

/// What every sentence of one article is read with: the lexicon, and its lists for the
/// article's language. A class, so that each sentence's analysis holds it by one reference
/// instead of copying its many lists.
final class AnalysisContext: Sendable {
    let language: String
    let lexicon: Lexicon
    let modifiers: CueModifiers
    /// The parties some track requires: the sides a group noun names.
    let sides: Set<String>
    let partyPhrases: PhraseSet<String>
    let cuePhrases: PhraseSet<Int>?
    let resolver: DateResolver?
    let published: Day

    init(language: String, lexicon: Lexicon, partyPhrases: PhraseSet<String>, cuePhrases: PhraseSet<Int>?, dates resolver: DateResolver?,
         published: Day) {
        self.language = language
        self.lexicon = lexicon
        modifiers = lexicon.modifiers[language] ?? CueModifiers()
        sides = Set(lexicon.registry.tracks.flatMap(\.requires))
        self.partyPhrases = partyPhrases
        self.cuePhrases = cuePhrases
        self.resolver = resolver
        self.published = published
    }
}

/// What one sentence says, token by token: the parties, tracks, dates and cues it names, and
/// how it divides into clauses (cut at « que », "that", quotes, semicolons) and segments
/// (clauses cut again at commas), which is where extraction looks for an event's actor.
///
/// What its cues ask of the sentence again and again is worked out once, here: each token's
/// clause, each date's nearest cue of each type and whether it dates a statement, the
/// speaker. Party mentions and cues are in order and do not overlap, so those near a token are
/// found by binary search. A sentence without a cue is read for its tracks only.
struct SentenceAnalysis: Sendable {
    let sentence: Sentence
    let tokens: [Token]
    let context: AnalysisContext
    var modifiers: CueModifiers { context.modifiers }
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
    /// For each token, the first token of its clause.
    let clauseFirst: [Int]
    /// For each token, the first token after its clause (`tokens.count` for the last clause).
    let clauseEnd: [Int]
    /// Speech verbs: « a déclaré », "said".
    let reporting: [Range<Int>]
    /// For each date, whether it dates a statement rather than an event (see `isStatementDate`).
    let isStatement: [Bool]
    /// For each date, the index in `cues` of the nearest cue of each type (of two as near, the
    /// first): a date goes to the nearest cue of a type.
    let nearestCues: [[EventType: Int]]
    /// The segments in which a cue starts.
    let cueSegments: Set<Int>
    /// Where a phrase of the enumeration list starts, in order; only with a cue that introduces
    /// conditions, which is all it is for.
    let enumerationStarts: [Int]
    /// The speaker that the speech verbs name (see `speaker()`), worked out once; only with a
    /// violation cue, which is all it is for.
    private(set) var speakerCode: String?
    /// The parties the sentence names, in order, each once: for the group nouns of the
    /// sentences after it.
    let named: [String]

    /// The payload of a group noun among the party phrases (« les deux camps », "both sides").
    static let groupCode = "@both"

    /// Reads a sentence; `recentParties` are the parties named in the sentences before it, the
    /// nearest first, for its group nouns.
    init(sentence: Sentence, context: AnalysisContext, recentParties: [String] = []) {
        self.sentence = sentence
        tokens = sentence.tokens
        self.context = context
        let tokens = sentence.tokens
        tracks = context.lexicon.tracks.mentions(in: tokens, language: context.language).map { TrackMention(track: $0.track, range: $0.range, general: $0.general) }
        let found = context.partyPhrases.longestMatches(in: tokens).map { PartyMention(code: $0.payload, range: $0.range) }
        named = unique(found.map(\.code).filter { $0 != Self.groupCode })

        // A sentence without a cue proposes nothing: only its tracks and parties are needed, by the sentences after it.
        let cueMatches = context.cuePhrases?.longestMatches(in: tokens) ?? []
        guard !cueMatches.isEmpty else {
            (clause, segment, clauseFirst, clauseEnd, parties, groups, groupOf) = ([], [], [], [], [], [], [])
            (dates, reporting, cues, isStatement, nearestCues, cueSegments, enumerationStarts) = ([], [], [], [], [], [], [])
            return
        }

        var clause = [Int](repeating: 0, count: tokens.count)
        var segment = [Int](repeating: 0, count: tokens.count)
        let clauseStarts = Set(context.modifiers.clause.matches(in: tokens).map(\.lowerBound))
        var c = 0, s = 0
        for i in tokens.indices {
            if clauseStarts.contains(i) { c += 1; s += 1 }
            if tokens[i].kind == .punctuation {
                // A mark of one scalar, none of which composes with another: equal to one of
                // these exactly when its scalar is.
                var scalars = tokens[i].text.unicodeScalars.makeIterator()
                if let mark = scalars.next(), scalars.next() == nil {
                    switch mark {
                    case ";", ":", "«", "»", "\"", "“", "”", "—", "–", "|": c += 1; s += 1
                    case ",": s += 1
                    default: break
                    }
                }
            }
            clause[i] = c
            segment[i] = s
        }
        self.clause = clause
        self.segment = segment
        var clauseFirst = [Int](repeating: 0, count: tokens.count)
        for i in tokens.indices { clauseFirst[i] = i > 0 && clause[i - 1] == clause[i] ? clauseFirst[i - 1] : i }
        self.clauseFirst = clauseFirst
        var clauseEnd = [Int](repeating: tokens.count, count: tokens.count)
        for i in tokens.indices.reversed() where i + 1 < tokens.count {
            clauseEnd[i] = clause[i + 1] == clause[i] ? clauseEnd[i + 1] : i + 1
        }
        self.clauseEnd = clauseEnd

        let (parties, pairs) = Self.resolvingGroupNouns(Self.merged(found, tokens: tokens, modifiers: context.modifiers), recent: recentParties,
                                                        sides: context.sides)
        self.parties = parties
        var (groups, groupOf) = Self.coordinate(parties, tokens: tokens, modifiers: context.modifiers)
        // The two parties a group noun stands for are one group, as if coordinated.
        for (a, b) in pairs where groupOf[a] != groupOf[b] {
            let (kept, gone) = (groupOf[a], groupOf[b])
            groups[kept] += groups[gone]
            for k in groups[gone] { groupOf[k] = kept }
            groups[gone] = []
        }
        self.groups = groups
        self.groupOf = groupOf
        dates = context.resolver?.mentions(in: tokens, text: sentence.text, published: context.published) ?? []
        reporting = context.modifiers.reporting.matches(in: tokens)

        let starts = Set(parties.map(\.range.lowerBound))
        let dateTokens = Set(dates.flatMap { Array($0.tokens) })
        var hits: [CueHit] = []
        for m in cueMatches {
            let cue = context.lexicon.cues[m.payload]
            if m.range.contains(where: { cue.exceptions.contains(tokens[$0].folded) }) { continue }
            let place = Self.place(after: m.range.upperBound, within: cue.needsPlace ? 2 : 12, tokens: tokens, modifiers: context.modifiers,
                                   clause: clause, dates: dateTokens)
            if cue.needsPlace, place == nil { continue }
            if cue.needsObject, !Self.words(after: m.range.upperBound, count: 5, in: tokens).contains(where: starts.contains) {
                // « Washington et Moscou se sont rencontrés », "X and Y met": both sides are the subject.
                let subject = Self.lastParty(parties, endingBy: m.range.lowerBound, inSegmentOf: m.range.lowerBound, segment: segment)
                guard let subject, Set(groups[groupOf[subject]].map { parties[$0].code }).count >= 2 else { continue }
            }
            hits.append(CueHit(cue: cue, range: m.range, place: cue.type == .meeting ? place : nil))
        }
        cues = hits

        // What every cue of the sentence asks about its dates, worked out once for all of them.
        let dates = self.dates
        let reporting = self.reporting
        isStatement = dates.map { Self.isStatementDate($0, cues: hits, reporting: reporting, clause: clause) }
        nearestCues = dates.map { d in
            var nearest: [EventType: (index: Int, distance: Int)] = [:]
            for (k, hit) in hits.enumerated() {
                let dist = Self.distance(hit.range, d.tokens)
                if let n = nearest[hit.cue.type], n.distance <= dist { continue }
                nearest[hit.cue.type] = (k, dist)
            }
            return nearest.mapValues(\.index)
        }
        cueSegments = Set(hits.map { segment[$0.range.lowerBound] })
        let enumeration = context.modifiers.enumeration
        enumerationStarts = hits.contains(where: \.cue.introducesConditions) ? tokens.indices.filter { enumeration.startsAt(tokens, $0) } : []
        if hits.contains(where: { $0.cue.type == .violation }) { speakerCode = speaker() }
    }

    /// The token distance between two ranges.
    static func distance(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        if a.upperBound <= b.lowerBound { return b.lowerBound - a.upperBound }
        if b.upperBound <= a.lowerBound { return a.lowerBound - b.upperBound }
        return 0
    }

    /// Whether a date dates a statement (« a déclaré vendredi que … ») rather than an event: it
    /// is next to a speech verb, nearer to it than to any cue.
    private static func isStatementDate(_ date: DateMention, cues: [CueHit], reporting: [Range<Int>], clause: [Int]) -> Bool {
        let nearestCue = cues.map { distance($0.range, date.tokens) }.min() ?? Int.max
        for verb in reporting {
            let after = date.tokens.lowerBound >= verb.upperBound && date.tokens.lowerBound - verb.upperBound <= 8
                && clause[date.tokens.lowerBound] == clause[verb.upperBound - 1]
            let before = date.tokens.upperBound <= verb.lowerBound && verb.lowerBound - date.tokens.upperBound <= 1
            if (after || before) && distance(verb, date.tokens) < nearestCue { return true }
        }
        return false
    }

    /// The last party mention that ends by token `end`, if it starts in the segment of token
    /// `at` (mentions are in order and do not overlap, and segments only grow, so no earlier
    /// one can be in it either).
    static func lastParty(_ parties: [PartyMention], endingBy end: Int, inSegmentOf at: Int, segment: [Int]) -> Int? {
        let n = parties.partitionPoint { $0.range.upperBound > end }
        guard n > 0, segment[parties[n - 1].range.lowerBound] == segment[at] else { return nil }
        return n - 1
    }

    // MARK: Building

    /// The same party named twice in a row is one mention: « le président russe, Vladimir Poutine ».
    /// Each group noun replaced by the two parties named just before it (earlier in the
    /// sentence, else in the sentences before), the older first: the first on the noun's
    /// words, the second just after them; with the pairs of their indices. The two sides are
    /// sought first among `sides` (the parties some track requires: a mediator is not a side).
    /// A group noun with fewer than two parties before it is left out.
    private static func resolvingGroupNouns(_ mentions: [PartyMention], recent: [String], sides: Set<String>) -> ([PartyMention], [(Int, Int)]) {
        guard mentions.contains(where: { $0.code == groupCode }) else { return (mentions, []) }
        var result: [PartyMention] = []
        var pairs: [(Int, Int)] = []
        for m in mentions {
            guard m.code == groupCode else {
                result.append(m)
                continue
            }
            let before = unique(result.reversed().map(\.code) + recent)
            let amongSides = before.filter(sides.contains)
            let nearest = Array((amongSides.count >= 2 ? amongSides : before).prefix(2))
            guard nearest.count == 2 else { continue }
            pairs.append((result.count, result.count + 1))
            result.append(PartyMention(code: nearest[1], range: m.range))
            result.append(PartyMention(code: nearest[0], range: m.range.upperBound..<m.range.upperBound))
        }
        return (result, pairs)
    }

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
        // For each link, the first at or after it that is not a comma: where its list ends.
        var listEnd = [Int](repeating: links.count, count: links.count)
        for k in links.indices.reversed() { listEnd[k] = links[k] == .comma ? (k + 1 < links.count ? listEnd[k + 1] : links.count) : k }
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
                    let k = listEnd[j]
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
        return k < 0 ? k : clauseFirst[k]
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
        let window = Self.words(after: end, count: count, in: tokens)
        guard let last = window.last else { return [] }
        // Mentions are in order: only those starting from `end` to the window's last word.
        var result: [Int] = []
        var p = parties.partitionPoint { $0.range.lowerBound >= end }
        while p < parties.count, parties[p].range.lowerBound <= last {
            if window.contains(parties[p].range.lowerBound) { result.append(p) }
            p += 1
        }
        return result
    }

    /// Party mentions ending within the `count` words before `start`.
    func parties(within count: Int, before start: Int) -> [Int] {
        var words: [Int] = []
        var i = start - 1
        while i >= 0, words.count < count {
            if tokens[i].isWord { words.append(i) }
            i -= 1
        }
        guard let first = words.last else { return [] }
        // Mentions are in order and do not overlap: only those ending from the window's first
        // word to `start`.
        var result: [Int] = []
        var p = parties.partitionPoint { $0.range.upperBound - 1 >= first }
        while p < parties.count, parties[p].range.upperBound - 1 < start {
            if words.contains(parties[p].range.upperBound - 1) { result.append(p) }
            p += 1
        }
        return result
    }

    /// Who acts at token `c`, as a group of codes, and how that was decided.
    ///
    /// The nearest party before it in its segment; else, when the clause's subject is a plural
    /// pronoun (« qu'ils acceptent »), the coordinated parties just before; else the clause's
    /// first party before it; else the sentence's first (« il », or no subject at all).
    func subject(before c: Int) -> [String]? {
        // The mentions ending by `c`: the first `before` of them, as they are in order.
        let before = parties.partitionPoint { $0.range.upperBound > c }
        guard c < tokens.count || before > 0 else { return nil }
        let at = min(c, tokens.count - 1)
        if let last = Self.lastParty(parties, endingBy: c, inSegmentOf: at, segment: segment) {
            return groupCodes(last)
        }
        let start = clauseStart(at)
        if has(modifiers.plural, in: start..<c),
           let group = (0..<before).last(where: { parties[$0].range.upperBound <= start && groupCodes($0).count >= 2 }) {
            return groupCodes(group)
        }
        // The first in the clause of `at`: clauses only grow along the mentions.
        let first = parties[..<before].partitionPoint { clause[$0.range.lowerBound] >= clause[at] }
        if first < before, clause[parties[first].range.lowerBound] == clause[at] {
            return groupCodes(first)
        }
        if before > 0 { return groupCodes(0) }
        return nil
    }
}

extension RandomAccessCollection where Index == Int {
    /// The index of the first element for which `isAfter` holds, given that it holds for every
    /// element after that one too (the collection is partitioned by it); `endIndex` if none.
    func partitionPoint(_ isAfter: (Element) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let mid = low + (high - low) / 2
            if isAfter(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
