@testable import Corpus
import EventLog
import Foundation
import Negotiation
import TestSupport
import Testing

/// Each folder of `Fixtures/bad` alters a copy of the fixture corpus in one way; `expected.txt`
/// holds the messages ingest must give, one per line.
@Suite("Bad input is refused, clearly, and the log is untouched")
struct BadInputTests {
    static let fixtures = Fixtures.tests + "/NegotiationTests/Fixtures/bad"
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? []).sorted()

    @Test func thereAreAtLeastFifteenFixtures() {
        #expect(Self.cases.count >= 15)
    }

    @Test(arguments: cases)
    func fixtureIsRefusedWithItsMessage(_ name: String) throws {
        let corpus = try CorpusCopy()
        try corpus.ingest()
        let data = corpus.db + "/data.mdb"
        let before = try #require(FileManager.default.contents(atPath: data))

        try corpus.apply(fixture: Self.fixtures + "/" + name)
        let error = #expect(throws: CorpusError.self) { try corpus.ingest() }
        let expected = try String(contentsOfFile: Self.fixtures + "/" + name + "/expected.txt", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(error.map(corpus.shown) == expected)
        #expect(FileManager.default.contents(atPath: data) == before, "the log changed")
    }
}
