import EventLog
import Foundation
@testable import Store
import TestSupport
import Testing

@testable import Negotiation

/// A log written by the release before lifecycle events, sources and scopes still opens,
/// verifies and answers, its events read in the new model.
@Suite("A log of the previous release")
struct ReleaseLogTests {
    let directory: TemporaryDirectory
    var db: String { directory.appending("log") }

    init() throws {
        directory = try TemporaryDirectory("release-log")
        try FileManager.default.createDirectory(atPath: db, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.tests + "/Fixtures/release-log/data.mdb", toPath: db + "/data.mdb")
    }

    func day(_ text: String) throws -> Day { try #require(Day(iso: text)) }

    @Test func itVerifiesAndKeepsItsHead() throws {
        let store = try NegotiationStore(directory: db, readOnly: true)
        let report = try store.verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(try store.log.head().hashHex == "24f89914a288c53cb6f1aefd099269da054127b74372dc15369c2716046117aa")
    }

    @Test func itsTracklessMeetingsAreGeneralAndCountOnNoTrack() throws {
        let store = try NegotiationStore(directory: db, readOnly: true)
        let history = try store.history()
        let china = try #require(history.reports.first { $0.event.id == "overchuk-visit-to-china-002" })
        #expect(china.event.general && china.event.tracks.isEmpty)
        let query = Query(asOf: try day("2025-12-31"))
        // Its version-2 indexes are stale: a replay answers, as the history does.
        let answer = try store.states(query)
        #expect(!answer.fromIndex)
        #expect(answer.states == (try history.states(query)))
        let energy = try #require(answer.states.first { $0.track == "energy" })
        #expect(energy.meetingCount == 0, "the China visit counted on every track before")
        #expect(energy.status == .violated)
        let truce = try #require(answer.states.first { $0.track == "truce-30-day" })
        // Jeddah, the Moscow meeting as two reports (one act now), Saint Petersburg, Moscow in August.
        #expect(truce.meetingCount == 5)
        #expect(history.generalMeetings(for: query).map(\.event.id).contains("us-russia-talks-istanbul-004"))
    }

    @Test func reindexingWritesTodaysIndexesAndTheyAnswerAsTheLog() throws {
        let store = try NegotiationStore(directory: db)
        #expect(try !store.indexIsFresh())
        try store.reindex()
        #expect(try store.indexIsFresh())
        let first = try day("2025-02-01")
        for asOf in stride(from: 0, to: 200, by: 7).map({ first.adding(days: $0) }) {
            let answer = try store.states(Query(asOf: asOf))
            #expect(answer.fromIndex)
            #expect(answer.states == (try store.history().states(Query(asOf: asOf))), "as of \(asOf)")
        }
        #expect(try store.indexDisagreement() == nil)
    }
}
