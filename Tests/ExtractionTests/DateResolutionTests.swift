import Extraction
import Negotiation
import Testing

/// One date expression, how it should resolve, against which publication date.
struct DateCase: CustomTestStringConvertible, Sendable {
    let text: String
    let language: String
    let published: String
    /// The ValidTime written out, or `nil` for a future named without a date.
    let expected: String?
    let kind: DateKind
    let future: Bool

    init(_ text: String, _ language: String, published: String, _ expected: String?, _ kind: DateKind, future: Bool = false) {
        self.text = text
        self.language = language
        self.published = published
        self.expected = expected
        self.kind = kind
        self.future = future
    }

    var testDescription: String { "« \(text) » (\(language), published \(published))" }
}

@Suite("Dates resolve against the publication date")
struct DateResolutionTests {
    // 2025-03-14 is a Friday, 2025-03-25 a Tuesday, 2025-02-27 a Thursday.
    static let cases: [DateCase] = [
        // French: explicit days, with or without a year.
        DateCase("le 11 mars", "fr", published: "2025-03-14", "2025-03-11", .day),
        DateCase("le 11 mars 2024", "fr", published: "2025-03-14", "2024-03-11", .day),
        DateCase("Le 11 Mars", "fr", published: "2025-03-14", "2025-03-11", .day),
        DateCase("le 1er avril", "fr", published: "2025-04-12", "2025-04-01", .day),
        DateCase("le jeudi 13 mars 2025", "fr", published: "2025-03-14", "2025-03-13", .day),
        DateCase("le 28 décembre", "fr", published: "2025-01-05", "2024-12-28", .day),
        DateCase("le 5 janvier", "fr", published: "2024-12-28", "2025-01-05", .day, future: true),
        DateCase("le 20 fevrier", "fr", published: "2025-03-14", "2025-02-20", .day),
        // French: weekdays, the latest such day on or before publication.
        DateCase("jeudi", "fr", published: "2025-03-14", "2025-03-13", .day),
        DateCase("jeudi soir", "fr", published: "2025-03-14", "2025-03-13", .day),
        DateCase("vendredi", "fr", published: "2025-03-14", "2025-03-14", .day),
        DateCase("ce jeudi matin", "fr", published: "2025-02-27", "2025-02-27", .day),
        DateCase("jeudi dernier", "fr", published: "2025-02-27", "2025-02-20", .day),
        DateCase("lundi prochain", "fr", published: "2025-03-14", "2025-03-17", .day, future: true),
        DateCase("samedi", "fr", published: "2025-03-14", "2025-03-08", .day),
        // French: relative words.
        DateCase("hier", "fr", published: "2025-04-12", "2025-04-11", .day),
        DateCase("avant-hier", "fr", published: "2025-03-14", "2025-03-12", .day),
        DateCase("aujourd’hui", "fr", published: "2025-02-27", "2025-02-27", .day),
        DateCase("demain", "fr", published: "2025-03-14", "2025-03-15", .day, future: true),
        DateCase("la veille", "fr", published: "2025-03-14", "2025-03-13", .day),
        DateCase("le mois dernier", "fr", published: "2025-04-12", "2025-03", .month),
        DateCase("le mois dernier", "fr", published: "2025-01-10", "2024-12", .month),
        DateCase("la semaine dernière", "fr", published: "2025-03-14", "2025-03-03..2025-03-09", .range),
        DateCase("cette semaine", "fr", published: "2025-03-14", "2025-03-10..2025-03-14", .range),
        DateCase("la semaine prochaine", "fr", published: "2025-03-14", "2025-03-17..2025-03-23", .range, future: true),
        DateCase("il y a trois jours", "fr", published: "2025-03-14", "2025-03-11", .day),
        DateCase("l'an dernier", "fr", published: "2025-03-14", "2024-01-01..2024-12-31", .year),
        // French: ranges, months, years.
        DateCase("du 18 au 25 mars", "fr", published: "2025-03-30", "2025-03-18..2025-03-25", .range),
        DateCase("entre le 18 et le 25 mars", "fr", published: "2025-03-30", "2025-03-18..2025-03-25", .range),
        DateCase("du 28 février au 3 mars", "fr", published: "2025-03-30", "2025-02-28..2025-03-03", .range),
        DateCase("18-25 mars", "fr", published: "2025-03-30", "2025-03-18..2025-03-25", .range),
        DateCase("depuis le 18 mars", "fr", published: "2025-03-25", "2025-03-18..2025-03-25", .range),
        DateCase("en avril", "fr", published: "2025-08-07", "2025-04", .month),
        DateCase("en décembre", "fr", published: "2025-02-27", "2024-12", .month),
        DateCase("en février 2022", "fr", published: "2025-02-27", "2022-02", .month),
        DateCase("à la mi-mars", "fr", published: "2025-04-12", "2025-03", .month),
        DateCase("en 2021", "fr", published: "2025-08-07", "2021-01-01..2021-12-31", .year),
        DateCase("dans les prochains jours", "fr", published: "2025-08-07", nil, .range, future: true),
        // English.
        DateCase("on March 11", "en", published: "2025-03-25", "2025-03-11", .day),
        DateCase("March 11th, 2024", "en", published: "2025-03-25", "2024-03-11", .day),
        DateCase("11 March", "en", published: "2025-03-25", "2025-03-11", .day),
        DateCase("on Thursday", "en", published: "2025-03-25", "2025-03-20", .day),
        DateCase("Thursday night", "en", published: "2025-03-25", "2025-03-20", .day),
        DateCase("last Tuesday", "en", published: "2025-03-25", "2025-03-18", .day),
        DateCase("next Friday", "en", published: "2025-03-25", "2025-03-28", .day, future: true),
        DateCase("yesterday", "en", published: "2025-03-25", "2025-03-24", .day),
        DateCase("today", "en", published: "2025-03-25", "2025-03-25", .day),
        DateCase("last month", "en", published: "2025-03-25", "2025-02", .month),
        DateCase("last week", "en", published: "2025-03-25", "2025-03-17..2025-03-23", .range),
        DateCase("next week", "en", published: "2025-03-25", "2025-03-31..2025-04-06", .range, future: true),
        DateCase("March 18-25", "en", published: "2025-03-30", "2025-03-18..2025-03-25", .range),
        DateCase("from March 18 to April 2", "en", published: "2025-04-05", "2025-03-18..2025-04-02", .range),
        DateCase("between 18 and 25 March", "en", published: "2025-03-30", "2025-03-18..2025-03-25", .range),
        DateCase("in April", "en", published: "2025-08-07", "2025-04", .month),
        DateCase("two weeks ago", "en", published: "2025-03-25", "2025-03-08..2025-03-14", .range),
        DateCase("since March 18", "en", published: "2025-03-25", "2025-03-18..2025-03-25", .range),
        DateCase("in the coming days", "en", published: "2025-03-25", nil, .range, future: true),
    ]

    static func resolver(_ language: String) throws -> DateResolver {
        DateResolver(lexicon: try #require(try Shared.lexicon().dates[language]))
    }

    @Test func thereAreAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func expressionResolves(_ c: DateCase) throws {
        let published = try Shared.day(c.published)
        let mentions = try Self.resolver(c.language).mentions(in: c.text, published: published)
        let mention = try #require(mentions.first, "no date found")
        #expect(mentions.count == 1)
        #expect(mention.time?.description == c.expected)
        #expect(mention.kind == c.kind)
        #expect(mention.isFuture == c.future)
    }

    @Test func laVeilleCountsFromADayNamedBefore() throws {
        let mentions = try Self.resolver("fr").mentions(in: "le 10 mars, et la veille au soir", published: Shared.day("2025-03-14"))
        #expect(mentions.map { $0.time?.description } == ["2025-03-10", "2025-03-09"])
        let english = try Self.resolver("en").mentions(in: "on March 20, and the day before", published: Shared.day("2025-03-25"))
        #expect(english.map { $0.time?.description } == ["2025-03-20", "2025-03-19"])
    }

    @Test(arguments: [
        ("Russia may agree soon to march on", "en"),
        ("within the next 24 to 36 hours", "en"),
        ("trois jours de discussions", "fr"),
        ("sept jours", "fr"),
        ("the 30-day ceasefire", "en"),
    ])
    func wordsThatAreNotDatesGiveNone(_ text: String, _ language: String) throws {
        let mentions = try Self.resolver(language).mentions(in: text, published: Shared.day("2025-03-25"))
        #expect(mentions.filter { $0.time != nil }.isEmpty, "\(mentions.map(\.text))")
    }

    @Test func everyDateOfASentenceIsFoundInOrder() throws {
        let text = "Kiev a accepté le 11 mars, Moscou le 13 mars, et Washington a répondu hier."
        let mentions = try Self.resolver("fr").mentions(in: text, published: Shared.day("2025-03-15"))
        #expect(mentions.map(\.text) == ["11 mars", "13 mars", "hier"])
        #expect(mentions.map { $0.time?.description } == ["2025-03-11", "2025-03-13", "2025-03-14"])
    }
}
