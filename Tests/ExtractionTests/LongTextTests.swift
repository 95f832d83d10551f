import Corpus
import Extraction
import Foundation
import Lexicons
import Negotiation
import TestSupport
import Testing

@Suite("A long text is read in pieces of bounded length, and an event told many times is proposed once")
struct LongTextTests {
    /// News words with commas but no sentence mark (. ! ? …) and no line break, `bytes` long at least.
    static func unpunctuated(bytes: Int) -> String {
        let words = "The Kremlin said on Tuesday that Moscow demanded that Western sanctions on Russian farm exports be lifted "
            + "American and Russian negotiators met in Riyadh on Monday for twelve hours of talks on a ceasefire for commercial shipping in the Black Sea "
            + "Kyiv has not agreed to that demand, and Ukraine's defence minister said the country rejected any link between shipping and sanctions "
            + "Washington proposed the maritime ceasefire in March, days after Ukraine accepted a 30-day ceasefire on March 11 "
        return String(repeating: words, count: bytes / words.utf8.count + 1)
    }

    static let bound = SentenceSplitter.defaultMaximumLength

    @Test func aMegabyteWithoutSentenceMarksIsCutIntoPiecesOfAtMostTheBound() {
        let text = Self.unpunctuated(bytes: 1_000_000)
        let sentences = SentenceSplitter(abbreviations: []).sentences(text)
        let lengths = sentences.map { text[$0.range].count }
        #expect(lengths.allSatisfy { $0 <= Self.bound })
        // Every piece but the last has more than half the bound: 500 to 1,000 pieces for a megabyte.
        #expect(lengths.dropLast().allSatisfy { $0 > Self.bound / 2 })
        #expect((text.count / Self.bound)...(text.count / (Self.bound / 2) + 1) ~= sentences.count)
        // A comma falls in every piece's second half, so each is cut after one.
        #expect(sentences.dropLast().allSatisfy { $0.text.hasSuffix(",") })
        // Nothing is lost or repeated: the pieces are the text's words, in order.
        #expect(sentences.map(\.text).joined(separator: " ") == text.split(separator: " ").joined(separator: " "))
        #expect(sentences.map(\.index) == Array(sentences.indices))
        #expect(Set(sentences.map(\.paragraph)) == [0])
    }

    @Test func aPieceEndsAfterTheLastCommaOfItsSecondHalfElseAtItsLastSpace() {
        let splitter = SentenceSplitter(abbreviations: [], maximumLength: 20)
        #expect(splitter.sentences("aaaa bbbb cccc, dddd eeee ffff").map(\.text) == ["aaaa bbbb cccc,", "dddd eeee ffff"])
        // The comma is in the first half: the piece is as long as it may be.
        #expect(splitter.sentences("aaaa bbbb, cccc dddd eeee ffff gggg").map(\.text) == ["aaaa bbbb, cccc dddd", "eeee ffff gggg"])
        #expect(splitter.sentences("aaaa bbbb cccc dddddd eeee").map(\.text) == ["aaaa bbbb cccc", "dddddd eeee"])
    }

    @Test func aWordOfHalfTheBoundOrMoreIsCutAtTheBound() {
        let splitter = SentenceSplitter(abbreviations: [], maximumLength: 10)
        #expect(splitter.sentences("abcdefghijklmnopqrstuvwxyz abc").map(\.text) == ["abcdefghij", "klmnopqrst", "uvwxyz abc"])
        #expect(splitter.sentences("ab cdefghijklmnop").map(\.text) == ["ab cdefghi", "jklmnop"])
    }

    @Test func aSentenceOfTheBoundIsWholeAndOneCharacterMoreIsCut() {
        let splitter = SentenceSplitter(abbreviations: [], maximumLength: 30)
        let exact = "Kyiv and Moscow met in Riyadh."  // 30 characters
        #expect(splitter.sentences(exact + " Then they left.").map(\.text) == [exact, "Then they left."])
        #expect(splitter.sentences("Kyiv and Moscow met in Riyadh, Then they left.").map(\.text) == ["Kyiv and Moscow met in Riyadh,", "Then they left."])
        // Sentences end where they always did, with or without the bound.
        let article = try? String(contentsOfFile: Shared.fixtures + "/black-sea-talks-en.txt", encoding: .utf8)
        let bounded = SentenceSplitter(abbreviations: ["Mr"]).sentences(article ?? "")
        let unbounded = SentenceSplitter(abbreviations: ["Mr"], maximumLength: Int.max).sentences(article ?? "")
        #expect(!bounded.isEmpty)
        #expect(bounded.map(\.text) == unbounded.map(\.text))
    }

    @Test func everyEventOfAnUnpunctuatedTextQuotesAPieceOfIt() throws {
        let text = Self.unpunctuated(bytes: 60_000)
        let published = try Shared.day("2025-03-25")
        let result = try Shared.extractor().extract(text: text, article: "unpunctuated", published: published)
        #expect(result.language == "en")
        #expect(result.sentenceCount >= 30)
        #expect(!result.candidates.isEmpty)
        let matcher = QuoteMatcher(article: text)
        for c in result.candidates {
            let quote = try #require(c.event.quote)
            #expect(quote.count <= Self.bound)
            #expect(matcher.contains(quote))
        }
        // The same news, told in every piece, is proposed once each: the meeting in Riyadh.
        let meetings = result.candidates.filter { $0.event.type == .meeting && $0.event.place == "Riyadh" }
        #expect(meetings.count == 1)
    }

    @Test func anEventToldInThousandsOfSentencesIsOneCandidateListingThemAll() throws {
        let sentence = "Ukraine accepted the 30-day ceasefire on March 11. "
        let text = String(repeating: sentence, count: 3_000)
        let result = try Shared.extractor().extract(text: text, article: "repeated", published: Shared.day("2025-03-25"))
        #expect(result.sentenceCount == 3_000)
        let candidate = try #require(result.candidates.first)
        #expect(result.candidates.count == 1)
        #expect(candidate.event.type == .acceptance && candidate.event.actor == "UA")
        #expect(candidate.sentence == 0)
        let listed = (2...3_000).map(String.init).joined(separator: ", ")
        #expect(candidate.event.note?.hasSuffix("also told in sentences \(listed)") == true)
    }

    @Test func aMoreConfidentLaterTellingKeepsTheFirstQuoteAndEverySentenceInOrder() throws {
        let text = "Ukraine could accept the 30-day ceasefire. Ukraine could accept the 30-day ceasefire. "
            + "Ukraine accepted the 30-day ceasefire. Ukraine could accept the 30-day ceasefire. Ukraine accepted the 30-day ceasefire."
        let result = try Shared.extractor().extract(text: text, article: "told", published: Shared.day("2025-03-25"))
        let candidate = try #require(result.candidates.first)
        #expect(result.candidates.count == 1)
        #expect(candidate.confidence == 0.8)
        #expect(candidate.sentence == 0)
        #expect(candidate.event.quote == "Ukraine could accept the 30-day ceasefire.")
        #expect(candidate.event.note?.hasSuffix("also told in sentences 2, 3, 4, 5") == true)
    }

    @Test func quotesAndMarksEndSentencesAsBeforeWhateverTheirNumber() {
        let splitter = SentenceSplitter(abbreviations: ["M"])
        // A closer closes what was opened inside its quotation; one that closes nothing is ignored.
        #expect(splitter.sentences("Il a dit « oui (enfin ». Puis il est parti.").map(\.text) == ["Il a dit « oui (enfin ».", "Puis il est parti."])
        #expect(splitter.sentences("Un ) deux ] trois. Quatre.").map(\.text) == ["Un ) deux ] trois.", "Quatre."])
        // A run of marks ends a sentence once, or not at all before a lowercase word.
        #expect(splitter.sentences("Vraiment ?!?! Oui… Non.").map(\.text) == ["Vraiment ?!?!", "Oui…", "Non."])
        #expect(splitter.sentences("Quoi ?!? non. Fin.").map(\.text) == ["Quoi ?!? non.", "Fin."])
        // Thousands of unclosed brackets then closers that close none of them: one paragraph, cut by the bound.
        let brackets = String(repeating: "( mot ", count: 3_000) + String(repeating: "» mot ", count: 3_000) + "fin."
        let pieces = splitter.sentences(brackets)
        #expect(pieces.count >= brackets.count / Self.bound)
        #expect(pieces.allSatisfy { $0.text.count <= Self.bound })
        #expect(pieces.last?.text.hasSuffix("mot fin.") == true)
    }
}
