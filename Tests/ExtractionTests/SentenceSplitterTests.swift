import Corpus
import Extraction
import Negotiation
import TestSupport
import Testing

@Suite("Sentences survive quotes, abbreviations, initials, numbers and bullets")
struct SentenceSplitterTests {
    static func split(_ text: String) throws -> [String] {
        try Shared.extractor().sentences(text).map(\.text)
    }

    @Test func aQuotationOfSeveralSentencesStaysInTheSentenceThatReportsIt() throws {
        let text = "« Ce ne sera pas facile. Ce ne sera pas simple. Mais nous avançons », a déclaré Rubio. Le lendemain, il est parti."
        #expect(try Self.split(text) == [
            "« Ce ne sera pas facile. Ce ne sera pas simple. Mais nous avançons », a déclaré Rubio.",
            "Le lendemain, il est parti.",
        ])
    }

    @Test func aQuotationEndingASentenceEndsItAfterTheClosingMark() throws {
        let text = "Il a dit : « Nous verrons. » Puis il est parti. « Oui ! » Fin."
        #expect(try Self.split(text) == ["Il a dit : « Nous verrons. »", "Puis il est parti.", "« Oui ! »", "Fin."])
    }

    @Test func quotesInsideQuotesDoNotEndTheOuterOne() throws {
        let text = "« Il m’a dit “c’est fini. Rentrez.” et je l’ai cru », a raconté M. Dupont. Second."
        #expect(try Self.split(text) == ["« Il m’a dit “c’est fini. Rentrez.” et je l’ai cru », a raconté M. Dupont.", "Second."])
        let english = "He said \"we are close. Very close.\" Then he left."
        #expect(try Self.split(english) == ["He said \"we are close. Very close.\"", "Then he left."])
    }

    @Test func honorificsAndTitlesDoNotEndASentence() throws {
        let text = "M. Poutine a reçu MM. Witkoff et Kushner. Mme Leavitt et Dr. Smith ont parlé à St. Petersburg hier. Fin."
        #expect(try Self.split(text) == [
            "M. Poutine a reçu MM. Witkoff et Kushner.",
            "Mme Leavitt et Dr. Smith ont parlé à St. Petersburg hier.",
            "Fin.",
        ])
    }

    @Test func initialsDoNotEndASentence() throws {
        let text = "J. D. Vance met U.S. officials. They left."
        #expect(try Self.split(text) == ["J. D. Vance met U.S. officials.", "They left."])
    }

    @Test func numbersDoNotEndASentenceButAYearAtTheEndDoes() throws {
        let text = "Growth was 3.5 percent, or 1,200.50 dollars, in 2021. The war began in 2022. Next."
        #expect(try Self.split(text) == ["Growth was 3.5 percent, or 1,200.50 dollars, in 2021.", "The war began in 2022.", "Next."])
    }

    @Test func listBulletsStartSentencesAndAreNotPartOfThem() throws {
        let text = """
            Principaux renseignements
              • Trump cherche un sommet avec Poutine.
              • Cette rencontre pourrait avoir lieu bientôt.
            - A dash item
            1. A numbered item
            2) Another one
            """
        #expect(try Self.split(text) == [
            "Principaux renseignements",
            "Trump cherche un sommet avec Poutine.",
            "Cette rencontre pourrait avoir lieu bientôt.",
            "A dash item",
            "A numbered item",
            "Another one",
        ])
    }

    @Test func headingsAreSentencesAndSoftWrappedLinesAreJoined() throws {
        let text = "Médiations à Istanbul\nDes pourparlers ont commencé ce jeudi matin\nà Istanbul, avec un objectif déclaré. Fin."
        #expect(try Self.split(text) == [
            "Médiations à Istanbul",
            "Des pourparlers ont commencé ce jeudi matin à Istanbul, avec un objectif déclaré.",
            "Fin.",
        ])
    }

    @Test func anUnbalancedQuoteDoesNotSwallowTheNextParagraph() throws {
        let text = "Il a précisé qu' »on ne peut pas garantir la sécurité. » Ensuite, la suite.\nUn « guillemet ouvert jamais fermé. Et ceci.\nNouveau paragraphe."
        let sentences = try Self.split(text)
        #expect(sentences.first == "Il a précisé qu' »on ne peut pas garantir la sécurité. »")
        #expect(sentences.contains("Ensuite, la suite."))
        #expect(sentences.last == "Nouveau paragraphe.")
    }

    @Test func questionsExclamationsAndEllipsesEndSentences() throws {
        #expect(try Self.split("Est-ce fini ? Non ! Peut-être… Qui sait.") == ["Est-ce fini ?", "Non !", "Peut-être…", "Qui sait."])
    }

    @Test func everySentenceOfTheSeedArticlesIsTheirOwnWords() throws {
        let corpus = try Corpus.load(seeds: Fixtures.seeds, events: Fixtures.events)
        for source in corpus.articles {
            let sentences = try Shared.extractor().sentences(source.text)
            #expect(sentences.count > 10, "\(source.article.id)")
            let matcher = QuoteMatcher(article: source.text)
            for s in sentences {
                #expect(matcher.contains(s.text), "\(source.article.id): \(s.text)")
            }
        }
    }
}
