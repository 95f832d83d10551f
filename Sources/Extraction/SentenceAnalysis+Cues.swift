import Negotiation

/// From cues to drafts: the actor, counterparts, tracks, date and modality of each cue.
extension SentenceAnalysis {
    /// The drafts this sentence's cues give.
    ///
    /// - Parameters:
    ///   - contextTracks: the track named nearest before this sentence, for reports that name
    ///     none in their own sentence.
    func drafts(published: Day, options: ExtractionOptions, contextTracks: [String]) -> [Draft] {
        var result: [Draft] = []
        for (index, hit) in cues.enumerated() {
            result += drafts(for: hit, index: index, published: published, options: options, contextTracks: contextTracks)
        }
        return result
    }

    private func drafts(for hit: CueHit, index: Int, published: Day, options: ExtractionOptions, contextTracks: [String]) -> [Draft] {
        var type = hit.cue.type
        var confidence = hit.cue.confidence
        var reasons: [String] = []

        if isNegated(hit) {
            // « n'a pas accepté », "did not agree": not an acceptance; a refusal, if anything.
            guard type == .acceptance else { return [] }
            type = .rejection
            confidence *= 0.7
            reasons.append("negated acceptance read as a rejection")
        }
        // « a rejeté les accusations », "denied the claims": a denial, not a rejection.
        if type == .rejection, Self.words(after: hit.range.upperBound, count: 4, in: tokens).contains(where: { modifiers.denied.startsAt(tokens, $0) }) {
            return []
        }
        let hypothetical = isHypothetical(hit)
        let intended = isIntended(hit)

        // Date.
        var date = date(for: hit, index: index, published: published, options: options)
        var planned = false
        if type == .meeting {
            let futureWord = has(modifiers.future, in: (hit.range.lowerBound - 2)..<hit.range.lowerBound)
            planned = hypothetical || intended || date.future || futureWord
            if planned, !date.future, let ahead = date.ahead {
                // « doivent se retrouver lundi »: a plan's weekday is the one to come.
                date = announcement(for: hit, published: published, options: options)
                date.plannedFor = .day(ahead)
                date.text = date.text ?? date.weekdayText
            }
            if planned { reasons.append(hypothetical ? "possible meeting, not held" : "planned meeting, not held") }
        } else {
            if hypothetical {
                confidence *= 0.5
                reasons.append("hypothetical")
            } else if intended {
                confidence *= 0.85
                reasons.append("stated willingness")
            }
            if date.future {
                confidence *= 0.5
                reasons.append("in the future: a plan, not a fact")
            }
        }

        // Tracks.
        var tracks = tracks(for: hit, index: index)
        // A ceasefire with no qualifier: the article's main track, once it is read.
        let bare = !tracks.isEmpty && self.tracks.allSatisfy(\.general)
        if tracks.isEmpty, type != .meeting {
            guard !contextTracks.isEmpty else { return [] }
            tracks = contextTracks
            confidence *= 0.7
            reasons.append("track from an earlier sentence")
        }

        // Actor(s) and counterparts.
        let pairs: [(actor: String, counterparts: [String])]
        switch type {
        case .meeting:
            guard let meeting = meetingParties(hit) else { return [] }
            pairs = [meeting]
        case .violation:
            pairs = violationParties(hit)
        default:
            guard let (actors, how) = actors(for: hit) else { return [] }
            if how == .after {
                confidence *= 0.7
                reasons.append("actor named after the cue")
            }
            pairs = actors.map { actor in (actor, otherParties(than: actor)) }
        }
        guard !pairs.isEmpty else { return [] }

        let cueText = String(sentence.text[tokens[hit.range.lowerBound].range.lowerBound..<tokens[hit.range.upperBound - 1].range.upperBound])
        var conditions = hit.cue.introducesConditions ? conditionTexts(after: hit) : []
        // A condition event must name its condition; with nothing after the cue, the cue's words.
        if type == .condition, conditions.isEmpty { conditions = [cueText] }

        // One event per track, except meetings: each track has its own proposal and positions.
        let trackSets: [[String]] = type == .meeting || tracks.isEmpty ? [tracks] : tracks.map { [$0] }
        // One condition event per demand (« …, que …, et que … »); an acceptance keeps them all.
        let conditionSets: [[String]] = type == .condition && !conditions.isEmpty ? conditions.map { [$0] } : [conditions]
        var drafts: [Draft] = []
        for (actor, counterparts) in pairs {
            for trackSet in trackSets {
                for conditionSet in conditionSets {
                    drafts.append(Draft(type: type, actor: actor, counterparts: counterparts, tracks: trackSet, time: date.time, kind: date.kind,
                                        dateText: date.text, plannedFor: date.plannedFor, planned: planned, hypothetical: hypothetical,
                                        conditions: conditionSet,
                                        place: hit.place, confidence: min(1, confidence), cueText: cueText, cuePhrase: hit.cue.phrase.text,
                                        cueRange: hit.range, reasons: reasons, sentence: sentence.index, bareCeasefire: bare))
                }
            }
        }
        return drafts
    }

    // MARK: Modality

    /// « n'a pas accepté », "did not agree", « refuse d'accepter »: a negation within four words
    /// before the cue, in its segment and after any other cue (« n'a pas accepté les exigences
    /// russes »: the negation is the acceptance's, not the demand's); or « ne/n' » before it and
    /// a negation word just after.
    func isNegated(_ hit: CueHit) -> Bool {
        let start = hit.range.lowerBound
        // A cue that is itself a refusal (« a refusé d'accepter ») negates the next one.
        // Cues are in order and do not overlap: the previous one is the last ending by `start`.
        let previousCount = cues.partitionPoint { $0.range.upperBound > start }
        let previous = previousCount > 0 ? cues[previousCount - 1] : nil
        let previousCue = previous.map { modifiers.negation.startsAt(tokens, $0.range.lowerBound) ? $0.range.lowerBound : $0.range.upperBound } ?? 0
        var window: [Int] = []
        var i = start - 1
        while i >= previousCue, window.count < 4, segment[i] == segment[start] {
            if tokens[i].isWord { window.append(i) }
            i -= 1
        }
        if window.contains(where: { modifiers.negation.startsAt(tokens, $0) }) { return true }
        if window.prefix(3).contains(where: { modifiers.negationParticles.startsAt(tokens, $0) }) {
            let after = Self.words(after: start, count: hit.range.count + 2, in: tokens)
            if after.contains(where: { modifiers.negation.startsAt(tokens, $0) }) { return true }
        }
        return false
    }

    /// « pourrait », « éventuel », "could": in the cue's clause before it (twelve words at
    /// most), in the cue itself (« accepterait »), or just after it (« une rencontre potentielle »).
    func isHypothetical(_ hit: CueHit) -> Bool {
        let start = max(clauseStart(hit.range.lowerBound), hit.range.lowerBound - 12)
        return has(modifiers.hypothetical, in: start..<(hit.range.upperBound + 2))
    }

    /// « prêt à », « cherche à », "wants to", "will": in the cue's clause before it.
    func isIntended(_ hit: CueHit) -> Bool {
        let start = max(clauseStart(hit.range.lowerBound), hit.range.lowerBound - 12)
        return has(modifiers.intention, in: start..<hit.range.upperBound)
    }

    // MARK: Dates

    struct ChosenDate {
        var time: ValidTime
        var kind: DateKind
        var text: String?
        var future: Bool
        var plannedFor: ValidTime?
        /// For a weekday alone, the same weekday after publication.
        var ahead: Day?
        var weekdayText: String?
    }

    /// The token distance between two ranges.
    private func distance(_ a: Range<Int>, _ b: Range<Int>) -> Int { Self.distance(a, b) }

    /// The dates that date a statement, in order.
    private var statementDates: [DateMention] {
        dates.indices.filter { isStatement[$0] }.map { dates[$0] }
    }

    /// The date of the cue at `index`: a date in its clause, else in its sentence (among cues of
    /// the same type, a date goes to the nearest); else a statement's date, as an upper bound;
    /// else the range of days before publication.
    /// When a plan or a report was announced: a statement's date as an upper bound, else the
    /// range of days before publication.
    func announcement(for hit: CueHit, published: Day, options: ExtractionOptions) -> ChosenDate {
        if let d = statementDates.filter({ !$0.isFuture }).min(by: { distance($0.tokens, hit.range) < distance($1.tokens, hit.range) }),
           let time = d.time {
            return ChosenDate(time: .range(time.last.adding(days: -options.undatedDays), time.last), kind: .onOrBefore, text: d.text, future: false)
        }
        return ChosenDate(time: .range(published.adding(days: -options.undatedDays), published), kind: .undated, text: nil, future: false)
    }

    func date(for hit: CueHit, index: Int, published: Day, options: ExtractionOptions) -> ChosenDate {
        let announced = announcement(for: hit, published: published, options: options)
        // A date belongs, among cues of one type, to the nearest of them; and a date in a segment
        // with cues of its own (« ont échangé samedi des accusations ») is theirs.
        let takeable = dates.indices.filter { k in
            guard !isStatement[k] else { return false }
            let own = segment[dates[k].tokens.lowerBound]
            if own != segment[hit.range.lowerBound], cueSegments.contains(own) { return false }
            return nearestCues[k][hit.cue.type] == index
        }.map { dates[$0] }
        let at = hit.range.lowerBound
        let inClause = takeable.filter { clause[$0.tokens.lowerBound] == clause[at] }
        guard let d = (inClause.isEmpty ? takeable : inClause).min(by: { distance($0.tokens, hit.range) < distance($1.tokens, hit.range) })
        else { return announced }
        guard let time = d.time, !d.isFuture else {
            // A plan is dated when it was announced; the day it is for goes in the note.
            var plan = announced
            plan.future = true
            plan.plannedFor = d.time
            plan.text = d.text
            return plan
        }
        return ChosenDate(time: time, kind: d.kind, text: d.text, future: false, ahead: d.ahead, weekdayText: d.ahead.map { _ in d.text })
    }

    // MARK: Tracks

    /// The tracks named in the cue's own words (« a annoncé une trêve »), or after it, before
    /// the next cue; else the nearest before it; else the nearest after it in its clause.
    func tracks(for hit: CueHit, index: Int) -> [String] {
        let nextCue = cues.dropFirst(index + 1).first { $0.range.lowerBound >= hit.range.upperBound }?.range.lowerBound ?? tokens.count
        let owned = tracks.filter { $0.range.lowerBound > hit.range.lowerBound && $0.range.lowerBound < nextCue }
        if !owned.isEmpty { return unique(owned.map(\.track)) }
        if let before = tracks.last(where: { $0.range.upperBound <= hit.range.lowerBound }) { return [before.track] }
        if let after = tracks.first(where: { $0.range.lowerBound >= hit.range.upperBound && clause[$0.range.lowerBound] == clause[hit.range.lowerBound] }) {
            return [after.track]
        }
        return []
    }

    // MARK: Parties

    enum ActorSource { case subject, agent, after }

    /// The actor(s) of a proposal, acceptance, condition or rejection.
    func actors(for hit: CueHit) -> ([String], ActorSource)? {
        switch hit.cue.agent {
        case .after:
            guard let first = parties(within: 3, after: hit.range.upperBound).first else { return nil }
            return (groupCodes(first), .agent)
        case .qualifier, .noun:
            if let codes = qualifier(of: hit) { return (codes, .agent) }
            guard hit.cue.agent == .noun, let codes = subject(before: hit.range.lowerBound) else { return nil }
            return (codes, .subject)
        case .subject:
            if let codes = subject(before: hit.range.lowerBound) { return (codes, .subject) }
            if let first = parties(within: 3, after: hit.range.upperBound).first { return (groupCodes(first), .after) }
            return nil
        }
    }

    /// The author a noun names: a party right after it, through articles and agent prepositions
    /// only (« proposition américaine », « proposition de Washington », "proposal by the US"), or
    /// right before it ("the U.S. proposal", "Washington's proposal").
    func qualifier(of hit: CueHit) -> [String]? {
        let linking: (Int) -> Bool = { i in
            tokens[i].kind == .punctuation || modifiers.fillers.startsAt(tokens, i) || modifiers.agentPrepositions.startsAt(tokens, i)
        }
        if let first = parties(within: 3, after: hit.range.upperBound).first,
           (hit.range.upperBound..<parties[first].range.lowerBound).allSatisfy(linking) {
            return groupCodes(first)
        }
        if let last = parties(within: 2, before: hit.range.lowerBound).last,
           (parties[last].range.upperBound..<hit.range.lowerBound).allSatisfy(linking) {
            return groupCodes(last)
        }
        return nil
    }

    /// The other parties of the sentence, in order.
    func otherParties(than actor: String) -> [String] {
        unique(parties.map(\.code).filter { $0 != actor })
    }

    /// A meeting's actor and counterparts.
    ///
    /// Its parties are those after « entre »/"between" when named there; else the subject with
    /// the parties of an object or of « avec »/"with"; else those named right after the noun
    /// (« la rencontre Witkoff-Poutine »). A visiting side (« l'envoyé américain ») is the actor,
    /// else the first named. A meeting needs two parties; « cette rencontre » with no parties of
    /// its own reports a meeting already told.
    func meetingParties(_ hit: CueHit) -> (actor: String, counterparts: [String])? {
        let end = hit.range.upperBound
        // The first token from `end` on that is not in the cue's clause.
        let clauseEnd = max(end, self.clauseEnd[hit.range.lowerBound])
        var members: [String] = []
        var named = false
        if let marker = (hit.range.lowerBound..<min(tokens.count, end + 2)).first(where: { modifiers.between.startsAt(tokens, $0) }),
           let markerEnd = modifiers.between.match(in: tokens, at: marker) {
            let window = Set(Self.words(after: markerEnd, count: 10, in: tokens))
            members = unique(parties.filter { window.contains($0.range.lowerBound) && $0.range.lowerBound < clauseEnd }.map(\.code))
            named = members.count >= 2
        }
        if !named {
            var partners: [String] = []
            if hit.cue.needsObject { partners += parties(within: 5, after: end).flatMap(groupCodes) }
            if let marker = (hit.range.lowerBound..<min(tokens.count, end + 3)).first(where: { modifiers.with.startsAt(tokens, $0) }),
               let markerEnd = modifiers.with.match(in: tokens, at: marker) {
                partners += parties(within: 6, after: markerEnd).flatMap(groupCodes)
            }
            if partners.isEmpty, has(modifiers.anaphora, in: (hit.range.lowerBound - 2)..<hit.range.lowerBound) { return nil }
            members = subject(before: hit.range.lowerBound) ?? []
            if members.isEmpty { members = parties(within: 3, after: end).flatMap(groupCodes) }
            members = unique(members + partners)
            if members.isEmpty { return nil }
            // « les deux hommes ne se rencontrent »: the other side was named before; else after.
            if members.count < 2 {
                members = unique(members + parties.filter { $0.range.upperBound <= hit.range.lowerBound }.reversed().map(\.code))
            }
            if members.count < 2 {
                members = unique(members + parties.filter { $0.range.lowerBound >= end && $0.range.lowerBound < clauseEnd }.map(\.code))
            }
        }
        guard members.count >= 2 else { return nil }
        let visitor = parties.first { p in
            members.contains(p.code) && has(modifiers.visitor, in: (p.range.lowerBound - 3)..<p.range.lowerBound)
        }?.code
        let actor = visitor ?? members[0]
        return (actor, members.filter { $0 != actor })
    }

    /// A violation's accuser(s) and accused: « Kiev accuse Moscou d'avoir violé » gives UA → RU;
    /// « s'accusant mutuellement » gives an event each way.
    func violationParties(_ hit: CueHit) -> [(actor: String, counterparts: [String])] {
        let start = max(clauseStart(hit.range.lowerBound), hit.range.lowerBound - 8)
        let accusation = lastMatch(modifiers.accusation, in: start..<hit.range.lowerBound)
        let anchor = accusation?.lowerBound ?? hit.range.lowerBound
        let accusers = subject(before: anchor) ?? parties(within: 3, after: hit.range.upperBound).flatMap(groupCodes)
        let mutual = has(modifiers.mutual, in: (hit.range.lowerBound - 6)..<(hit.range.upperBound + 4))
        if mutual, accusers.count >= 2 {
            return accusers.map { a in (a, accusers.filter { $0 != a }) }
        }
        var accused: [String] = []
        if let accusation {
            accused = unique(parties.filter { $0.range.lowerBound >= accusation.upperBound && $0.range.upperBound <= hit.range.lowerBound }.map(\.code))
        } else if let speaker = speakerCode, !accusers.contains(speaker) {
            // « Selon Kiev, la Russie a violé … », "Russia violated …, Kyiv said": who says so alleges it.
            return [(speaker, accusers)]
        }
        return accusers.map { a in (a, accused.isEmpty ? otherParties(than: a) : accused.filter { $0 != a }) }
    }

    /// The party a speech verb names as speaker: after « selon », "according to", or an
    /// inverted verb (« …, a affirmé Dmitri Peskov »); else the verb's subject ("Kyiv said that").
    /// Worked out once, as `speakerCode`, for a sentence with a violation cue.
    func speaker() -> String? {
        for verb in reporting {
            let opensClause = verb.upperBound < tokens.count && modifiers.clause.startsAt(tokens, verb.upperBound)
            if !opensClause, let after = parties(within: 4, after: verb.upperBound).first { return parties[after].code }
            if let codes = subject(before: verb.lowerBound), let first = codes.first { return first }
        }
        return nil
    }

    // MARK: Conditions

    /// The conditions after a condition cue, up to a semicolon or the sentence's end; a list
    /// « …, que …, et que … » gives one each.
    func conditionTexts(after hit: CueHit) -> [String] {
        var end = hit.range.upperBound
        while end < tokens.count, tokens[end].text != ";" { end += 1 }
        guard hit.range.upperBound < end else { return [] }
        var cuts: [Int] = []
        let firstStart = enumerationStarts.partitionPoint { $0 >= hit.range.upperBound }
        for i in enumerationStarts[firstStart...].prefix(while: { $0 < end }) {
            var j = i - 1
            while j > hit.range.upperBound, tokens[j].isJoiner { j -= 1 }
            if j > hit.range.upperBound, tokens[j].text == "," || modifiers.coordination.startsAt(tokens, j) { cuts.append(i) }
        }
        var pieces: [String] = []
        var from = hit.range.upperBound
        for cut in cuts + [end] {
            // Drop the list's own joints (« , et que ») from the piece before the cut.
            var to = cut
            while to > from, tokens[to - 1].kind == .punctuation || modifiers.coordination.startsAt(tokens, to - 1) { to -= 1 }
            if to > from {
                pieces.append(String(sentence.text[tokens[from].range.lowerBound..<tokens[to - 1].range.upperBound]))
            }
            from = cut < end ? (modifiers.enumeration.match(in: tokens, at: cut) ?? cut + 1) : end
        }
        return pieces
    }
}

/// The elements in order, each once.
func unique<T: Hashable>(_ items: [T]) -> [T] {
    var seen = Set<T>()
    return items.filter { seen.insert($0).inserted }
}
