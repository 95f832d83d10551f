import Corpus
import Extraction
import Foundation
import Negotiation
import TestSupport
import Testing

@Suite("Extraction finds events with their parties, tracks, dates and modality")
struct ExtractorTests {
    /// The candidates of one type.
    static func of(_ type: EventType, _ candidates: [Candidate]) -> [Candidate] {
        candidates.filter { $0.event.type == type }
    }

    @Test func theEnglishBlackSeaParagraphGivesTheMeetingAndTheCondition() throws {
        let text = try String(contentsOfFile: Shared.fixtures + "/black-sea-talks-en.txt", encoding: .utf8)
        let result = try Shared.extractor().extract(text: text, article: "black-sea-talks-en", published: Shared.day("2025-03-25"))
        #expect(result.language == "en")

        let meeting = try #require(Self.of(.meeting, result.candidates).first { $0.event.counterparts.contains("RU") && !$0.event.planned })
        #expect(meeting.event.actor == "US")
        #expect(meeting.event.counterparts == ["RU"])
        #expect(meeting.event.tracks == ["black-sea"])
        #expect(meeting.event.on == .day(try Shared.day("2025-03-24")))  // « on Monday », published Tuesday 25 March
        #expect(meeting.event.place == "Riyadh")
        #expect(meeting.precision == .day)

        let condition = try #require(Self.of(.condition, result.candidates).first)
        #expect(condition.event.actor == "RU")
        #expect(condition.event.tracks == ["black-sea"])
        #expect(condition.event.conditions.first?.words["en"]?.hasPrefix("Western sanctions on Russian farm exports be lifted") == true)
        // "The Kremlin said on Tuesday that …": the statement's date bounds the demand.
        #expect(condition.precision == .onOrBefore)
        #expect(condition.event.on?.last == (try Shared.day("2025-03-25")))

        let other = try #require(Self.of(.meeting, result.candidates).first { $0.event.counterparts == ["UA"] })
        #expect(other.event.actor == "US")
        #expect(other.event.on == .day(try Shared.day("2025-03-23")))
        let planned = try #require(Self.of(.meeting, result.candidates).first { $0.event.planned })
        #expect(planned.event.actor == "US" && planned.event.counterparts == ["RU"])
    }

    @Test(arguments: [
        ("L'Ukraine n'a pas accepté la trêve.", "fr"),
        ("Kiev n’a jamais approuvé le cessez-le-feu.", "fr"),
        ("Kyiv did not agree to the ceasefire.", "en"),
        ("Russia has refused to accept a full ceasefire.", "en"),
        ("La Russie refuse d'accepter le cessez-le-feu de 30 jours.", "fr"),
        // Implicative verbs: the act they name is not done.
        ("The Kremlin stopped short of accepting the 30-day ceasefire.", "en"),
        ("Moscow declined to accept the ceasefire on Tuesday.", "en"),
    ])
    func aNegatedAcceptanceIsARefusalNotAnAcceptance(_ text: String, _ language: String) throws {
        let candidates = try Shared.extract(text, published: "2025-03-20", language: language)
        #expect(Self.of(.acceptance, candidates).isEmpty)
        let rejection = try #require(Self.of(.rejection, candidates).first)
        #expect(rejection.event.tracks == ["truce-30-day"])
    }

    /// A group noun stands for the two sides named just before it, each its own act.
    @Test(arguments: [
        ("Kiev et Moscou ont négocié lundi. Les deux camps se sont mutuellement accusés de violer la trêve énergétique.", "fr"),
        ("Kyiv and Moscow held talks on Monday. Both sides accused each other of violating the energy truce.", "en"),
    ])
    func aGroupNounGivesAnActForEachSide(text: String, language: String) throws {
        let violations = Self.of(.violation, try Shared.extract(text, published: "2025-03-25", language: language))
        #expect(Set(violations.map { "\($0.event.actor ?? "?")>\($0.event.counterparts.joined(separator: ","))" }) == ["UA>RU", "RU>UA"],
                "\(violations.map(\.event))")
    }

    /// A mediator named just before is not one of « both sides »: the sides are the parties a
    /// track requires.
    @Test func aGroupNounPassesOverTheMediator() throws {
        let text = "Russia and Ukraine sent delegations to Riyadh. Washington said on Tuesday that both sides agreed to a Black Sea truce."
        let acceptances = Self.of(.acceptance, try Shared.extract(text, published: "2025-03-25", language: "en"))
        #expect(Set(acceptances.compactMap(\.event.actor)) == ["UA", "RU"], "\(acceptances.map(\.event))")
    }

    /// With fewer than two parties named before it, a group noun stands for no one.
    @Test func aGroupNounWithNoSidesBeforeItNamesNoOne() throws {
        let candidates = try Shared.extract("Both sides accused each other of violating the energy truce.", published: "2025-03-25", language: "en")
        #expect(Self.of(.violation, candidates).isEmpty, "\(candidates.map(\.event))")
    }

    /// A ceasefire named with no qualifier is the article's main track when one is named more
    /// than any other, else the general one.
    @Test func aBareCeasefireIsTheArticlesMainTrack() throws {
        let main = "Russia declared a Black Sea truce on Saturday. The Black Sea truce was to protect shipping. "
            + "On Sunday, Ukraine accused Russia of violating the truce."
        let violation = try #require(Self.of(.violation, try Shared.extract(main, published: "2025-04-21", language: "en")).first)
        #expect(violation.event.tracks == ["black-sea"])
        #expect(violation.reasons.contains { $0.hasPrefix("track: the article's main track") })

        let none = "On Sunday, Ukraine accused Russia of violating the truce."
        let general = try #require(Self.of(.violation, try Shared.extract(none, published: "2025-04-21", language: "en")).first)
        #expect(general.event.tracks == ["truce-30-day"])
    }

    /// Cue classes: a truce taking effect, a truce announced or called for, an agreement
    /// reached together, a condition put as "only after".
    @Test(arguments: [
        ("Kyiv said the energy truce took effect on Tuesday.", "en", EventType.start, "UA", "energy"),
        ("Le Kremlin a annoncé samedi une trêve sur les infrastructures énergétiques.", "fr", .proposal, "RU", "energy"),
        ("On Monday, Ukraine called for a full ceasefire.", "en", .proposal, "UA", "truce-30-day"),
        ("Moscou s'est engagé à respecter la trêve en mer Noire.", "fr", .acceptance, "RU", "black-sea"),
        ("Russia would stop its strikes on energy sites only after sanctions were lifted, the Kremlin said.", "en", .condition, "RU", "energy"),
    ])
    func aCueClassGivesItsEvent(text: String, language: String, type: EventType, actor: String, track: String) throws {
        let candidates = try Shared.extract(text, published: "2025-03-25", language: language)
        #expect(Self.of(type, candidates).contains { $0.event.actor == actor && $0.event.tracks == [track] }, "\(candidates.map(\.event))")
    }

    /// Two parties agreeing together: an acceptance each.
    @Test func aJointAgreementIsAnAcceptanceForEachParty() throws {
        let candidates = try Shared.extract("La Russie et l'Ukraine ont convenu mardi d'un moratoire sur les frappes énergétiques.",
                                            published: "2025-03-25", language: "fr")
        #expect(Set(Self.of(.acceptance, candidates).compactMap(\.event.actor)) == ["RU", "UA"], "\(candidates.map(\.event))")
    }

    /// Turning down an accusation is a denial, not the rejection of a proposal.
    @Test(arguments: [
        ("Le Kremlin a rejeté les accusations de Kiev sur la trêve énergétique.", "fr"),
        ("Moscow rejected the claims about the energy truce on Monday.", "en"),
    ])
    func aRejectedAccusationIsNoRejection(text: String, language: String) throws {
        let candidates = try Shared.extract(text, published: "2025-03-25", language: language)
        #expect(Self.of(.rejection, candidates).isEmpty, "\(candidates.map(\.event))")
        let refused = try Shared.extract("Le Kremlin a rejeté la proposition de trêve énergétique.", published: "2025-03-25", language: "fr")
        #expect(Self.of(.rejection, refused).first?.event.actor == "RU")
    }

    /// « en cas de », "in case of": what would happen is no fact.
    @Test func aViolationInCaseOfIsHypothetical() throws {
        let fact = try #require(Self.of(.violation, try Shared.extract("Kiev accuse Moscou d'avoir violé la trêve énergétique.",
                                                                      published: "2025-03-25", language: "fr")).first)
        let maybe = try #require(Self.of(.violation, try Shared.extract("En cas de violation de la trêve énergétique, Kiev répondra, a dit Zelensky.",
                                                                       published: "2025-03-25", language: "fr")).first)
        #expect(maybe.confidence < fact.confidence && maybe.reasons.contains("hypothetical"), "\(maybe.reasons)")
    }

    @Test func aHypotheticalAcceptanceCountsLessThanAFact() throws {
        let fact = try #require(Shared.extract("Moscou a accepté une trêve.", published: "2025-03-20").first)
        let maybe = try #require(Shared.extract("Moscou pourrait accepter une trêve.", published: "2025-03-20").first)
        #expect(fact.event.type == .acceptance && maybe.event.type == .acceptance)
        #expect(maybe.confidence < fact.confidence)
        #expect(maybe.reasons.contains("hypothetical"))
    }

    @Test func aHypotheticalAcceptanceWithAConditionIsTheCondition() throws {
        let candidates = try Shared.extract("Russia would agree to a Black Sea truce only if sanctions were lifted.", published: "2025-03-20")
        #expect(Self.of(.acceptance, candidates).isEmpty)
        #expect(Self.of(.condition, candidates).first?.event.actor == "RU")
    }

    @Test func aFactualAcceptanceWithAConditionIsOneAcceptanceWithConditions() throws {
        let candidates = try Shared.extract(
            "Kiev a accepté un cessez-le-feu temporaire proposé par Washington le 11 mars, à condition que la Russie s'y conforme.",
            published: "2025-03-15")
        let acceptance = try #require(Self.of(.acceptance, candidates).first)
        #expect(acceptance.event.actor == "UA")
        #expect(acceptance.event.conditions.map(\.label) == ["la Russie s'y conforme"])
        #expect(Self.of(.condition, candidates).isEmpty)
        let proposal = try #require(Self.of(.proposal, candidates).first)
        #expect(proposal.event.actor == "US")  // « proposé par Washington »
        #expect(proposal.event.proposal == "truce-30-day/us")
        #expect(proposal.event.on == .day(try Shared.day("2025-03-11")))
    }

    @Test(arguments: [
        ("Trump could meet Putin in the coming weeks.", "en"),
        ("Trump wants to meet Putin.", "en"),
        ("Les délégations russe et ukrainienne se réuniront à Istanbul la semaine prochaine.", "fr"),
        ("Un éventuel appel téléphonique entre MM. Poutine et Trump pourrait être organisé.", "fr"),
        ("M. Trump a déclaré qu'il était prêt à rencontrer le dirigeant russe.", "fr"),
    ])
    func aPossibleOrFutureMeetingIsPlannedAndDatedWhenAnnounced(_ text: String, _ language: String) throws {
        let meeting = try #require(Shared.extract(text, published: "2025-03-20", language: language).first)
        #expect(meeting.event.type == .meeting)
        #expect(meeting.event.planned)
        #expect(try #require(meeting.event.on).last <= (try Shared.day("2025-03-20")))
    }

    @Test func aFutureDateIsNotedAsWhatThePlanIsFor() throws {
        let meeting = try #require(Shared.extract("Les délégations russe et ukrainienne se réuniront à Istanbul la semaine prochaine.",
                                                  published: "2025-03-20").first)
        #expect(meeting.event.place == "Istanbul")
        #expect(meeting.event.note?.contains("planned for 2025-03-24..2025-03-30") == true)
    }

    @Test func aHeldMeetingIsNotPlanned() throws {
        let meeting = try #require(Shared.extract("L'envoyé spécial Steve Witkoff a rencontré hier le président russe Vladimir Poutine.",
                                                  published: "2025-04-12").first)
        #expect(meeting.event.type == .meeting && !meeting.event.planned)
        #expect(meeting.event.actor == "US" && meeting.event.counterparts == ["RU"])
        #expect(meeting.event.on == .day(try Shared.day("2025-04-11")))
    }

    @Test func theVisitingSideIsTheMeetingsActor() throws {
        let meeting = try #require(Shared.extract("Le président russe Vladimir Poutine a rencontré l'envoyé américain Steve Witkoff jeudi.",
                                                  published: "2025-03-14").first)
        #expect(meeting.event.actor == "US")
        #expect(meeting.event.counterparts == ["RU"])
    }

    @Test func aStatementsDateBoundsWhatItReports() throws {
        let c = try #require(Shared.extract("Le Kremlin a déclaré vendredi que Moscou avait accepté la trêve.", published: "2025-03-14").first)
        #expect(c.precision == .onOrBefore)
        #expect(c.event.on?.last == (try Shared.day("2025-03-14")))
        #expect(c.event.on?.first == (try Shared.day("2025-02-12")))
    }

    @Test func mutualAccusationsGiveOneViolationEachWay() throws {
        let candidates = try Shared.extract(
            "Les forces ukrainiennes et russes s'accusant mutuellement d'avoir violé l'interdiction d'attaquer les sites énergétiques.",
            published: "2025-04-12")
        let violations = Self.of(.violation, candidates).map { "\($0.event.actor ?? "")→\($0.event.counterparts)" }.sorted()
        #expect(violations == ["RU→[\"UA\"]", "UA→[\"RU\"]"])
        #expect(Self.of(.violation, candidates).allSatisfy { $0.event.tracks == ["energy"] })
    }

    @Test func whoeverAccusesOrSaysSoAllegesAViolation() throws {
        let accused = try #require(Shared.extract("Kyiv accused Moscow of breaching the energy truce on April 2.", published: "2025-04-04").first)
        #expect(accused.event.actor == "UA" && accused.event.counterparts == ["RU"])
        let said = try #require(Shared.extract("Selon Kiev, la Russie a violé le cessez-le-feu énergétique.", published: "2025-04-04").first)
        #expect(said.event.actor == "UA" && said.event.counterparts == ["RU"])
    }

    @Test func coordinatedPartiesEachAccept() throws {
        let candidates = try Shared.extract(
            "L'administration Trump a obtenu de Kiev et de Moscou qu'ils acceptent provisoirement deux cessez-le-feu restreints, l'un protégeant les infrastructures énergétiques et l'autre le commerce maritime en mer Noire.",
            published: "2025-04-12")
        let acceptances = Self.of(.acceptance, candidates).map { "\($0.event.actor ?? "") \($0.event.tracks)" }.sorted()
        #expect(acceptances == ["RU [\"black-sea\"]", "RU [\"energy\"]", "UA [\"black-sea\"]", "UA [\"energy\"]"])
    }

    @Test func enumeratedDemandsAreOneConditionEach() throws {
        let candidates = try Shared.extract(
            "M. Poutine a demandé que l'Ukraine soit exclue de l'OTAN, que son armée soit limitée et que la trêve soit surveillée.",
            published: "2025-04-12")
        let conditions = Self.of(.condition, candidates)
        #expect(conditions.map { $0.event.conditions.first?.label ?? "" } == [
            "l'Ukraine soit exclue de l'OTAN", "son armée soit limitée", "la trêve soit surveillée",
        ])
        #expect(conditions.allSatisfy { $0.event.actor == "RU" && $0.event.tracks == ["truce-30-day"] })
    }

    @Test func tracksComeFromTheTrackLexiconAndASpecificTrackBeatsTheGeneralOne() throws {
        let cases: [(String, String, [String])] = [
            ("Kiev a accepté un cessez-le-feu de 30 jours.", "fr", ["truce-30-day"]),
            ("Kiev a accepté une trêve.", "fr", ["truce-30-day"]),
            ("Kiev a accepté la trêve sur les infrastructures énergétiques.", "fr", ["energy"]),
            ("Kiev a accepté le cessez-le-feu en mer Noire.", "fr", ["black-sea"]),
            ("Ukraine agreed to halt strikes on energy infrastructure.", "en", ["energy"]),
            ("Russia accepted the Black Sea ceasefire.", "en", ["black-sea"]),
        ]
        for (text, language, tracks) in cases {
            let c = try #require(Shared.extract(text, published: "2025-03-20", language: language).first, "\(text)")
            #expect(c.event.tracks == tracks, "\(text)")
        }
    }

    @Test func partiesComeFromTheRegistryAliasesPeopleIncluded() throws {
        let cases: [(String, String)] = [
            ("Zelensky a accepté la trêve.", "UA"), ("Sybiha a accepté la trêve.", "UA"), ("Le Kremlin a accepté la trêve.", "RU"),
            ("Peskov a accepté la trêve.", "RU"), ("Rubio a accepté la trêve.", "US"), ("La Maison-Blanche a accepté la trêve.", "US"),
            ("The U.S. accepted the truce.", "US"), ("Kyïv a accepté la trêve.", "UA"),
        ]
        for (text, actor) in cases {
            #expect(try Shared.extract(text, published: "2025-03-20").first?.event.actor == actor, "\(text)")
        }
        // "US" is an alias only in capitals: the pronoun is not a party.
        #expect(try Shared.extract("Let us accept the truce.", published: "2025-03-20", language: "en").isEmpty)
    }

    @Test func aProposalNeedsItsAuthor() throws {
        #expect(try Self.of(.proposal, Shared.extract("L'Ukraine a déjà approuvé la proposition de trêve.", published: "2025-03-14")).isEmpty)
        let proposal = try #require(Self.of(.proposal, Shared.extract(
            "Poutine a discuté de la proposition américaine d'un cessez-le-feu de 30 jours.", published: "2025-03-14")).first)
        #expect(proposal.event.actor == "US")
    }

    @Test func aMeetingNeedsTwoSidesAndARealObject() throws {
        #expect(try Shared.extract("L'administration Trump a rencontré un premier succès en obtenant de Kiev un accord.", published: "2025-04-12").isEmpty)
        #expect(try Shared.extract("Cette rencontre, qui pourrait avoir lieu bientôt, inquiète la Russie.", published: "2025-04-12").isEmpty)
        #expect(try Shared.extract("M. Poutine et M. Trump ne se sont pas rencontrés depuis janvier.", published: "2025-04-12").isEmpty)
    }

    @Test func theSameEventToldTwiceIsProposedOnce() throws {
        let text = "Witkoff a rencontré Poutine jeudi à Moscou. La rencontre entre Witkoff et Poutine a duré trois heures, selon le Kremlin."
        let meetings = try Self.of(.meeting, Shared.extract(text, published: "2025-03-14"))
        #expect(meetings.count == 1)
        #expect(meetings.first?.event.on == .day(try Shared.day("2025-03-13")))
        #expect(meetings.first?.event.note?.contains("also told in sentence 2") == true)
    }

    @Test func anUndatedEventIsARangeEndingAtPublication() throws {
        let c = try #require(Shared.extract("L'Ukraine a approuvé la trêve.", published: "2025-03-14").first)
        #expect(c.precision == .undated)
        #expect(c.event.on == .range(try Shared.day("2025-02-12"), try Shared.day("2025-03-14")))
    }

    @Test func theLanguageIsDetectedWhenNotGiven() throws {
        let extractor = try Shared.extractor()
        #expect(extractor.detectLanguage("Le président a déclaré que la trêve était acceptée par les deux parties.") == "fr")
        #expect(extractor.detectLanguage("The president said that the truce was accepted by both sides.") == "en")
    }

    @Test func aLanguageWithoutLexiconsIsRefused() throws {
        let error = #expect(throws: ExtractionError.self) {
            try Shared.extractor().extract(text: "Der Waffenstillstand.", article: "de", published: Shared.day("2025-03-20"), language: "de")
        }
        #expect(error?.problem.contains("'de'") == true)
    }

    @Test func candidateIdsAreUniqueAndWellFormedAndQuotesAreVerbatim() throws {
        let corpus = try Corpus.load(seeds: Fixtures.seeds, events: Fixtures.events)
        for source in corpus.articles {
            let a = source.article
            let result = try Shared.extractor().extract(text: source.text, article: a.id, published: a.published, language: a.language)
            let ids = result.candidates.map(\.event.id)
            #expect(Set(ids).count == ids.count)
            for id in ids {
                #expect(id.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || "-._".contains($0) }, "\(id)")
                #expect(id.hasPrefix(a.id.lowercased()))
            }
            let matcher = QuoteMatcher(article: source.text)
            for c in result.candidates {
                #expect(matcher.contains(c.event.quote ?? ""), "\(c.event.id)")
                #expect((0...1).contains(c.confidence))
                #expect(try #require(c.event.on).last <= a.published)
            }
        }
    }
}
