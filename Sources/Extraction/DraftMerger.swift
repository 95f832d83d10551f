import Negotiation

/// Joins drafts that report one event: an acceptance and its condition in one sentence, and
/// the same event told twice (news repeats its lede; a headline repeats the body).
enum DraftMerger {
    /// An acceptance and a condition set by the same party in one sentence are one acceptance
    /// with conditions (« Kiev a accepté …, à condition que … »), as in the curated format.
    /// A hypothetical acceptance with a condition ("Russia would agree only if …") is no
    /// acceptance: the condition is what was reported.
    static func attachConditions(_ drafts: [Draft]) -> [Draft] {
        var result = drafts
        var dropped = Set<Int>()
        for (i, condition) in drafts.enumerated() where condition.type == .condition {
            let acceptances = drafts.indices.filter {
                drafts[$0].type == .acceptance && drafts[$0].sentence == condition.sentence && drafts[$0].actor == condition.actor
            }
            guard !acceptances.isEmpty else { continue }
            if acceptances.allSatisfy({ drafts[$0].hypothetical }) {
                dropped.formUnion(acceptances)
                continue
            }
            for a in acceptances where !drafts[a].hypothetical {
                result[a].conditions = unique(result[a].conditions + condition.conditions)
                result[a].reasons.append("conditions from « \(condition.cueText) »")
            }
            dropped.insert(i)
        }
        return result.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    /// Duplicates in one sentence: the same type, actor and tracks (a meeting: the same
    /// parties, and either named together, « rencontre au sommet », or with the same date and
    /// place). Conditions are kept apart unless their words are the same.
    static func mergeWithinSentences(_ drafts: [Draft]) -> [Draft] {
        merge(drafts) { a, b in
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
        merge(drafts) { a, b in
            guard a.sentence != b.sentence, a.type != .condition, same(a, b) else { return false }
            if a.type == .meeting, let p = a.place, let q = b.place, p != q { return false }
            return true
        }
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
    private static func merge(_ drafts: [Draft], when matches: (Draft, Draft) -> Bool) -> [Draft] {
        var kept: [Draft] = []
        for d in drafts {
            if let i = kept.firstIndex(where: { matches($0, d) }) {
                kept[i] = combine(kept[i], d)
            } else {
                kept.append(d)
            }
        }
        return kept
    }

    /// The more confident draft, with the most precise date of the two, and the union of
    /// what either knew.
    private static func combine(_ a: Draft, _ b: Draft) -> Draft {
        var base = b.confidence > a.confidence ? b : a
        let other = b.confidence > a.confidence ? a : b
        if other.precisionRank > base.precisionRank {
            base.time = other.time
            base.kind = other.kind
            base.dateText = other.dateText
        }
        if base.type == .meeting { base.tracks = unique(base.tracks + other.tracks) }
        base.counterparts = unique(base.counterparts + other.counterparts)
        base.conditions = unique(base.conditions + other.conditions)
        base.place = base.place ?? other.place
        base.plannedFor = base.plannedFor ?? other.plannedFor
        // The quote stays the first sentence's: the first telling is usually the fullest.
        if other.sentence < base.sentence {
            base.alsoIn.append(base.sentence)
            base.sentence = other.sentence
            base.cueText = other.cueText
            base.cuePhrase = other.cuePhrase
            base.cueRange = other.cueRange
        } else if other.sentence != base.sentence {
            base.alsoIn.append(other.sentence)
        }
        base.alsoIn = unique(base.alsoIn + other.alsoIn).sorted()
        return base
    }
}
