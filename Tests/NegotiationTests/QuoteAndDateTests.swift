import Foundation
@testable import Negotiation
@testable import Corpus
import TestSupport
import Testing

@Suite("Quote matching")
struct QuoteMatcherTests {
    let article = QuoteMatcher(article: "Il a précisé qu' »on ne peut pas garantir la sécurité« et l’a dit\u{00A0}: « oui »\n\n  fin.")

    @Test func typographicDifferencesAreIgnored() {
        #expect(article.contains("qu' »on ne peut pas"))  // the malformed quotation, as printed
        #expect(article.contains("et l'a dit : « oui » fin."))  // ’ as ', NBSP and runs of white space as one space
        #expect(article.contains("l\u{2019}a   dit\u{202F}:"))
        #expect(article.contains("pre\u{0301}cise\u{0301}"))  // decomposed accents, in NFC
    }

    @Test func nothingLooserIsAccepted() {
        #expect(!article.contains("il a précisé"))  // case
        #expect(!article.contains("Il a precise"))  // accents
        #expect(!article.contains("qu'on ne peut pas"))  // punctuation
        #expect(!article.contains("ne peut garantir"))  // a word left out
        #expect(!article.contains(""))
        #expect(!article.contains("   "))
    }
}

@Suite("Dates")
struct DateTests {
    @Test func daysMonthsAndRangesParse() throws {
        #expect(try ValidTime(parsing: "2025-03-11").description == "2025-03-11")
        #expect(try ValidTime(parsing: "2025-03").last == Day(iso: "2025-03-31"))
        #expect(try ValidTime(parsing: "2024-02").last == Day(iso: "2024-02-29"))
        let range = try ValidTime(parsing: "2025-03-18..2025-04-11")
        #expect(range.first == Day(iso: "2025-03-18"))
        #expect(range.last == Day(iso: "2025-04-11"))
        #expect(!range.isPrecise)
        #expect(try ValidTime(parsing: "2025-03-18..2025-03-18") == .day(try #require(Day(iso: "2025-03-18"))))
    }

    @Test(arguments: ["2025-02-29", "2025-13-01", "2025-04-31", "2025-3-1", "11/03/2025", "", "2025-03-10..2025-03-01", "2025-00"])
    func impossibleOrMalformedDatesAreRefused(_ text: String) {
        #expect(throws: ValidTime.ParseError.self) { try ValidTime(parsing: text) }
    }

    @Test func ordinalsRoundTripAndWeekdaysAreRight() throws {
        for ordinal in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(Day(ordinal: ordinal).ordinal == ordinal)
        }
        let thursday = try #require(Day(iso: "2025-03-13"))
        #expect(thursday.weekday == 3)
        #expect(thursday.ordinal == 20_160)
        #expect(try #require(Day(iso: "2025-02-28")).adding(days: 1) == Day(iso: "2025-03-01"))
    }
}

@Suite("NFC fast path")
struct NormalizationTests {
    @Test func theFastPathAgreesWithFoundation() throws {
        var samples = ["", "plain ASCII", "déjà « vu »\u{00A0}l’été\u{202F}!", "e\u{0301}", "\u{2000}\u{2001}", "Å\u{212B}", "한국어", "ﬁ"]
        for name in try FileManager.default.contentsOfDirectory(atPath: TestSupport.Fixtures.seeds) where name.hasSuffix(".txt") {
            samples.append(try String(contentsOfFile: TestSupport.Fixtures.seeds + "/" + name, encoding: .utf8))
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "e", "\u{0301}", "\u{0308}", "\u{00E9}", "\u{2019}", "\u{2000}", "\u{2002}", "\u{00A0}", "\u{1100}", "\u{1161}", "\u{212B}", "\u{2126}"]
        for _ in 0..<500 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &generator) { text.append(alphabet.randomElement(using: &generator) ?? "a") }
            samples.append(String(text))
        }
        for sample in samples {
            #expect(Array(nfc(sample).unicodeScalars) == Array(sample.precomposedStringWithCanonicalMapping.unicodeScalars))
        }
    }
}

@Suite("Normal form")
struct NormalFormTests {
    @Test func everyUnicodeSpaceFoldsToOneSpaceAndOtherScalarsStay() {
        let spaces = (0...0x3000).compactMap(Unicode.Scalar.init).filter(\.properties.isWhitespace)
        for space in spaces {
            #expect(QuoteMatcher.normalize("a\(space)\(space)b") == "a b", "U+\(String(space.value, radix: 16))")
        }
        #expect(QuoteMatcher.normalize("  l’été — “oui” \u{2018}x\u{2026} ") == "l'été — “oui” \u{2018}x\u{2026}")
        #expect(QuoteMatcher.normalize("e\u{0301}") == "é")
    }
}
