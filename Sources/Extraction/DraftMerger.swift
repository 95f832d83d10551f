import Negotiation

/// Joins drafts that report one event: an acceptance and its condition in one sentence, and
/// the same event told twice (news repeats its lede; a headline repeats the body).
enum DraftMerger {
    /// An acceptance and a condition set by the same party in one sentence are one acceptance
    /// with conditions (« Kiev a accepté …, à condition que … »), as in the curated format.
    /// A hypothetical acceptance with a condition ("Russia would agree only if …") is no
    /// acceptance: the condition is what was reported.
    static func attachConditions(_ drafts: [Draft]) -> [Draft] {
        // The acceptances of each sentence and actor, in order: each condition looks up its own
        // instead of going through every draft of the article.
        var acceptancesOf: [SentenceActor: [Int]] = [:]
        for (i, d) in drafts.enumerated() where d.type == .acceptance {
            acceptancesOf[SentenceActor(sentence: d.sentence, actor: d.actor), default: []].append(i)
        }
        var result = drafts
        var dropped = Set<Int>()
        // The conditions an acceptance already has, so that adding one is not a pass over all.
        var held: [Int: Set<String>] = [:]
        for (i, condition) in drafts.enumerated() where condition.type == .condition {
            guard let acceptances = acceptancesOf[SentenceActor(sentence: condition.sentence, actor: condition.actor)] else { continue }
            if acceptances.allSatisfy({ drafts[$0].hypothetical }) {
                dropped.formUnion(acceptances)
                continue
            }
            for a in acceptances where !drafts[a].hypothetical {
                if held[a] == nil {
                    result[a].conditions = unique(result[a].conditions)
                    held[a] = Set(result[a].conditions)
                }
                for text in condition.conditions where held[a]?.contains(text) == false {
                    held[a]?.insert(text)
                    result[a].conditions.append(text)
                }
                result[a].reasons.append("conditions from « \(condition.cueText) »")
            }
            dropped.insert(i)
        }
        return result.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    private struct SentenceActor: Hashable {
        var sentence: Int
        var actor: String
    }

    /// Duplicates in one sentence: the same type, actor and tracks (a meeting: the same
    /// parties, and either named together, « rencontre au sommet », or with the same date and
    /// place). Conditions are kept apart unless their words are the same.
    static func mergeWithinSentences(_ drafts: [Draft]) -> [Draft] {
        merge(drafts, bucket: { $0.sentence }) { a, b in
            guard a.sentence == b.sentence, same(a, b) else { return false }
            if a.type == .condition { return a.conditions == b.conditions }
            if a.type == .meeting {
                let near = abs(a.cueRange.lowerBound - b.cueRange.upperBound) <= 3 || abs(b.cueRange.lowerBound - a.cueRange.upperBound) <= 3
                return near || (a.time == b.time && a.place == b.place)
            }
            return true
        }
    }

    /// The same event in several sentences: the same type, actor, tracks (a meeting: parties
    /// and compatible tracks and places), and dates that overlap. Conditions are never merged
    /// across sentences: two sentences rarely restate one demand in the same words.
    static func mergeAcrossSentences(_ drafts: [Draft]) -> [Draft] {
        merge(drafts, bucket: { (d: Draft) -> AcrossKey? in
            // What `same` requires to be equal; conditions never merge, each is its own.
            guard d.type != .condition else { return nil }
            return AcrossKey(type: d.type, actor: d.actor, planned: d.planned, tracks: d.type == .meeting ? [] : d.tracks)
        }) { a, b in
            guard a.sentence != b.sentence, a.type != .condition, same(a, b) else { return false }
            if a.type == .meeting, let p = a.place, let q = b.place, p != q { return false }
            return true
        }
    }

    /// The fields two drafts told in different sentences must share to be one event (a
    /// meeting's tracks need only overlap, so they are not part of it).
    private struct AcrossKey: Hashable {
        var type: EventType
        var actor: String
        var planned: Bool
        var tracks: [String]
    }

    /// Type, actor, plan, tracks, parties of a meeting, and overlapping dates.
    private static func same(_ a: Draft, _ b: Draft) -> Bool {
        guard a.type == b.type, a.actor == b.actor, a.planned == b.planned, overlap(a.time, b.time) else { return false }
        if a.type == .meeting {
            guard Set(a.counterparts) == Set(b.counterparts) else { return false }
            return a.tracks.isEmpty || b.tracks.isEmpty || !Set(a.tracks).isDisjoint(with: b.tracks)
        }
        return a.tracks == b.tracks
    }

    static func overlap(_ a: ValidTime, _ b: ValidTime) -> Bool {
        a.first <= b.last && b.first <= a.last
    }

    /// Folds each draft into the first kept one it matches.
    ///
    /// Only drafts in the same bucket can match (`matches` is false across buckets, and
    /// combining keeps a draft's bucket), so each draft is compared with its bucket's kept
    /// drafts, in order, rather than with every kept draft of the article; a `nil` bucket
    /// matches nothing. The result is the same as comparing with all of them.
    private static func merge<Key: Hashable>(_ drafts: [Draft], bucket: (Draft) -> Key?, when matches: (Draft, Draft) -> Bool) -> [Draft] {
        var kept: [Draft] = []
        var buckets: [Key: [Int]] = [:]
        for d in drafts {
            guard let key = bucket(d) else {
                kept.append(d)
                continue
            }
            if let i = buckets[key]?.first(where: { matches(kept[$0], d) }) {
                combine(into: &kept[i], d)
            } else {
                buckets[key, default: []].append(kept.count)
                kept.append(d)
            }
        }
        return kept
    }

    /// The more confident draft, with the most precise date of the two, and the union of
    /// what either knew; `a` is changed in place, so that a draft told many times does not
    /// copy its list of sentences at each telling.
    private static func combine(into a: inout Draft, _ b: Draft) {
        var other = b
        if b.confidence > a.confidence { swap(&a, &other) }
        if other.precisionRank > a.precisionRank {
            a.time = other.time
            a.kind = other.kind
            a.dateText = other.dateText
        }
        if a.type == .meeting { a.tracks = unique(a.tracks + other.tracks) }
        a.counterparts = unique(a.counterparts + other.counterparts)
        a.conditions = unique(a.conditions + other.conditions)
        a.place = a.place ?? other.place
        a.plannedFor = a.plannedFor ?? other.plannedFor
        // The quote stays the first sentence's: the first telling is usually the fullest.
        var told: Int?
        if other.sentence < a.sentence {
            told = a.sentence
            a.sentence = other.sentence
            a.cueText = other.cueText
            a.cuePhrase = other.cuePhrase
            a.cueRange = other.cueRange
        } else if other.sentence != a.sentence {
            told = other.sentence
        }
        // `alsoIn` is kept sorted, each sentence once. A later telling, the usual case, goes
        // at the end; anything else is merged and sorted again.
        if other.alsoIn.isEmpty {
            guard let told else { return }
            if a.alsoIn.last.map({ $0 < told }) ?? true {
                a.alsoIn.append(told)
                return
            }
        }
        if let told { a.alsoIn.append(told) }
        a.alsoIn = unique(a.alsoIn + other.alsoIn).sorted()
    }
}
