import Corpus
import Extraction
import Negotiation
import Testing

@Suite("Any text, however odd, gives well-formed candidates")
struct RobustnessTests {
    /// A small deterministic generator (xorshift), so that a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(n))
        }
    }

    static let pieces = [
        "Kiev", "Moscou", "Washington", "Poutine", "Trump", "Zelensky", "Witkoff", "US", "U.S.", "Russia", "Ukraine", "Pékin",
        "a accepté", "n'a pas", "accepted", "refuse", "a proposé", "proposition américaine", "à condition que", "demanded that",
        "a violé", "s'accusant mutuellement", "a rencontré", "rencontre entre", "met", "talks in", "sommet", "pourrait", "could",
        "la trêve", "cessez-le-feu de 30 jours", "énergétiques", "mer Noire", "Black Sea", "energy", "que", "that", "et", "and",
        "hier", "jeudi", "le 11 mars", "du 18 au 25 mars", "la veille", "la semaine prochaine", "last week", "on Monday", "in 2021",
        "«", "»", "\"", "“", "”", "(", ")", ",", ".", ";", ":", "!", "?", "…", "-", "–", "M.", "MM.", "Dr.", "St.", "3.5", "1er",
        "\n", "\n\n", "\n• ", "\n1. ", "\u{00A0}", "l’", "qu' »on", "’",
    ]

    @Test(arguments: 0..<40)
    func randomTextGivesValidCandidates(_ seed: Int) throws {
        var generator = Generator(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1)
        var text = ""
        for _ in 0..<(20 + generator.next(200)) {
            text += Self.pieces[generator.next(Self.pieces.count)] + (generator.next(3) == 0 ? "" : " ")
        }
        let published = try Shared.day("2025-03-14")
        let result = try Shared.extractor().extract(text: text, article: "fuzz-\(seed)", published: published, language: seed % 2 == 0 ? "fr" : "en")
        let matcher = QuoteMatcher(article: text)
        let ids = result.candidates.map(\.event.id)
        #expect(Set(ids).count == ids.count)
        for c in result.candidates {
            #expect(matcher.contains(c.event.quote ?? ""), "\(c.event.quote ?? "")")
            #expect(try #require(c.event.on).last <= published)
            #expect(c.event.type == .meeting || !c.event.tracks.isEmpty)
            #expect(c.event.actor.map { !c.event.counterparts.contains($0) } ?? false)
            #expect(c.event.type != .condition || !c.event.conditions.isEmpty)
            #expect(c.event.type != .proposal || c.event.proposal != nil)
        }
    }

    @Test(arguments: ["", " ", "\n\n\n", "«", "»»»", ".", "…", "• ", "1.", "\"\"\"", "M. MM. Dr.", "2025"])
    func degenerateTextGivesNoCandidate(_ text: String) throws {
        let result = try Shared.extractor().extract(text: text, article: "empty", published: Shared.day("2025-03-14"), language: "fr")
        #expect(result.candidates.isEmpty)
    }
}

@Suite("Dates drafted at the calendar's edges")
struct CalendarEdgeExtractionTests {
    /// Relative and undated mentions, resolved against a publication day at either edge of
    /// the calendar, give dates that ingest reads back: none before 0001-01-01 or after 9999-12-31.
    @Test(arguments: ["0001-01-01", "0001-01-05", "9999-12-31", "9999-12-28"])
    func everyDraftedDateIsOneIngestTakes(_ published: String) throws {
        let text = """
            Kiev a accepté hier la trêve de 30 jours proposée par Washington. La semaine dernière, Moscou a rejeté la proposition. \
            Les négociateurs se rencontreront la semaine prochaine à Riyad. Russia accepted the energy truce last week. \
            Zelensky met Trump on Monday. Moscou a violé la trêve énergétique, selon Kiev.
            """
        let candidates = try Shared.extract(text, published: published)
        #expect(!candidates.isEmpty)
        for candidate in candidates {
            let on = try #require(candidate.event.on, "\(candidate.event.id)")
            #expect(on.first >= Day.earliest && on.last <= Day.latest, "\(on)")
            let read = try ValidTime(parsing: on.description)
            #expect(read.first == on.first && read.last == on.last, "\(on.description) reads back as \(read)")
        }
    }
}
