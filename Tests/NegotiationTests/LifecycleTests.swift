@testable import Corpus
import EventLog
import Foundation
@testable import Store
import TestSupport
import Testing

@testable import Negotiation

/// A ceasefire's life, told by the lifecycle fixture (`Tests/Fixtures/lifecycle`): the fold's
/// statuses and claims on the days they change, the same answers from the log, its indexes and
/// a replay, and the same states whatever the order the articles were ingested in.
@Suite("A ceasefire's life")
struct LifecycleTests {
    let directory: TemporaryDirectory
    let history: History
    let store: NegotiationStore

    init() throws {
        directory = try TemporaryDirectory("lifecycle")
        store = try NegotiationStore(directory: directory.appending("log"))
        try store.ingest(seeds: Fixtures.lifecycle + "/seeds", events: Fixtures.lifecycle + "/events")
        history = try store.history()
    }

    func day(_ text: String) throws -> Day { try #require(Day(iso: text)) }

    func state(_ track: String, _ asOf: String, knownOn: String? = nil) throws -> TrackState {
        let query = Query(asOf: try day(asOf), knownOn: try knownOn.map(day))
        return try #require(try history.states(query, track: track).first)
    }

    @Test func aStartClaimedByARequiredPartyPutsTheTruceInEffectForItsProposalsTerm() throws {
        #expect(try state("energy", "2025-03-17").status == .none)
        let s = try state("energy", "2025-03-18")
        // Russia accepted and ordered the halt on 18 March; Ukraine accepted on the 19th.
        #expect(s.status == .inEffect)
        #expect(s.inEffect?.since == (try day("2025-03-18")))
        #expect(s.inEffect?.by == "RU")
        #expect(s.inEffect?.through == (try day("2025-04-16")), "18 March + 30 days - 1")
        #expect(!s.disputed)
    }

    @Test func aSecondPartysStartOnAnotherDayIsADisputedClaimNotASecondStart() throws {
        let before = try state("energy", "2025-03-24")
        #expect(before.claims.map(\.party) == ["RU"])
        let s = try state("energy", "2025-03-25")
        #expect(s.disputed)
        #expect(s.claims.map { "\($0.party) \($0.fact.rawValue) \($0.date)" } == ["RU start 2025-03-18", "UA start 2025-03-25"])
        #expect(s.claims.map(\.article) == ["fx-a", "fx-b"])
        #expect(s.inEffect?.since == (try day("2025-03-18")), "the first start counts; the second is a claim")
    }

    @Test func aViolationWhileInEffectMakesItViolatedAndItsTermStillRunsOut() throws {
        // The correction (fx-d) moved the strike from 20 to 21 March.
        #expect(try state("energy", "2025-03-20").status == .inEffect)
        let violated = try state("energy", "2025-03-21")
        #expect(violated.status == .violated)
        #expect(violated.statusSince == (try day("2025-03-21")))
        #expect(try state("energy", "2025-04-16").status == .violated)
        let ended = try state("energy", "2025-04-17")
        #expect(ended.status == .ended)
        #expect(ended.ending == Ending(on: try day("2025-04-17"), reason: .expired, by: nil, event: nil))
        #expect(ended.statusSince == (try day("2025-04-17")))
    }

    @Test func aCorrectionPublishedAfterTheKnownOnDayDoesNotReachBack() throws {
        // As known on 1 April, the strike was of 20 March; the correction came on 5 June.
        let then = try state("energy", "2025-03-20", knownOn: "2025-04-01")
        #expect(then.status == .violated)
        #expect(then.lastViolation?.date == "2025-03-20")
        let now = try state("energy", "2025-03-20", knownOn: "2025-06-05")
        #expect(now.status == .inEffect)
        #expect(now.violationCount == 0)
    }

    @Test func aSecondSourceAddsASourceAndChangesNoCount() throws {
        let before = try state("energy", "2025-03-19", knownOn: "2025-03-25")
        let after = try state("energy", "2025-03-19", knownOn: "2025-03-26")
        #expect(after.sourceCount == before.sourceCount + 1, "fx-b reports Russia's order again")
        #expect(after.claims == before.claims)
        #expect(after.status == before.status && after.inEffect == before.inEffect)
        let order = try #require(history.events(for: Query(asOf: try day("2025-12-31"))).first { $0.event.id == "ru-orders-energy-halt-a" })
        #expect(order.event.sources.map(\.article) == ["fx-a", "fx-b"])
        #expect(order.event.sources.last?.quote == "Russia's order of 18 March halted strikes on energy sites, the report confirmed.")
    }

    /// An act recorded from a later article is known from the first article that reports it:
    /// fx-z (21 March), recorded after fx-b (26 March) as a source of its strike, makes the
    /// strike known from the 21st, cited to fx-z until fx-b is out; the log's indexes, its
    /// replay and the history agree on every known-on day.
    @Test func anActIsKnownFromItsEarliestSourceWhicheverWasRecordedFirst() throws {
        let dir = try TemporaryDirectory("lifecycle-earlier")
        let seeds = dir.appending("seeds"), events = dir.appending("events")
        try Fixtures.copy(Fixtures.lifecycle + "/seeds", to: seeds)
        try Fixtures.copy(Fixtures.lifecycle + "/events", to: events)
        try Fixtures.add(Fixtures.tests + "/Fixtures/earlier-source", seeds: seeds, events: events)
        let store = try NegotiationStore(directory: dir.appending("log"))
        try store.ingest(seeds: seeds, events: events)
        let history = try store.history()

        func strike(knownOn: String?) throws -> RecordedEvent? {
            history.events(for: Query(asOf: try day("2025-03-31"), knownOn: try knownOn.map(day))).first { $0.event.id == "ua-accuses-ru-energy-b" }
        }
        #expect(try strike(knownOn: "2025-03-20") == nil)
        let early = try #require(try strike(knownOn: "2025-03-22"))
        #expect(early.event.article == "fx-z" && early.event.sources.map(\.article) == ["fx-z"])
        #expect(early.event.quote == "Kyiv said Moscow struck a power plant on 20 March, in breach of the moratorium.")
        #expect(early.known == (try day("2025-03-21")))
        let late = try #require(try strike(knownOn: "2025-03-26"))
        #expect(late.event.article == "fx-b" && late.event.sources.map(\.article) == ["fx-b", "fx-z"])
        let all = try #require(try strike(knownOn: nil))
        #expect(all.known == (try day("2025-03-21")), "known from its earliest source")

        let energy = try #require(try history.states(Query(asOf: try day("2025-03-23"), knownOn: try day("2025-03-22")), track: "energy").first)
        #expect(energy.status == .violated && energy.violationCount == 1, "\(energy.status)")
        let first = try day("2025-03-15")
        for asOf in (0..<20).map({ first.adding(days: $0) }) {
            for known in [nil, "2025-03-20", "2025-03-21", "2025-03-25", "2025-03-26"] {
                let query = Query(asOf: asOf, knownOn: try known.map(day))
                #expect(try store.states(query).states == (try history.states(query)), "as of \(asOf) known on \(known ?? "-")")
            }
            let replay = try store.replay([asOf], knownOn: try day("2025-03-22"))
            #expect(replay.series.map(\.states) == (try history.series([asOf], knownOn: try day("2025-03-22"))).map(\.1))
        }
        #expect(try store.indexDisagreement() == nil)
    }

    @Test func aPlannedMeetingIsNeitherCountedNorTheLastEvent() throws {
        let s = try state("energy", "2025-03-31")
        #expect(s.meetingCount == 0)
        #expect(s.lastMeeting == nil)
        #expect(s.lastEvent?.id == "ua-says-energy-started-b")
    }

    @Test func aGeneralMeetingCountsOnNoTrackAndIsListedApart() throws {
        let query = Query(asOf: try day("2025-12-31"))
        for state in try history.states(query) { #expect(state.meetingCount == 0, "\(state.track)") }
        let general = history.generalMeetings(for: query)
        #expect(general.map(\.event.id) == ["presidents-call-a"])
        #expect(general.first?.event.format == .call)
    }

    @Test func aPlannedStartOnceAcceptedPutsItInEffectAndAnExtensionMovesItsEnd() throws {
        #expect(try state("truce-30-day", "2025-05-07").status == .accepted)
        let started = try state("truce-30-day", "2025-05-08")
        #expect(started.status == .inEffect)
        #expect(started.inEffect?.by == nil, "its planned start, not a party's claim")
        #expect(started.inEffect?.through == (try day("2025-06-06")))
        // Extended on 5 June until 20 June: as known on 1 June it had ended on 7 June.
        #expect(try state("truce-30-day", "2025-06-10", knownOn: "2025-06-01").ending?.on == (try day("2025-06-07")))
        let extended = try state("truce-30-day", "2025-06-10")
        #expect(extended.status == .inEffect)
        #expect(extended.inEffect?.through == (try day("2025-06-20")))
        #expect(try state("truce-30-day", "2025-06-20").status == .inEffect)
        let ended = try state("truce-30-day", "2025-06-21")
        #expect(ended.status == .ended && ended.ending?.reason == .expired)
    }

    @Test func aUnilateralTruceNeedsOnlyItsOnePartysStart() throws {
        #expect(try state("easter-truce", "2025-04-18").status == .none)
        let s = try state("easter-truce", "2025-04-20")
        #expect(s.required == ["RU"])
        #expect(s.status == .inEffect)
        #expect(s.inEffect?.through == (try day("2025-04-21")))
        #expect(try state("easter-truce", "2025-04-22").status == .ended)
    }

    @Test func anEndEndsItOnItsDayWithItsReasonAndANewProposalReopensTheTrack() throws {
        var state = TrackState(track: Track(id: "t", names: [:], requires: ["UA", "RU"]))
        func event(_ id: String, _ type: EventType, _ on: String, _ actor: String, _ edit: (inout Event) -> Void = { _ in }) throws -> RecordedEvent {
            var e = Event(id: id, type: type)
            e.tracks = ["t"]
            e.on = try ValidTime(parsing: on)
            e.actor = actor
            edit(&e)
            return RecordedEvent(event: e, sequence: 0, recordedAtMicroseconds: 0, hash: "")
        }
        state.apply(try event("p", .proposal, "2025-01-01", "US") { $0.proposal = "t/one" })
        state.apply(try event("a1", .acceptance, "2025-01-02", "UA"))
        state.apply(try event("a2", .acceptance, "2025-01-02", "RU"))
        state.apply(try event("s", .start, "2025-01-03", "UA"))
        #expect(state.status == .inEffect && state.inEffect?.through == nil, "no term: in effect until it ends")
        state.apply(try event("e", .end, "2025-02-01", "RU") { $0.reason = "withdrawn" })
        #expect(state.status == .ended)
        #expect(state.ending == Ending(on: try day("2025-02-01"), reason: .withdrawn, by: "RU", event: "e"))
        #expect(state.settled(to: try day("2030-01-01")).status == .ended)
        state.apply(try event("p2", .proposal, "2025-03-01", "US") { $0.proposal = "t/two" })
        #expect(state.status == .proposed && state.ending == nil && state.inEffect == nil && state.claims.isEmpty)
    }

    @Test func anImpreciseDateSaysFromWhenItWasPossibleAndWhenCertain() throws {
        var state = TrackState(track: Track(id: "t", names: [:], requires: ["UA"]))
        var p = Event(id: "p", type: .proposal)
        p.tracks = ["t"]
        p.proposal = "t/x"
        p.on = try ValidTime(parsing: "2025-01-20..2025-04-12")
        p.actor = "US"
        state.apply(RecordedEvent(event: p, sequence: 1, recordedAtMicroseconds: 0, hash: ""))
        #expect(state.status == .proposed)
        #expect(state.statusSince == (try day("2025-04-12")))
        #expect(state.statusPossibleSince == (try day("2025-01-20")))
    }

    /// Every day of the fixture's year, as of that day and as known on a few days: the log's
    /// indexes (and a replay where they cannot answer) against the history read from the log.
    @Test func theIndexesAndTheReplayAnswerAsTheHistory() throws {
        let first = try day("2025-03-01")
        let days = (0..<130).map { first.adding(days: $0) }
        for asOf in days {
            let answer = try store.states(Query(asOf: asOf))
            #expect(answer.states == (try history.states(Query(asOf: asOf))), "as of \(asOf)")
            #expect(answer.general.map(\.event.id) == history.generalMeetings(for: Query(asOf: asOf)).map(\.event.id))
            for known in ["2025-03-17", "2025-03-19", "2025-03-26", "2025-05-07", "2025-06-05"] {
                let query = Query(asOf: asOf, knownOn: try day(known))
                let answer = try store.states(query)
                #expect(answer.states == (try history.states(query)), "as of \(asOf) known on \(known)")
                // Before fx-d's correction was published a replay answers; from then on, the indexes.
                #expect(answer.fromIndex == (known >= "2025-06-05"))
                #expect(answer.general.map(\.event.id) == history.generalMeetings(for: query).map(\.event.id), "as of \(asOf) known on \(known)")
            }
        }
        #expect(try store.states(Query(asOf: try day("2025-03-18"))).general.map(\.event.id) == ["presidents-call-a"])
        #expect(try store.states(Query(asOf: try day("2025-03-18"), knownOn: try day("2025-03-17"))).general.isEmpty)
        let replay = try store.replay(days, knownOn: try day("2025-06-01"))
        #expect(replay.series.map(\.states) == (try history.series(days, knownOn: try day("2025-06-01"))).map(\.1))
        #expect(try store.indexDisagreement() == nil)
    }

    /// The same corpus in one pass, and article by article in another order: the heads differ,
    /// the states on every day do not (on 25 March Ukraine both accepted and rejected the Black
    /// Sea ceasefire, in two articles: the rejection comes after the acceptance either way).
    @Test func oneCorpusIngestedInTwoOrdersGivesTheSameStatesOnEveryDay() throws {
        let parts = try TemporaryDirectory("lifecycle-parts")
        let seeds = parts.appending("seeds")
        let events = parts.appending("events")
        try FileManager.default.createDirectory(atPath: seeds, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: true)
        for registry in ["parties.yaml", "tracks.yaml"] {
            try FileManager.default.copyItem(atPath: Fixtures.lifecycle + "/events/" + registry, toPath: events + "/" + registry)
        }
        let catalog = try String(contentsOfFile: Fixtures.lifecycle + "/seeds/catalog.yaml", encoding: .utf8)
        let entries = catalog.components(separatedBy: "\n  - id: ").dropFirst().map { "  - id: " + $0 }
        let byArticle = Dictionary(uniqueKeysWithValues: entries.map { (String($0.dropFirst(8).prefix { !$0.isNewline }), $0) })
        let other = try NegotiationStore(directory: parts.appending("log"))
        var catalogSoFar = "articles:\n"
        // C and E first: their events come before A's and B's in the log.
        for article in ["fx-c", "fx-e", "fx-a", "fx-b", "fx-d"] {
            catalogSoFar += try #require(byArticle[article]) + "\n"
            try catalogSoFar.write(toFile: seeds + "/catalog.yaml", atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(atPath: Fixtures.lifecycle + "/seeds/\(article).txt", toPath: seeds + "/\(article).txt")
            try FileManager.default.copyItem(atPath: Fixtures.lifecycle + "/events/\(article).yaml", toPath: events + "/\(article).yaml")
            try other.ingest(seeds: seeds, events: events)
        }
        #expect(try other.log.head() != (try store.log.head()))
        let otherHistory = try other.history()
        let rejected = try #require(try otherHistory.states(Query(asOf: try day("2025-03-25")), track: "black-sea").first)
        #expect(rejected.status == .rejected)
        let first = try day("2025-03-01")
        var differ: [String] = []
        for asOf in (0..<130).map({ first.adding(days: $0) }) {
            if try Self.withoutSequences(otherHistory.states(Query(asOf: asOf))) != Self.withoutSequences(history.states(Query(asOf: asOf))) {
                differ.append("\(asOf)")
            }
            if try Self.withoutSequences(other.states(Query(asOf: asOf)).states) != Self.withoutSequences(store.states(Query(asOf: asOf)).states) {
                differ.append("\(asOf) (indexes)")
            }
        }
        #expect(differ.isEmpty, "\(differ.prefix(5))")
    }

    /// States as their checkpoints write them, without the log sequence of their last event:
    /// the one thing that differs between two logs of one corpus.
    static func withoutSequences(_ states: [TrackState]) -> [String] {
        states.map { String(decoding: $0.encoded(), as: UTF8.self).replacing(/"sequence":"[0-9]+"/, with: "") }
    }
}

/// The corpus's story checked as a whole at ingest: warnings, and nothing refused.
@Suite("Sanity checks at ingest")
struct SanityCheckTests {
    @Test func eachIncoherenceIsNamedWithItsFileLineAndFieldAndTheIngestGoesOn() throws {
        let copy = try TemporaryDirectory("sanity")
        try Fixtures.copy(Fixtures.lifecycle, to: copy.appending("corpus"))
        let seeds = copy.appending("corpus/seeds")
        let events = copy.appending("corpus/events")
        #expect(try Corpus.load(seeds: seeds, events: events).warnings.isEmpty, "the fixture itself tells a coherent story")
        try FileManager.default.copyItem(atPath: Fixtures.tests + "/Fixtures/sanity/zz-sanity.yaml", toPath: events + "/zz-sanity.yaml")
        let warnings = try Corpus.load(seeds: seeds, events: events).warnings
        let shown = warnings.map { $0.description.replacingOccurrences(of: events + "/", with: "") }
        #expect(shown.count == 4, "\(shown)")
        #expect(shown.contains { $0.hasPrefix("zz-sanity.yaml:4: events[0].on: 'ua-accepts-energy-early' is dated 2025-03-10, before any proposal or start on track 'energy'") }, "\(shown)")
        #expect(shown.contains { $0.hasPrefix("zz-sanity.yaml:10: events[1].on: 'strike-before-anything' is a violation dated 2025-03-01, before any proposal or start on track 'black-sea'") }, "\(shown)")
        #expect(shown.contains { $0.hasPrefix("zz-sanity.yaml:17: events[2].on: 'start-before-acceptance' is a start dated 2025-03-18 on track 'truce-30-day', which no party had accepted") }, "\(shown)")
        #expect(shown.contains { $0.hasPrefix("zz-sanity.yaml:23: events[3].set.on: the correction moves 'ru-accepts-energy-a' from 2025-03-18 to 2025-03-12, across a proposal on track 'energy'") }, "\(shown)")
        // The unilateral Easter truce, started by its one required party, is not flagged.
        #expect(!shown.contains { $0.contains("easter-truce") })

        let report = try NegotiationStore(directory: copy.appending("log")).ingest(seeds: seeds, events: events)
        #expect(report.warnings == warnings)
        #expect(report.eventsAppended == 22)

        // A correction that moves a proposal crosses no proposal but its own day, and the
        // proposal counts from its new day: the acceptance of 10 March is no longer early.
        try """
            events:
              - id: proposal-moved-back
                type: correction
                corrects: us-proposes-energy-moratorium-a
                set: {on: 2025-03-09}
                reason: "test: moves a proposal back, across nothing but itself"
            """.write(toFile: events + "/zz-tail.yaml", atomically: true, encoding: .utf8)
        let after = try Corpus.load(seeds: seeds, events: events).warnings.map(\.description)
        #expect(after.count == 3, "\(after)")
        #expect(!after.contains { $0.contains("ua-accepts-energy-early") || $0.contains("proposal-moved-back") }, "\(after)")

        // A retracted proposal is on its track no more: moving an acceptance across its day is
        // not flagged (the early acceptance still is: no proposal at all comes before it).
        try """
            events:
              - id: proposal-withdrawn
                type: retraction
                retracts: us-proposes-energy-moratorium-a
                reason: "test: the proposal was recorded twice"
            """.write(toFile: events + "/zz-tail.yaml", atomically: true, encoding: .utf8)
        let retracted = try Corpus.load(seeds: seeds, events: events).warnings.map(\.description)
        #expect(!retracted.contains { $0.contains("the correction moves 'ru-accepts-energy-a'") }, "\(retracted)")
        #expect(retracted.contains { $0.contains("'ua-accepts-energy-early' is dated 2025-03-10") }, "\(retracted)")
    }
}
