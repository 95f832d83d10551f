import Corpus
import EventLog
import Foundation
import Negotiation
import Report
import Store
import TestSupport
import Testing

/// The seed corpus (the fixture copy), or another fixture corpus, ingested into a fresh log in
/// a temporary directory, read back as a history.
struct SeedLog {
    let directory: TemporaryDirectory
    let history: History

    init(seeds: String = Fixtures.seeds, events: String = Fixtures.events) throws {
        directory = try TemporaryDirectory("report")
        let db = directory.appending("db")
        let corpus = try Corpus.load(seeds: seeds, events: events)
        try NegotiationStore(log: try EventLog(directory: db)).ingest(corpus)
        history = try NegotiationStore(log: try EventLog(directory: db, options: .init(readOnly: true))).history()
    }
}

func day(_ text: String) throws -> Day { try #require(Day(iso: text)) }

/// What the page says, found by the stable ids and data attributes it promises.
struct Page {
    let html: String

    func matches(_ pattern: String) throws -> [[String]] {
        let regex = try Regex(pattern)
        return html.matches(of: regex).map { match in
            match.output.dropFirst().map { $0.substring.map(String.init) ?? "" }
        }
    }

    /// The markup of one lane: from its opening tag to the next lane or the end of the chart
    /// (lanes are siblings, so nothing of another lane is in between).
    func lane(_ track: String) throws -> String {
        let start = try #require(html.range(of: "id=\"lane-\(track)\""))
        let rest = html[start.upperBound...]
        let end = rest.range(of: "id=\"lane-")?.lowerBound ?? rest.range(of: "</svg>")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    /// The status bands of a lane: (status, from, through).
    func bands(_ track: String) throws -> [(status: String, from: Day, through: Day)] {
        try Page(html: try lane(track)).matches(#"class="band" data-status="([a-z-]+)" data-from="([0-9-]+)" data-through="([0-9-]+)""#)
            .map { ($0[0], try day($0[1]), try day($0[2])) }
    }

    /// The status a lane's band shows on `day`; `none` where no band is drawn.
    func status(_ track: String, on day: Day) throws -> String {
        try bands(track).first { $0.from <= day && day <= $0.through }?.status ?? "none"
    }

    /// The markup of the element with this id, up to `end` (by default, the first closing tag).
    func element(id: String, until end: String = "</") throws -> String {
        let start = try #require(html.range(of: "id=\"\(id)\""))
        let rest = html[start.upperBound...]
        let stop = try #require(rest.range(of: end))
        return String(rest[..<stop.lowerBound])
    }

    /// The general talks' row: from its opening tag to the first track's lane.
    func generalRow() throws -> String {
        try element(id: "general-talks", until: "id=\"lane-")
    }

    /// The ids of the events whose markers are in `markup`.
    static func markedEvents(_ markup: String) throws -> [String] {
        try Page(html: markup).matches(##"<a class="marker[^"]*" href="#ev-([^"]+)""##).map { $0[0] }
    }

    /// Markup as the text a reader sees: line breaks as spaces, other tags dropped, spaces collapsed.
    static func text(_ markup: String) -> String {
        markup.replacing("<br/>", with: " ").replacing(/<[^>]*>/, with: "").replacing(/\s+/, with: " ")
    }
}

@Suite("The HTML report of the seed corpus")
struct ReportTests {
    let log: SeedLog
    var history: History { log.history }

    init() throws { log = try SeedLog() }

    func page(asOf: String = "2025-04-12", knownOn: String? = nil, from: String? = nil, to: String? = "2025-08-15",
              language: ReportLanguage = .en) throws -> Page {
        let options = ReportOptions(asOf: try day(asOf), knownOn: try knownOn.map(day), from: try from.map(day),
                                    to: try to.map(day), language: language)
        return Page(html: try Report(history: history, options: options).html())
    }

    @Test func everyTrackHasOneLaneWithItsID() throws {
        let page = try page()
        let lanes = try page.matches(#"<g id="lane-([a-z0-9-]+)" class="lane track""#).map { $0[0] }
        #expect(lanes == history.registry.tracks.map(\.id))
        #expect(lanes == ["truce-30-day", "energy", "black-sea"])
        #expect(page.html.contains("id=\"general-talks\""))
    }

    @Test func energyIsViolatedOnThe12thOfApril() throws {
        let page = try page()
        #expect(try page.status("energy", on: try day("2025-04-12")) == "violated")
        #expect(try page.status("energy", on: try day("2025-04-11")) == "none")
        #expect(try page.status("truce-30-day", on: try day("2025-03-12")) == "partially-accepted")
        #expect(try page.status("truce-30-day", on: try day("2025-03-13")) == "conditionally-accepted")
        #expect(try page.status("black-sea", on: try day("2025-08-15")) == "conditionally-accepted")
    }

    @Test func theBandsAgreeWithTheStateOfEveryDay() throws {
        let page = try page(from: "2025-02-01", to: "2025-05-01")
        for day in Cadence.day.days(from: try day("2025-02-01"), to: try day("2025-05-01")) {
            for state in try history.states(Query(asOf: day)) {
                #expect(try page.status(state.track, on: day) == state.status.rawValue, "\(state.track) on \(day)")
            }
        }
    }

    @Test func everyEventShownHasAMarkerAndItsEvidence() throws {
        let page = try page()
        let shown = history.events(for: Query(asOf: try day("2025-08-15")))
        #expect(shown.count == 33)
        let marked = Set(try page.matches(##"<a class="marker[^"]*" href="#(ev-[^"]+)""##).map { $0[0] })
        #expect(marked == Set(shown.map { "ev-\($0.event.id)" }))
        for recorded in shown {
            let item = try page.element(id: "ev-\(recorded.event.id)", until: "</li>")
            #expect(item.contains("class=\"evidence-item\""))
            if let quote = recorded.event.quote { #expect(item.contains(quote), "\(recorded.event.id)") }
        }
        // A quote with an apostrophe and guillemets comes out as written, inside the evidence.
        #expect(page.html.contains("s'accusant mutuellement d'avoir violé l'interdiction d'attaquer les sites énergétiques"))
        #expect(page.html.contains("Witkoff rencontre Poutine à Saint-Pétersbourg"))
    }

    @Test func markersAreFocusableAndSayWhatTheyAre() throws {
        let page = try page()
        let markers = try page.matches(#"(<a class="marker[^>]*>)<title>([^<]+)</title>"#)
        #expect(markers.count >= 33)
        for marker in markers {
            #expect(marker[0].contains("tabindex=\"0\""))
            #expect(marker[0].contains("aria-label=\""))
            #expect(!marker[1].isEmpty)
        }
        #expect(page.html.contains(".marker:focus .focus-ring"))
        #expect(page.html.contains("addEventListener(\"focusin\""))
    }

    @Test func impreciseDatesAreDrawnHollowWithABarOverTheirRange() throws {
        let energy = try page().lane("energy")
        let proposal = try #require(energy.range(of: "href=\"#ev-us-proposes-energy-truce-002\""))
        let opening = energy[..<proposal.lowerBound].suffix(80)
        #expect(opening.contains("marker marker-proposal imprecise"))
        let truce = try page().lane("truce-30-day")
        let exact = try #require(truce.range(of: "<a class=\"marker marker-meeting\" href=\"#ev-us-ua-talks-jeddah-000\""))
        let body = truce[exact.upperBound...]
        let marker = String(body[..<(body.range(of: "</a>")?.lowerBound ?? body.endIndex)])
        #expect(!marker.contains("class=\"range\""))
        #expect(marker.contains("fill=\"#3d4650\""))
        #expect(try page().element(id: "ev-us-proposes-energy-truce-002", until: "</li>").contains("between 2025-01-20 and 2025-04-12"))
    }

    @Test func thePageMakesNoNetworkRequest() throws {
        let page = try page()
        #expect(!page.html.contains(" src="))
        #expect(!page.html.contains("<link"))
        #expect(!page.html.contains("url(http"))
        // The only addresses off the page are the sources' links, followed when a reader
        // chooses to; every other link is to a place on the page.
        let outside = try page.matches(##"<a ([^>]*)href="([^"#][^"]*)""##)
        #expect(!outside.isEmpty)
        #expect(outside.allSatisfy { $0[0] == "class=\"source-link\" " })
        #expect(page.html.components(separatedBy: "https://").count - 1 + page.html.components(separatedBy: "http://").count - 1
                    == outside.count)
    }

    @Test func theStampNamesTheLogsHead() throws {
        let page = try page(knownOn: "2025-04-12")
        #expect(try page.element(id: "stamp-head").contains(history.head.hashHex))
        #expect(try page.element(id: "stamp-sequence").hasSuffix(">\(history.head.sequence)"))
        #expect(try page.element(id: "stamp-as-of").hasSuffix(">2025-04-12"))
        #expect(try page.element(id: "stamp-known-on").hasSuffix(">2025-04-12"))
        #expect(try page.element(id: "stamp-command").contains("--as-of 2025-04-12 --known-on 2025-04-12 --from 2025-01-20 --to 2025-08-15"))
    }

    @Test func theStateTableIsTheStateAsOfTheDay() throws {
        let page = try page()
        let rows = try page.matches(#"<tr id="state-([a-z0-9-]+)" data-track="[^"]+" data-status="([a-z-]+)""#)
        let expected = try history.states(Query(asOf: try day("2025-04-12"))).map { [$0.track, $0.status.rawValue] }
        #expect(rows == expected)
        #expect(rows.contains(["energy", "violated"]))
    }

    @Test func eachProposalHasItsAudit() throws {
        let page = try page()
        let audits = try page.matches(#"<details open id="audit-([^"]+)""#).map { $0[0] }
        #expect(audits == ["black-sea-us-limited", "energy-us-limited", "truce-30-day-us-jeddah"])
        #expect(page.html.contains("status: accepted → violated"))
    }

    @Test func knownOnLeavesOutWhatWasNotYetPublished() throws {
        let page = try page(asOf: "2025-03-14", knownOn: "2025-03-13", to: "2025-03-20")
        #expect(!page.html.contains("id=\"ev-ua-accepts-jeddah-truce-if-russia-complies-000\""))
        #expect(try page.matches(#"<tr id="state-truce-30-day" data-track="truce-30-day" data-status="([a-z-]+)""#) == [["none"]])
        #expect(try page.bands("truce-30-day").isEmpty)
        #expect(page.html.contains("id=\"known-on-line\""))
        // The audits too count only what was published: on the 14th, article 001 but not 000.
        let audit = try self.page(asOf: "2025-03-14", knownOn: "2025-03-14", to: "2025-03-20")
            .element(id: "audit-truce-30-day-us-jeddah", until: "</details>")
        #expect(audit.contains("us-30-day-truce-proposal-001"))
        #expect(!audit.contains("us-proposes-temporary-truce-jeddah-000"))
    }

    @Test func frenchLabelsComeFromTheRegistries() throws {
        let page = try page(language: .fr)
        #expect(page.html.contains("<html lang=\"fr\">"))
        #expect(page.html.contains("cessez-le-feu sur les infrastructures énergétiques"))
        #expect(!page.html.contains("Energy infrastructure ceasefire"))
        #expect(page.html.contains("Russie → Ukraine"))
        #expect(page.html.contains(">violé<"))
        #expect(page.html.contains("État des volets"))
        #expect(page.html.contains("«\u{00A0}les forces ukrainiennes et russes"))
        let english = try self.page(language: .en)
        #expect(english.html.contains("Russia → Ukraine"))
        #expect(english.html.contains("State of the tracks"))
    }

    @Test func theDefaultAxisRunsFromTheFirstPossibleDayToTheAsOfDay() throws {
        let report = try Report(history: history, options: ReportOptions(asOf: try day("2025-04-12")))
        #expect(report.axis == (try day("2025-01-20"))...(try day("2025-04-12")))
        let later = try Page(html: report.html()).lane("truce-30-day")
        #expect(!later.contains("witkoff-putin-meeting-moscow-003"))
    }

    @Test func anAxisThatEndsBeforeItStartsIsRefused() throws {
        let options = ReportOptions(asOf: try day("2025-04-12"), from: try day("2025-05-01"))
        #expect(throws: ReportError.axisEndsBeforeItStarts(from: try day("2025-05-01"), to: try day("2025-04-12"))) {
            try Report(history: history, options: options)
        }
    }

    @Test func theSameLogAndOptionsGiveTheSamePage() throws {
        #expect(try page().html == (try page().html))
    }

    @Test func generalTalksHaveARowOfTheirOwnAndAreInNoLane() throws {
        let page = try page()
        let general = history.generalMeetings(for: Query(asOf: try day("2025-08-15"))).map(\.event.id)
        #expect(general.contains("us-russia-talks-istanbul-004"))
        #expect(general.count == 9)
        let row = try page.generalRow()
        #expect(row.contains("class=\"lane general\""))
        #expect(row.contains(">General talks<"))
        #expect(try Page.markedEvents(row).sorted() == general.sorted())
        for track in history.registry.tracks.map(\.id) {
            let inLane = Set(try Page.markedEvents(try page.lane(track)))
            #expect(inLane.isDisjoint(with: general), "\(track)")
        }
        // No line runs through the lanes for them any more, and the legend says where they are.
        #expect(!page.html.contains("shared-meeting"))
        #expect(try page.element(id: "legend", until: "</section>").contains("general talks (meetings on the war as a whole)"))
        #expect(Page.text(try page.element(id: "ev-us-russia-talks-istanbul-004", until: "</p><ul")).contains("general talks, on no track"))
        // And under the state table, as of the day: held and planned.
        let line = try page.element(id: "state-general", until: "</p>")
        #expect(line.contains("data-held=\"5\" data-planned=\"2\""))
        #expect(try self.page(language: .fr).generalRow().contains(">Pourparlers généraux<"))
    }

    @Test func theEvidenceOfAnEventListsEachOfItsSources() throws {
        let page = try page()
        let entry = try page.element(id: "ev-putin-witkoff-meeting-001", until: "class=\"ev-log\"")
        let articles = try Page(html: entry).matches(#"<li class="ev-source-item" data-article="([^"]+)""#).map { $0[0] }
        #expect(articles == ["001_f6e6249cbed6ca01", "000_a1eb357bfc15af74"])
        #expect(entry.contains("Le président Poutine a demandé à M. Witkoff jeudi soir"))
        #expect(entry.contains("L'administration Trump s'est montrée « prudemment optimiste » quant aux négociations de cessez-le-feu en cours"))
        let second = try #require(entry.range(of: "data-article=\"000_a1eb357bfc15af74\""))
        let article = try #require(history.articles["000_a1eb357bfc15af74"])
        #expect(entry[second.upperBound...].contains(article.outlet))
        #expect(entry[second.upperBound...].contains("published \(article.published)"))
        #expect(entry[second.upperBound...].contains("Also reported by"))
        // Known on the 14th, 000 was not yet published: one source.
        let earlier = try self.page(asOf: "2025-03-14", knownOn: "2025-03-14", to: "2025-03-20")
            .element(id: "ev-putin-witkoff-meeting-001", until: "class=\"ev-log\"")
        #expect(earlier.contains("data-count=\"1\""))
        #expect(!earlier.contains("000_a1eb357bfc15af74"))
    }

    @Test func theStateTableShowsTheSourcesBehindEachStateAndWhenAStatusWasPossible() throws {
        let page = try page()
        let rows = try page.matches(#"<tr id="state-([a-z0-9-]+)"[^>]*>.*?<td class="sources" data-sources="([0-9]+)""#)
        let expected = try history.states(Query(asOf: try day("2025-04-12"))).map { [$0.track, "\($0.sourceCount)"] }
        #expect(rows == expected)
        // The energy track's status and positions came from events dated 2025-01-20..2025-04-12.
        let energy = Page.text(try page.element(id: "state-energy", until: "</tr>"))
        #expect(energy.contains("violated possibly since 2025-01-20, certainly by 2025-04-12"))
        #expect(energy.contains("Ukraine: accepted (possibly since 2025-01-20, certainly by 2025-04-12)"))
        let truce = Page.text(try page.element(id: "state-truce-30-day", until: "</tr>"))
        #expect(truce.contains("conditionally accepted since 2025-03-13"))
        #expect(truce.contains("not in effect"))
        let french = Page.text(try self.page(language: .fr).element(id: "state-energy", until: "</tr>"))
        #expect(french.contains("possiblement depuis le 20 janvier 2025, certainement dès le 12 avril 2025"))
    }
}

/// The lifecycle fixture (`Tests/Fixtures/lifecycle`): a ceasefire in effect, violated and
/// ended, with claims of its start that disagree and a second source.
@Suite("The HTML report of a ceasefire's life")
struct LifecycleReportTests {
    let log: SeedLog
    var history: History { log.history }

    init() throws { log = try SeedLog(seeds: Fixtures.lifecycle + "/seeds", events: Fixtures.lifecycle + "/events") }

    func page(asOf: String = "2025-06-30", language: ReportLanguage = .en) throws -> Page {
        Page(html: try Report(history: history, options: ReportOptions(asOf: try day(asOf), language: language)).html())
    }

    @Test func theEnergyLaneIsInEffectThenViolatedThenEnded() throws {
        let page = try page()
        let bands = try page.bands("energy").map { "\($0.status) \($0.from) \($0.through)" }
        #expect(bands == ["in-effect 2025-03-18 2025-03-20", "violated 2025-03-21 2025-04-16", "ended 2025-04-17 2025-06-30"])
        #expect(try page.status("truce-30-day", on: try day("2025-06-20")) == "in-effect", "extended to 20 June")
        #expect(try page.status("truce-30-day", on: try day("2025-06-21")) == "ended")
        for day in Cadence.day.days(from: try day("2025-03-18"), to: try day("2025-06-30")) {
            for state in try history.states(Query(asOf: day)) {
                #expect(try page.status(state.track, on: day) == state.status.rawValue, "\(state.track) on \(day)")
            }
        }
        // The legend names both statuses and the markers of a ceasefire's life.
        let legend = try page.element(id: "legend", until: "</section>")
        for status in ["in-effect", "ended"] { #expect(legend.contains("<li data-status=\"\(status)\"")) }
        for type in ["start", "extension", "end"] { #expect(legend.contains("<li data-type=\"\(type)\"")) }
        #expect(try page.lane("energy").contains("marker marker-start"))
        #expect(try page.lane("truce-30-day").contains("marker marker-extension"))
    }

    @Test func theStateTableShowsTheDisputeWithEachPartysClaim() throws {
        let page = try page()
        let row = try page.element(id: "state-energy", until: "</tr>")
        #expect(row.contains("data-status=\"ended\" data-disputed=\"true\""))
        #expect(row.contains("<strong class=\"disputed\">disputed</strong>"))
        let claims = try Page(html: row).matches(#"<li class="claim" data-party="([A-Z]+)" data-fact="([a-z]+)" data-date="([0-9.-]+)""#)
            .map { $0.joined(separator: " ") }
        #expect(claims == ["RU start 2025-03-18", "UA start 2025-03-25"])
        let text = Page.text(row)
        #expect(text.contains("in effect since 2025-03-18 (by Russia)"))
        #expect(text.contains("ended on 2025-04-17 (expired"))
        #expect(text.contains("Ukraine: start 2025-03-25"))
        // Before Ukraine's account was dated, one claim and no dispute.
        let before = try self.page(asOf: "2025-03-24").element(id: "state-energy", until: "</tr>")
        #expect(!before.contains("data-disputed"))
        #expect(Page.text(before).contains("in effect since 2025-03-18 (by Russia); last day 2025-04-16"))
        // A truce in effect from its planned start names no party.
        #expect(Page.text(try page.element(id: "state-truce-30-day", until: "</tr>")).contains("in effect since 2025-05-08 (its planned start)"))
    }

    @Test func aSecondSourceIsListedInTheEvidenceAndTheAudit() throws {
        let page = try page()
        let entry = try page.element(id: "ev-ru-orders-energy-halt-a", until: "class=\"ev-log\"")
        #expect(try Page(html: entry).matches(#"data-article="([^"]+)""#).map { $0[0] } == ["fx-a", "fx-b"])
        #expect(entry.contains("Russia's order of 18 March halted strikes on energy sites, the report confirmed."))
        let audit = try page.element(id: "audit-energy-us-moratorium", until: "</details>")
        let start = try #require(audit.range(of: "href=\"#ev-ru-orders-energy-halt-a\""))
        let sources = try Page(html: String(audit[start.upperBound...].prefix(400))).matches(#"<code data-article="([^"]+)""#).map { $0[0] }
        #expect(sources == ["fx-a", "fx-b"])
        let row = try page.element(id: "state-energy", until: "</tr>")
        let count = try #require(try history.states(Query(asOf: try day("2025-06-30")), track: "energy").first?.sourceCount)
        #expect(row.contains("data-sources=\"\(count)\""))
    }

    @Test func theGeneralCallIsInItsOwnRow() throws {
        let page = try page()
        #expect(try Page.markedEvents(try page.generalRow()) == ["presidents-call-a"])
        for track in history.registry.tracks.map(\.id) {
            #expect(!(try page.lane(track)).contains("presidents-call-a"), "\(track)")
        }
    }
}

@Suite("Escaping what the log says")
struct EscapingTests {
    @Test func aQuoteWithMarkupComesOutAsText() throws {
        let registry = Registry(parties: [Party(code: "A", names: ["en": "Alpha & <Co>"], aliases: [])],
                                tracks: [Track(id: "t", names: ["en": "Track \"T\""], requires: ["A"])])
        let article = Article(id: "a1", outlet: "Outlet <i>", title: "Title & \"more\"", language: "en",
                              published: try day("2025-03-02"), precision: .day, sha256: "")
        var event = Event(id: "e1", type: .proposal)
        event.tracks = ["t"]
        event.on = .day(try day("2025-03-01"))
        event.actor = "A"
        event.proposal = "t/p"
        event.article = "a1"
        event.quote = "They said <script>alert('x')</script> & \"then\" &amp; left"
        let history = History(registry: registry, articles: ["a1": article],
                              events: [RecordedEvent(event: event, sequence: 2, recordedAtMicroseconds: 0, hash: "ab")],
                              head: .empty)
        let html = try Report(history: history, options: ReportOptions(asOf: try day("2025-03-05"))).html()
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("They said &lt;script&gt;alert('x')&lt;/script&gt; &amp; \"then\" &amp;amp; left"))
        #expect(html.contains("aria-label=\"Proposal — 2025-03-01 — Alpha &amp; &lt;Co&gt; · Track &quot;T&quot;\""))
        #expect(html.contains("Title &amp; \"more\""))
        #expect(html.contains("Outlet &lt;i&gt;"))
        #expect(!html.contains("<i>"))
    }
}
