import Extraction
import Foundation
import Lexicons
import Negotiation
import Testing
import TestSupport

/// The fixture corpus's registries and lexicons (`Tests/Fixtures/corpus/events`), read once for all tests.
enum Shared {
    private static let loaded = Result<Lexicon, any Error> { try Lexicon.load(events: Fixtures.events) }

    static func lexicon() throws -> Lexicon { try loaded.get() }

    static func extractor() throws -> Extractor { Extractor(lexicon: try lexicon()) }

    static func day(_ text: String) throws -> Day { try #require(Day(iso: text)) }

    /// Candidates for a text published on `published`.
    static func extract(_ text: String, published: String, language: String? = nil) throws -> [Candidate] {
        try extractor().extract(text: text, article: "test-article", published: day(published), language: language).candidates
    }

    static var fixtures: String { Fixtures.tests + "/ExtractionTests/Fixtures" }
}
