import Extraction
import Foundation
import Lexicons
import Negotiation
import Testing
import TestSupport

@Suite("Lexicons are data files a user can extend, and a broken one is named precisely")
struct LexiconTests {
    /// A copy of the fixture corpus's events folder (registries and lexicons).
    struct EventsCopy {
        let directory: TemporaryDirectory
        var path: String { directory.appending("events") }

        init() throws {
            directory = try TemporaryDirectory("lexicon")
            try Fixtures.copy(Fixtures.events, to: path)
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: path + "/lexicons/" + name, atomically: true, encoding: .utf8)
        }

        func append(_ name: String, _ text: String) throws {
            let old = try String(contentsOfFile: path + "/lexicons/" + name, encoding: .utf8)
            try write(name, old + text)
        }

        /// The problems of loading, as a person reads them, without the temporary folder.
        func problems() -> [String] {
            do {
                _ = try Lexicon.load(events: path)
                return []
            } catch {
                return error.issues.map { $0.description.replacingOccurrences(of: directory.path + "/", with: "") }
            }
        }
    }

    @Test func theFixtureLexiconsLoadWithBothLanguages() throws {
        let lexicon = try Shared.lexicon()
        #expect(lexicon.languages == ["en", "fr"])
        #expect(Set(lexicon.cues.map(\.type)) == Set([.proposal, .acceptance, .condition, .violation, .meeting, .rejection, .start]))
        #expect(lexicon.tracks.generalTrack == "truce-30-day")
    }

    @Test func aCueAddedToTheFileIsUsedWithoutRebuilding() throws {
        let copy = try EventsCopy()
        let text = "Kiev a paraphé la trêve."
        let before = try Extractor(lexicon: Lexicon.load(events: copy.path)).extract(text: text, article: "x", published: Shared.day("2025-03-20"))
        #expect(before.candidates.isEmpty)

        let cues = try String(contentsOfFile: copy.path + "/lexicons/cues.yaml", encoding: .utf8)
        try copy.write("cues.yaml", cues.replacingOccurrences(of: "events:\n", with: "events:\n  - {type: acceptance, confidence: 0.9, fr: [a paraphé]}\n"))
        let after = try Extractor(lexicon: Lexicon.load(events: copy.path)).extract(text: text, article: "x", published: Shared.day("2025-03-20"))
        #expect(after.candidates.map(\.event.type) == [.acceptance])
        #expect(after.candidates.first?.event.actor == "UA")
        #expect(after.candidates.first?.confidence == 0.9)
    }

    @Test func aTrackAddedToTheRegistryAndItsLexiconIsFound() throws {
        let copy = try EventsCopy()
        let tracks = try String(contentsOfFile: copy.path + "/tracks.yaml", encoding: .utf8)
        try (tracks + "\n  - id: easter-truce\n    names: {en: Easter truce}\n    requires: [UA, RU]\n").write(toFile: copy.path + "/tracks.yaml", atomically: true, encoding: .utf8)
        let lexicon = try String(contentsOfFile: copy.path + "/lexicons/tracks.yaml", encoding: .utf8)
        try copy.write("tracks.yaml", lexicon.replacingOccurrences(of: "tracks:\n", with: "tracks:\n  - id: easter-truce\n    fr: [trêve de Pâques]\n"))
        let result = try Extractor(lexicon: Lexicon.load(events: copy.path))
            .extract(text: "Moscou a accepté la trêve de Pâques.", article: "x", published: Shared.day("2025-04-20"))
        #expect(result.candidates.first?.event.tracks == ["easter-truce"])
    }

    @Test func anUnknownEventTypeIsNamedWithFileLineAndField() throws {
        let copy = try EventsCopy()
        try copy.write("cues.yaml", "events:\n  - type: acceptence\n    fr: [a accepté]\n")
        #expect(copy.problems() == [
            "events/lexicons/cues.yaml:2: events[0].type: unknown event type 'acceptence'; expected one of proposal, acceptance, condition, violation, meeting, rejection, start, end, extension",
        ])
    }

    @Test func badValuesAndUnknownFieldsAreNamed() throws {
        let copy = try EventsCopy()
        try copy.write("cues.yaml", """
            events:
              - type: meeting
                confidence: 1.5
                agent: somebody
                colour: blue
                fr: [rencontre]
            modifiers:
              fr:
                negation: [pas]
                negatoin: [jamais]
            extra: 1
            """)
        #expect(copy.problems() == [
            "events/lexicons/cues.yaml:3: events[0].confidence: '1.5' is not a number from 0.0 to 1.0; expected a number from 0.0 to 1.0",
            "events/lexicons/cues.yaml:4: events[0].agent: unknown agent 'somebody'; expected one of subject, after, qualifier, noun",
            "events/lexicons/cues.yaml:5: events[0].colour: unknown field 'colour'; expected one of type, confidence, agent, object, place, conditions, except, or a language code (fr, en…) with its phrases",
            "events/lexicons/cues.yaml:10: modifiers.fr.negatoin: unknown field 'negatoin'; expected one of " + [
                "negation", "negation-particles", "hypothetical", "intention", "reporting", "accusation", "visitor", "mutual", "clause",
                "coordination", "fillers", "between", "with", "anaphora", "singular", "plural", "future", "places", "near-places",
                "enumeration", "agent-prepositions", "denied",
            ].joined(separator: ", "),
            "events/lexicons/cues.yaml:11: extra: unknown field 'extra'; expected one of events, modifiers",
        ])
    }

    @Test func aYAMLSyntaxErrorIsNamedWithItsLine() throws {
        let copy = try EventsCopy()
        try copy.write("tracks.yaml", "tracks:\n  - id: energy\n    fr: [énergie\n")
        let problems = copy.problems()
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("events/lexicons/tracks.yaml:4: YAML syntax error") == true, "\(problems)")
    }

    @Test func aFieldGivenTwiceAndAnAnchorAreNamedWithTheirLines() throws {
        let copy = try EventsCopy()
        try copy.write("sentences.yaml", "abbreviations: [M, Dr]\nlanguages:\n  fr: [le, la]\n  fr: [les]\n  en: [the]\n")
        try copy.write("parties.yaml", "aliases:\n  UA: &kyiv [Kiev]\n")
        #expect(copy.problems() == [
            "events/lexicons/sentences.yaml:4: languages.fr: the field is given twice; expected each field once",
            "events/lexicons/parties.yaml:2: YAML syntax error: anchors (&name) are not supported; expected valid YAML",
        ])
    }

    @Test func aTrackOrPartyNotInTheRegistryIsRefused() throws {
        let copy = try EventsCopy()
        try copy.write("tracks.yaml", "tracks:\n  - id: eastr-truce\n    fr: [trêve de Pâques]\ngeneral:\n  track: truce-30-day\n  fr: [trêve]\n")
        try copy.write("parties.yaml", "aliases:\n  EU: [Bruxelles]\n")
        #expect(copy.problems() == [
            "events/lexicons/tracks.yaml:2: tracks[0].id: unknown track 'eastr-truce'; expected a track id from tracks.yaml: truce-30-day, energy, black-sea",
            "events/lexicons/parties.yaml:2: aliases.EU: unknown party 'EU'; expected a code from parties.yaml: UA, RU, US, CN",
        ])
    }

    @Test func aBadDateWordAndAMissingFileAreNamed() throws {
        let copy = try EventsCopy()
        let dates = try String(contentsOfFile: copy.path + "/lexicons/dates-fr.yaml", encoding: .utf8)
        try copy.write("dates-fr.yaml", dates.replacingOccurrences(of: "months: {janvier: 1,", with: "months: {janvier: 13,"))
        try FileManager.default.removeItem(atPath: copy.path + "/lexicons/sentences.yaml")
        #expect(copy.problems() == [
            "events/lexicons/sentences.yaml: the lexicon file is missing; expected a YAML file",
            "events/lexicons/dates-fr.yaml:5: months.janvier: '13' is not a whole number from 1 to 12; expected a whole number from 1 to 12",
        ])
    }
}
