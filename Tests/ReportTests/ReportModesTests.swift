import Foundation
import Negotiation
import Report
import Testing

@Suite("The report's modes: French dates, source links, range bars, embedding")
struct ReportModesTests {
    let log: SeedLog
    var history: History { log.history }

    init() throws { log = try SeedLog() }

    func page(_ configure: (inout ReportOptions) -> Void = { _ in }) throws -> Page {
        var options = ReportOptions(asOf: try day("2025-04-12"), to: try day("2025-08-15"))
        configure(&options)
        return Page(html: try Report(history: history, options: options).html())
    }

    @Test func frenchPagesWriteTheirDatesInWords() throws {
        let french = try page { $0.language = .fr }
        let energy = Page.text(try french.element(id: "state-energy", until: "</tr>"))
        #expect(energy.contains("possiblement depuis le 20 janvier 2025, certainement dès le 12 avril 2025"))
        #expect(try french.element(id: "state", until: "</h2>").contains("au 12 avril 2025"))
        // Machines still read the ISO day: the data attributes and each time element's datetime.
        #expect(french.html.contains("data-on=\"2025-03-11\""))
        #expect(try !french.matches(#"<time class="ev-date" datetime="2025-03-1[0-9]">1[0-9] mars 2025</time>"#).isEmpty)
        #expect(!Page.text(try french.element(id: "state-table", until: "</table>")).contains("2025-0"))
        // English keeps the ISO day, the codebook's form.
        let english = try page()
        #expect(Page.text(try english.element(id: "state-energy", until: "</tr>")).contains("certainly by 2025-04-12"))
    }

    @Test(arguments: [
        (ValidTime.day(Day(year: 2025, month: 3, day: 1)!), "1er mars 2025"),
        (.month(year: 2025, month: 8), "août 2025"),
        (.range(Day(year: 2025, month: 4, day: 16)!, Day(year: 2025, month: 4, day: 18)!), "16–18 avril 2025"),
        (.range(Day(year: 2025, month: 3, day: 30)!, Day(year: 2025, month: 4, day: 2)!), "30 mars – 2 avril 2025"),
        (.range(Day(year: 2024, month: 12, day: 30)!, Day(year: 2025, month: 1, day: 1)!), "30 décembre 2024 – 1er janvier 2025"),
    ])
    func frenchDatesOfEveryPrecision(date: ValidTime, words: String) throws {
        let article = Article(id: "a1", outlet: "O", title: "T", language: "fr", published: try day("2025-01-01"),
                              precision: .day, sha256: "")
        var event = Event(id: "e1", type: .meeting)
        event.general = true
        event.on = date
        event.actor = "A"
        event.article = "a1"
        event.quote = "q"
        let history = History(registry: Registry(parties: [Party(code: "A", names: ["fr": "Alpha"], aliases: [])], tracks: []),
                              articles: ["a1": article],
                              events: [RecordedEvent(event: event, sequence: 2, recordedAtMicroseconds: 0, hash: "ab")], head: .empty)
        var options = ReportOptions(asOf: try day("2025-12-31"), language: .fr)
        options.from = try day("2024-12-01")
        let html = try Report(history: history, options: options).html()
        #expect(html.contains(">\(words)</time>"), "\(date)")
    }

    @Test func aSourceLinksToItsArticleOnlyOverTheWeb() throws {
        let page = try page()
        let links = try page.matches(#"<a class="source-link" href="([^"]+)" rel="noopener noreferrer external">"#).map { $0[0] }
        #expect(!links.isEmpty)
        #expect(links.allSatisfy { $0.hasPrefix("https://") || $0.hasPrefix("http://") })
        let catalogued = Set(history.articles.values.compactMap(\.url))
        #expect(Set(links).isSubset(of: catalogued))

        // A catalog is data: a javascript: address is shown as a title, never made a link.
        let article = Article(id: "a1", outlet: "O", title: "Plain title", language: "en", published: try day("2025-03-02"),
                              precision: .day, sha256: "", url: "javascript:alert(1)")
        var event = Event(id: "e1", type: .meeting)
        event.general = true
        event.on = .day(try day("2025-03-01"))
        event.article = "a1"
        event.quote = "q"
        let history = History(registry: Registry(parties: [], tracks: []), articles: ["a1": article],
                              events: [RecordedEvent(event: event, sequence: 2, recordedAtMicroseconds: 0, hash: "ab")], head: .empty)
        let html = try Report(history: history, options: ReportOptions(asOf: try day("2025-03-05"))).html()
        #expect(html.contains("Plain title"))
        #expect(!html.contains("javascript:alert"))
    }

    @Test func rangeBarsCanBeLeftOut() throws {
        let shown = try page()
        let hidden = try page { $0.showsRanges = false }
        #expect(try !shown.matches(#"<line class="range" "#).isEmpty)
        #expect(try hidden.matches(#"<line class="range" "#).isEmpty)
        #expect(try hidden.matches(#"<line class="range-end" "#).isEmpty)
        // The imprecise markers stay, hollow, and the legend no longer speaks of a bar.
        #expect(try Page.markedEvents(hidden.html) == (try Page.markedEvents(shown.html)))
        #expect(try hidden.matches(#"class="marker [a-z-]+ imprecise""#).count == (try shown.matches(#"class="marker [a-z-]+ imprecise""#).count))
        #expect(!(try hidden.element(id: "legend", until: "</section>")).contains("a bar over the days"))
        #expect(try hidden.element(id: "stamp-command", until: "</").contains("--hide-ranges"))
    }

    @Test func anEmbeddedPageIsTheChartAndItsSourceLine() throws {
        let full = try page()
        let embedded = try page { $0.embedded = true }
        #expect(embedded.html.contains("<body class=\"embedded\">"))
        #expect(!embedded.html.contains("<h1"))
        #expect(!embedded.html.contains("id=\"state-table\""))
        #expect(!embedded.html.contains("id=\"stamp"))
        #expect(!embedded.html.contains("id=\"legend\""))
        // The same chart, markers and all, and the evidence its hover shows, kept hidden.
        #expect(try Page.markedEvents(embedded.html) == (try Page.markedEvents(full.html)))
        #expect(embedded.html.contains("<div hidden><section id=\"evidence\""))
        let line = try #require(try embedded.matches(#"<p class="embed-source">([^<]+)</p>"#).first?.first)
        #expect(line.contains("As of 2025-04-12"))
        #expect(line.contains(String(history.head.hashHex.prefix(12))))
    }
}
