import EventLog
import Foundation
import Negotiation
import Report
@testable import Store
import TestSupport
import Testing

/// The must-shows of the projections, on the curated corpus, through a real log.
@Suite("Track state on the curated corpus")
struct ProjectionTests {
    let history: History
    let corpus: CorpusCopy

    init() throws {
        corpus = try CorpusCopy()
        try corpus.ingest()
        history = try NegotiationStore(directory: corpus.db, readOnly: true).history()
    }

    func day(_ text: String) throws -> Day { try #require(Day(iso: text)) }

    func state(_ track: String, asOf: String, knownOn: String? = nil) throws -> TrackState {
        let query = Query(asOf: try day(asOf), knownOn: try knownOn.map(day))
        return try #require(try history.states(query, track: track).first)
    }

    @Test func theTruceIsNoneBeforeJeddah() throws {
        let s = try state("truce-30-day", asOf: "2025-03-10")
        #expect(s.status == .none)
        #expect(s.proposal == nil)
        #expect(s.positions.values.allSatisfy { $0.stance == .none })
    }

    @Test func theDayAfterJeddahUkraineHasAcceptedWithConditions() throws {
        let s = try state("truce-30-day", asOf: "2025-03-12")
        #expect(s.status == .partiallyAccepted)
        #expect(s.positions["UA"]?.stance == .acceptedWithConditions)
        #expect(s.positions["RU"]?.stance == Stance.none)
        #expect(s.proposal?.id == "truce-30-day/us-jeddah")
        #expect(s.openConditions.map(\.party) == ["UA"])
    }

    @Test func onThe14thRussiaHasAcceptedWithItsDemands() throws {
        let s = try state("truce-30-day", asOf: "2025-03-14")
        #expect(s.status == .conditionallyAccepted)
        #expect(s.positions["RU"]?.stance == .acceptedWithConditions)
        let russian = Set(s.openConditions.filter { $0.party == "RU" }.map(\.label))
        #expect(russian.isSuperset(of: [
            "Ukraine stops mobilising", "Ukraine stops training troops", "Ukraine stops receiving foreign military aid",
        ]))
        let mobilising = try #require(s.openConditions.first { $0.label == "Ukraine stops mobilising" })
        #expect(mobilising.since == (try day("2025-03-13")))
        #expect(mobilising.event == "ru-accepts-truce-with-three-demands-000")
    }

    @Test func asKnownOnThe13thNothingHadBeenPublished() throws {
        let s = try state("truce-30-day", asOf: "2025-03-14", knownOn: "2025-03-13")
        #expect(s.status == .none)
        #expect(s.positions["RU"]?.stance == Stance.none)
    }

    @Test func asKnownOnThe14thRussiasPositionIsKnown() throws {
        let s = try state("truce-30-day", asOf: "2025-03-14", knownOn: "2025-03-14")
        #expect(s.positions["RU"]?.stance == .acceptedWithConditions)
        #expect(s.status == .conditionallyAccepted)
        // Only what 001 (published on the 14th) reported: not 000's list of demands.
        #expect(!s.openConditions.contains { $0.label == "Ukraine stops mobilising" })
    }

    @Test func theEnergyTruceIsViolatedWithAccusationsBothWays() throws {
        let s = try state("energy", asOf: "2025-04-12")
        #expect(s.status == .violated)
        let pairs = Set(s.allegationPairs.map { "\($0.by)>\($0.against.joined(separator: ","))" })
        #expect(pairs == ["UA>RU", "RU>UA"])
        #expect(s.violationCount == 2)
        #expect(s.uncertain)
    }

    @Test func theBlackSeaTruceHasARussianConditionOpen() throws {
        let s = try state("black-sea", asOf: "2025-04-12")
        #expect(s.openConditions.contains { $0.party == "RU" })
        #expect(s.status == .conditionallyAccepted)
    }

    @Test func theJeddahAuditShowsProposalThenUkraineThenRussia() throws {
        let audit = try history.audit("truce-30-day/us-jeddah", asOf: try day("2025-12-31"))
        // 001's report of the proposal is dated up to 13 March, the day Russia accepted: on one
        // day, a proposal comes before the positions taken on it.
        let firstFour = audit.steps.prefix(4)
        #expect(firstFour.map(\.event.event.type) == [.proposal, .acceptance, .proposal, .acceptance])
        #expect(firstFour.map(\.event.event.actor) == ["US", "UA", "US", "RU"])
        #expect(audit.steps[1].change.positions == [PositionChange(party: "UA", before: .none, after: .acceptedWithConditions)])
        #expect(audit.steps[2].change.termsAdded == ["30-day ceasefire"])
        #expect(audit.steps[3].change.conditionsAdded.contains("RU: Ukraine stops mobilising"))
        #expect(audit.steps[0].change.termsAdded == ["temporary ceasefire"])
        for step in firstFour {
            let quote = try #require(step.event.event.quote)
            #expect(quote.count > 40)
        }
        #expect(throws: ProjectionError.self) { try history.audit("truce-30-day/nobody", asOf: try day("2025-12-31")) }
    }

    @Test func theWeeklyExportMatchesItsGoldenFile() throws {
        let days = Cadence.week.days(from: try day("2025-02-15"), to: try day("2025-08-15"))
        #expect(days.count == 26)
        let (firstMonday, lastMonday) = (try day("2025-02-17"), try day("2025-08-11"))
        #expect(days.first == firstMonday && days.last == lastMonday, "Mondays")
        let general = try history.generalMeetings(for: Query(asOf: #require(days.last)))
        let csv = try CSVExport.render(try history.series(days, knownOn: nil), general: general, knownOn: nil, head: history.head)
        let golden = Fixtures.tests + "/NegotiationTests/Fixtures/golden/export-weekly.csv"
        if ProcessInfo.processInfo.environment["PARLEY_UPDATE_GOLDEN"] == "1" {
            try csv.write(toFile: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: golden, encoding: .utf8)
        #expect(csv == expected)
        #expect(csv.hasPrefix(CSVExport.columns(parties: ["UA", "RU"]).joined(separator: ",") + "\r\n"))
    }

    @Test func anExportWrittenToAFileInBlocksIsTheRenderedTextByteForByte() throws {
        // Two years of days on three tracks: several of the writer's 64 KiB blocks.
        let series = try history.series(Cadence.day.days(from: try day("2024-09-01"), to: try day("2026-08-31")), knownOn: nil)
        let expected = try CSVExport.render(series, knownOn: nil, head: history.head)
        #expect(expected.utf8.count > 3 << 16)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-export-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stream = try #require(OutputStream(toFileAtPath: path, append: false))
        let writer = try CSVExport.Writer(stream: stream, knownOn: nil, head: history.head)
        for (day, states) in series { try writer.write(day, states) }
        try writer.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    @Test func anExportToAFullDiskThrowsInsteadOfEndingQuietly() throws {
        // /dev/full refuses every write with ENOSPC.
        let stream = try #require(OutputStream(toFileAtPath: "/dev/full", append: false))
        let series = try history.series(Cadence.day.days(from: try day("2024-09-01"), to: try day("2026-08-31")), knownOn: nil)
        let error = #expect(throws: CSVExport.WriteError.self) {
            let writer = try CSVExport.Writer(stream: stream, knownOn: nil, head: history.head)
            for (day, states) in series { try writer.write(day, states) }
            try writer.finish()
        }
        #expect(error?.reason == "No space left on device")
        // A short export fails at its end, when its one block is passed on.
        let short = try #require(OutputStream(toFileAtPath: "/dev/full", append: false))
        let writer = try CSVExport.Writer(stream: short, knownOn: nil, head: history.head)
        try writer.write(try day("2025-03-11"), try history.states(Query(asOf: try day("2025-03-11"))))
        #expect(throws: CSVExport.WriteError.self) { try writer.finish() }
    }

    @Test func aSeriesAgreesWithStatesComputedOneByOne() throws {
        let days = Cadence.day.days(from: try day("2025-02-10"), to: try day("2025-04-20"))
        for (day, states) in try history.series(days, knownOn: nil) {
            #expect(states == (try history.states(Query(asOf: day))), "on \(day)")
        }
    }
}

@Suite("The fold")
struct FoldTests {
    let track = Track(id: "t", names: [:], requires: ["A", "B"])

    func event(_ id: String, _ type: EventType, _ actor: String, on: String, _ build: (inout Event) -> Void = { _ in }) throws -> RecordedEvent {
        var e = Event(id: id, type: type)
        e.tracks = ["t"]
        e.actor = actor
        e.on = try ValidTime(parsing: on)
        build(&e)
        return RecordedEvent(event: e, sequence: 0, recordedAtMicroseconds: 0, hash: "")
    }

    func fold(_ events: [RecordedEvent]) -> TrackState {
        var s = TrackState(track: track)
        for e in events { s.apply(e) }
        return s
    }

    @Test func aRejectionThenANewProposalIsProposedAgain() throws {
        let p1 = try event("p1", .proposal, "C", on: "2025-01-01") { $0.proposal = "t/one" }
        let no = try event("no", .rejection, "A", on: "2025-01-02") { $0.proposal = "t/one" }
        let p2 = try event("p2", .proposal, "C", on: "2025-01-03") { $0.proposal = "t/two" }
        #expect(fold([p1, no]).status == .rejected)
        #expect(fold([p1, no, p2]).status == .proposed)
    }

    @Test func aNewConditionTurnsAcceptedIntoConditionallyAccepted() throws {
        let p = try event("p", .proposal, "C", on: "2025-01-01") { $0.proposal = "t/one" }
        let a = try event("a", .acceptance, "A", on: "2025-01-02")
        let b = try event("b", .acceptance, "B", on: "2025-01-02")
        let c = try event("c", .condition, "B", on: "2025-01-03") { $0.conditions = [Term(label: "x")] }
        #expect(fold([p, a, b]).status == .accepted)
        let after = fold([p, a, b, c])
        #expect(after.status == .conditionallyAccepted)
        #expect(after.positions["B"]?.stance == .acceptedWithConditions)
    }

    @Test func aConditionClosesWhenMetOrWhenItsPartyAcceptsUnconditionally() throws {
        let a = try event("a", .acceptance, "A", on: "2025-01-02") { $0.conditions = [Term(label: "x"), Term(label: "y")] }
        let b = try event("b", .acceptance, "B", on: "2025-01-02")
        let met = try event("m", .meeting, "A", on: "2025-01-03") { $0.met = ["x"] }
        let plain = try event("again", .acceptance, "A", on: "2025-01-04")
        let unconditional = try event("u", .acceptance, "A", on: "2025-01-05") { $0.unconditional = true }
        #expect(fold([a, b, met]).openConditions.map(\.label) == ["y"])
        // A report that repeats an acceptance without its conditions does not drop them.
        #expect(fold([a, b, met, plain]).status == .conditionallyAccepted)
        let end = fold([a, b, met, plain, unconditional])
        #expect(end.openConditions.isEmpty)
        #expect(end.status == .accepted)
    }

    @Test func aViolationBeforeEveryoneAcceptedDoesNotMakeItViolated() throws {
        let a = try event("a", .acceptance, "A", on: "2025-01-02")
        let v = try event("v", .violation, "B", on: "2025-01-03") { $0.counterparts = ["A"] }
        let b = try event("b", .acceptance, "B", on: "2025-01-04")
        let v2 = try event("v2", .violation, "A", on: "2025-01-05") { $0.counterparts = ["B"] }
        #expect(fold([a, v, b]).status == .accepted)
        #expect(fold([a, v, b]).violationCount == 1)
        #expect(fold([a, v, b, v2]).status == .violated)
    }
}

@Suite("The log's own fixes")
struct FixTests {
    @Test func correctionsReplaceFieldsAndRetractionsRemoveFromTheirPositionOn() throws {
        let corpus = try CorpusCopy()
        let before = try corpus.ingest()
        let fixes = """
            events:
              - id: fix-ru-accepts-date
                type: correction
                corrects: ru-accepts-truce-with-three-demands-000
                set: {on: 2025-03-16}
                reason: "test: move Russia's acceptance after the 14th (to the last day its article may have known)"
              - id: withdraw-001-russian-acceptance
                type: retraction
                retracts: ru-backs-truce-in-principle-details-to-clarify-001
                reason: "test: withdraw 001's report"
            """
        try fixes.write(toFile: corpus.events + "/zz-fixes.yaml", atomically: true, encoding: .utf8)
        try corpus.ingest()
        let history = try NegotiationStore(directory: corpus.db, readOnly: true).history()
        let asOf = try #require(Day(iso: "2025-03-14"))
        let now = try #require(try history.states(Query(asOf: asOf), track: "truce-30-day").first)
        #expect(now.positions["RU"]?.stance == Stance.none)
        #expect(now.status == .partiallyAccepted)
        // Read as the log stood before the fixes, the old answer comes back.
        let then = try #require(try history.states(Query(asOf: asOf, throughSequence: before.head.sequence), track: "truce-30-day").first)
        #expect(then.positions["RU"]?.stance == .acceptedWithConditions)
        let audit = try history.audit("truce-30-day/us-jeddah", asOf: try #require(Day(iso: "2025-12-31")))
        #expect(Set(audit.fixes.map(\.event.id)) == ["fix-ru-accepts-date", "withdraw-001-russian-acceptance"])
        #expect(!audit.steps.contains { $0.event.event.id == "ru-backs-truce-in-principle-details-to-clarify-001" })
    }
}
