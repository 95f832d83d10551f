import Negotiation

/// The report's words in one language: its own labels, and the names of tracks and parties
/// from the registry (falling back to English, then to the id).
struct Labels: Sendable {
    let language: ReportLanguage
    let registry: Registry

    private func pick(_ en: String, _ fr: String) -> String {
        switch language {
        case .en: en
        case .fr: fr
        }
    }

    // MARK: Names from the registry

    func name(of track: Track) -> String {
        track.names[language.rawValue] ?? track.names["en"] ?? track.id
    }

    func trackName(_ id: String) -> String {
        registry.track(id).map(name(of:)) ?? id
    }

    func partyName(_ code: String) -> String {
        guard let party = registry.party(code) else { return code }
        return party.names[language.rawValue] ?? party.names["en"] ?? code
    }

    func partyNames(_ codes: [String]) -> String {
        codes.map(partyName).joined(separator: ", ")
    }

    /// A term or condition: the article's own words in French, the English label otherwise.
    func words(label: String, words: [String: String]) -> String {
        language == .en ? label : words[language.rawValue] ?? label
    }

    // MARK: The vocabulary

    func status(_ status: TrackStatus) -> String {
        switch status {
        case .none: pick("no proposal", "aucune proposition")
        case .proposed: pick("proposed", "proposé")
        case .partiallyAccepted: pick("partially accepted", "partiellement accepté")
        case .conditionallyAccepted: pick("conditionally accepted", "accepté sous conditions")
        case .accepted: pick("accepted", "accepté")
        case .inEffect: pick("in effect", "en vigueur")
        case .violated: pick("violated", "violé")
        case .ended: pick("ended", "terminé")
        case .rejected: pick("rejected", "rejeté")
        }
    }

    func stance(_ stance: Stance) -> String {
        switch stance {
        case .none: pick("no position", "sans position")
        case .accepted: pick("accepted", "accepté")
        case .acceptedWithConditions: pick("accepted with conditions", "accepté sous conditions")
        case .rejected: pick("rejected", "rejeté")
        }
    }

    func type(_ type: EventType) -> String {
        switch type {
        case .proposal: pick("Proposal", "Proposition")
        case .acceptance: pick("Acceptance", "Acceptation")
        case .condition: pick("Condition", "Condition")
        case .violation: pick("Violation alleged", "Violation alléguée")
        case .meeting: pick("Meeting", "Rencontre")
        case .rejection: pick("Rejection", "Rejet")
        case .correction: pick("Correction", "Correction")
        case .retraction: pick("Retraction", "Retrait")
        case .start: pick("Start", "Entrée en vigueur")
        case .end: pick("End", "Fin")
        case .extension: pick("Extension", "Prolongation")
        case .source: pick("Source", "Source")
        }
    }

    /// Abbreviated month names for the time axis, January first.
    var months: [String] {
        switch language {
        case .en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        case .fr: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
        }
    }

    /// A day as the page's language writes it: ISO 8601 in English (`2025-03-14`, the
    /// codebook's form, which sorts and never reads two ways), in words in French
    /// (`14 mars 2025`, `1er mars 2025`).
    func day(_ d: Day) -> String {
        switch language {
        case .en: d.description
        case .fr: "\(d.day == 1 ? "1er" : String(d.day)) \(Self.frenchMonths[d.month - 1]) \(d.year)"
        }
    }

    /// A date of any precision in the page's language: in French `mars 2025` for a month and
    /// `16–18 avril 2025` or `30 mars – 2 avril 2025` for a range; in English the ISO form.
    func date(_ v: ValidTime) -> String {
        guard language == .fr else { return v.description }
        switch v {
        case .day(let d): return day(d)
        case .month(let year, let month): return "\(Self.frenchMonths[month - 1]) \(year)"
        case .range(let first, let last):
            if first.year == last.year, first.month == last.month {
                return "\(first.day == 1 ? "1er" : String(first.day))–\(day(last))"
            }
            let start = first.year == last.year ? day(first).replacingSuffix(" \(first.year)") : day(first)
            return "\(start) – \(day(last))"
        }
    }

    /// A date the log keeps as text (a claim's or a meeting's), in the page's language; text
    /// that is not a date is shown as it is.
    func date(text: String) -> String {
        (try? ValidTime(parsing: text)).map(date) ?? text
    }

    private static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                       "septembre", "octobre", "novembre", "décembre"]

    /// The colon before an explanation: French puts a space before it.
    var colon: String { pick(": ", "\u{00A0}: ") }

    /// A quotation in the language's marks.
    func quoted(_ text: String) -> String {
        pick("“\(text)”", "«\u{00A0}\(text)\u{00A0}»")
    }

    // MARK: The page

    var title: String { pick("Negotiation tracks over time", "Les volets de la négociation au fil du temps") }
    var asOf: String { pick("As of", "Au") }
    var knownOn: String { pick("as known on", "tel que connu le") }
    var notSet: String { pick("not set: everything recorded", "non fixé : tout ce qui est enregistré") }
    var tracksCount: String { pick("tracks", "volets") }
    var eventsCount: String { pick("events shown", "événements affichés") }
    var logHead: String { pick("log head", "tête du journal") }

    var legend: String { pick("How to read the chart", "Lire le graphique") }
    var legendStatus: String { pick("Status of a track (band)", "Statut d'un volet (bande)") }
    var legendEvents: String { pick("Events (markers)", "Événements (marqueurs)") }
    var legendDates: String { pick("Dates and lines", "Dates et lignes") }
    var legendNone: String { pick("no proposal yet: blank", "pas encore de proposition : vide") }
    var legendExact: String { pick("exact day: filled marker", "jour exact : marqueur plein") }
    var legendImprecise: String {
        pick("imprecise date (a month or a range): hollow marker on the last possible day, where it counts, and a bar over the days it could be",
             "date imprécise (un mois ou un intervalle) : marqueur creux au dernier jour possible, celui qui compte, et barre sur les jours possibles")
    }
    var legendImpreciseNoRange: String {
        pick("imprecise date (a month or a range): hollow marker on the last possible day, where it counts",
             "date imprécise (un mois ou un intervalle) : marqueur creux au dernier jour possible, celui qui compte")
    }
    var legendPlanned: String { pick("planned meeting (announced, not held): dashed outline", "rencontre prévue (annoncée, non tenue) : contour en pointillé") }
    var legendAsOf: String { pick("as-of day: the table below describes this day", "jour de référence : le tableau ci-dessous décrit ce jour") }
    var legendKnownOn: String { pick("known-on day: later articles are left out", "jour de connaissance : les articles postérieurs sont écartés") }
    var legendGeneralTalks: String {
        pick("general talks (meetings on the war as a whole): their own row above the lanes, counted on no track",
             "pourparlers généraux (rencontres sur la guerre dans son ensemble) : leur propre ligne au-dessus des volets, comptés sur aucun volet")
    }

    var chartLabel: String { pick("Timeline of the negotiation tracks", "Chronologie des volets de la négociation") }
    var chartCaption: String {
        pick("Each lane is a track: its band shows the status the log gives it on each day. General talks, on the war as a whole, have a row of their own and count on no track. Hover over, focus or select a marker to see its evidence. The table and the evidence list below give the same facts as text.",
             "Chaque ligne est un volet : sa bande montre le statut que lui donne le journal chaque jour. Les pourparlers généraux, sur la guerre dans son ensemble, ont leur propre ligne et ne comptent sur aucun volet. Survolez, sélectionnez ou activez un marqueur pour voir sa source. Le tableau et la liste des sources ci-dessous donnent les mêmes faits sous forme de texte.")
    }
    var generalTalks: String { pick("General talks", "Pourparlers généraux") }
    var generalTalksNote: String { pick("on the war as a whole, on no track", "sur la guerre dans son ensemble, sur aucun volet") }
    var asOfShort: String { pick("as of", "au") }
    var knownOnShort: String { pick("known on", "connu le") }

    var stateHeading: String { pick("State of the tracks", "État des volets") }
    var columnTrack: String { pick("Track", "Volet") }
    var columnStatus: String { pick("Status", "Statut") }
    var columnProposal: String { pick("Proposal and terms", "Proposition et termes") }
    var columnPositions: String { pick("Positions", "Positions") }
    var columnConditions: String { pick("Open conditions", "Conditions ouvertes") }
    var columnViolations: String { pick("Violations alleged", "Violations alléguées") }
    var columnMeetings: String { pick("Meetings held", "Rencontres tenues") }
    var columnLastEvent: String { pick("Last event", "Dernier événement") }
    var columnCeasefire: String { pick("In effect, end and claims", "En vigueur, fin et versions") }
    var columnSources: String { pick("Sources", "Sources") }
    var notInEffect: String { pick("not in effect", "pas en vigueur") }
    var inEffect: String { pick("in effect", "en vigueur") }
    var plannedStart: String { pick("its planned start", "à son début prévu") }
    var lastDay: String { pick("last day", "dernier jour le") }
    var endedOn: String { pick("ended on", "terminé le") }
    /// A status or a position reached by an event with an imprecise date: from when it was
    /// possible, and by when it is certain.
    /// In two parts, each to be kept on one line: `possibly since A,` and `certainly by B`.
    func possiblySince(_ possible: Day, certainlyBy certain: Day) -> [String] {
        [pick("possibly since \(possible),", "possiblement depuis le \(day(possible)),"),
         pick("certainly by \(certain)", "certainement dès le \(day(certain))")]
    }
    func endReason(_ reason: EndReason) -> String {
        switch reason {
        case .expired: pick("expired: its term ran out", "expiré : son terme est échu")
        case .withdrawn: pick("withdrawn", "retiré")
        case .collapsed: pick("collapsed", "rompu")
        case .superseded: pick("superseded", "remplacé")
        }
    }
    func fact(_ fact: Claim.Fact) -> String {
        switch fact {
        case .start: pick("start", "début")
        case .end: pick("end", "fin")
        }
    }
    var claims: String { pick("Claims", "Versions des parties") }
    var disputed: String { pick("disputed", "contesté") }
    var disputedNote: String { pick("the parties' accounts differ", "les versions des parties divergent") }
    func sourcesBehind(_ n: Int) -> String {
        n == 1 ? pick("1 source behind this state", "1 source à l'appui de cet état")
            : pick("\(n) sources behind this state", "\(n) sources à l'appui de cet état")
    }
    func generalTalksHeld(held: Int, planned: Int) -> String {
        var text = pick("\(generalTalks) (on no track): \(held) held", "\(generalTalks) (sur aucun volet)\u{00A0}: \(held) tenus")
        if planned > 0 { text += pick(", \(planned) planned", ", \(planned) prévus") }
        return text
    }
    var none: String { pick("none", "aucune") }
    var since: String { pick("since", "depuis le") }
    var last: String { pick("last", "dernière le") }
    var inPlace: String { pick("in", "à") }
    var uncertain: String {
        pick("counts an event with an imprecise date", "compte un événement à date imprécise")
    }

    var auditHeading: String { pick("How each proposal changed", "L'évolution de chaque proposition") }
    var auditEmpty: String { pick("No proposal is recorded by this day.", "Aucune proposition n'est enregistrée à cette date.") }
    func steps(_ n: Int) -> String {
        n == 1 ? pick("1 step", "1 étape") : pick("\(n) steps", "\(n) étapes")
    }
    var by: String { pick("by", "par") }
    var termAdded: String { pick("term added", "terme ajouté") }
    var termRemoved: String { pick("term removed", "terme retiré") }
    var conditionAdded: String { pick("condition added", "condition ajoutée") }
    var conditionRemoved: String { pick("condition closed", "condition levée") }
    var statusChange: String { pick("status", "statut") }
    var noChange: String { pick("no change in the terms, conditions, positions or status", "aucun changement de termes, conditions, positions ou statut") }
    var fixedBy: String { pick("our record of it was fixed by", "notre enregistrement a été corrigé par") }
    var recordFixes: String {
        pick("Our record was fixed (not a change in the negotiation)", "Notre enregistrement a été corrigé (ce n'est pas un changement de la négociation)")
    }
    var corrected: String { pick("corrected", "corrigé") }
    var retracted: String { pick("retracted", "retiré") }

    var evidenceHeading: String { pick("Evidence", "Sources") }
    var evidenceIntro: String {
        pick("Every event shown, in the order it counts, with the words of its article.",
             "Chaque événement affiché, dans l'ordre où il compte, avec les mots de son article.")
    }
    var exactDay: String { pick("exact day", "jour exact") }
    func imprecise(_ on: ValidTime) -> String {
        switch on {
        case .month: pick("imprecise: some day in the month; counts from \(on.last)", "imprécis : un jour du mois ; compte à partir du \(day(on.last))")
        default: pick("imprecise: between \(on.first) and \(on.last); counts from \(on.last)",
                      "imprécis : entre le \(day(on.first)) et le \(day(on.last)) ; compte à partir du \(day(on.last))")
        }
    }
    var planned: String { pick("planned, not held", "prévue, non tenue") }
    var at: String { pick("at", "à") }
    var source: String { pick("Source", "Source") }
    var alsoReportedBy: String { pick("Also reported by", "Également rapporté par") }
    func sourcesWord(_ n: Int) -> String { n == 1 ? pick("source", "source") : pick("sources", "sources") }
    func otherSources(_ n: Int) -> String {
        n == 1 ? pick("1 other source", "1 autre source") : pick("\(n) other sources", "\(n) autres sources")
    }
    var generalScope: String { pick("general talks, on no track", "pourparlers généraux, sur aucun volet") }
    var published: String { pick("published", "publié le") }
    /// How precisely an article's date is known, as a phrase.
    func precision(_ p: DatePrecision) -> String {
        switch p {
        case .day: pick("date known to the day", "date au jour près")
        case .withinDays(let n): pick("date known to ±\(n) day\(n == 1 ? "" : "s")", "date à ±\(n) jour\(n == 1 ? "" : "s") près")
        case .month: pick("date known to the month", "date au mois près")
        }
    }
    var article: String { pick("article", "article") }
    var unknownArticle: String { pick("article not in the log", "article absent du journal") }
    var logPosition: String { pick("log sequence", "séquence du journal") }
    var hash: String { pick("hash", "empreinte") }
    var tracksWord: String { pick("Tracks", "Volets") }

    /// The line under an embedded chart: where it comes from and what it answers.
    var embedSource: String { pick("Source: Parley, a log of the negotiation built from press articles", "Source : Parley, journal de la négociation tiré d'articles de presse") }

    var stampHeading: String { pick("Reproduce this report", "Reproduire ce rapport") }
    var stampIntro: String {
        pick("The same log (same last sequence and head hash, as parley verify prints them) and the same command give the same page.",
             "Le même journal (même dernière séquence et même empreinte de tête, telles que parley verify les affiche) et la même commande donnent la même page.")
    }
    var stampAsOf: String { pick("As of", "Au") }
    var stampKnownOn: String { pick("Known on", "Connu le") }
    var stampAxis: String { pick("Time axis", "Axe du temps") }
    var stampSequence: String { pick("Log: last sequence", "Journal : dernière séquence") }
    var stampHead: String { pick("Log: head hash", "Journal : empreinte de tête") }
    var stampCommand: String { pick("Command", "Commande") }
    var through: String { pick("through", "au") }
}

private extension String {
    /// The text without `suffix` at its end, or as it is.
    func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
