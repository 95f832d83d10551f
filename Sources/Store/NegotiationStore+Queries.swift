import EventLog
import Negotiation

/// An answer about track states, with what it was computed from.
public struct StateAnswer: Sendable {
    public var states: [TrackState]
    /// The registry in force (track names, required parties).
    public var registry: Registry
    /// The log's last sequence and head hash when it was read.
    public var head: Head
    /// Whether the checkpoints answered (`false`: the log was replayed).
    public var fromIndex: Bool
    /// The general meetings (talks on the war as a whole, held or planned, on no track) that
    /// happened by the as-of day, as known on the known-on day, in valid-time order.
    public var general: [RecordedEvent] = []
}

extension NegotiationStore {
    /// The state of every track (or one) for `query`: from the derived indexes when they cover
    /// the log and the query reads all of it, by replaying the log otherwise (in bounded memory,
    /// ``replay(_:knownOn:throughSequence:track:)``). Both give the same answer (a test checks
    /// it); the indexes answer in about a millisecond at any size.
    public func states(_ query: Query, track: String? = nil) throws -> StateAnswer {
        if query.throughSequence == nil, log.hasIndexes(ProjectionIndex.names) {
            let answer = try log.readIndexes { r -> StateAnswer? in
                guard try ProjectionIndex.isFresh(r), let registry = try ProjectionIndex.registry(r) else { return nil }
                if let knownOn = query.knownOn, try ProjectionIndex.hasFixesAfter(knownOn, r) { return nil }
                let tracks = try History.tracks(of: registry, named: track)
                let states: [TrackState]
                if let knownOn = query.knownOn {
                    states = try tracks.map { try ProjectionIndex.state(asOf: query.asOf, knownOn: knownOn, track: $0, r) }
                } else {
                    states = try ProjectionIndex.states(asOf: query.asOf, tracks: tracks, r)
                }
                let general = try ProjectionIndex.generalMeetings(asOf: query.asOf, knownOn: query.knownOn, r)
                return StateAnswer(states: states, registry: registry, head: try r.head(), fromIndex: true, general: general)
            }
            if let answer { return answer }
        }
        let replay = try replay([query.asOf], knownOn: query.knownOn, throughSequence: query.throughSequence, track: track)
        return StateAnswer(states: replay.series.first?.states ?? [], registry: replay.registry, head: replay.head, fromIndex: false,
                           general: replay.general)
    }

    /// The general meetings (held and planned) that happened by `asOf`, as known on `knownOn`, in
    /// valid-time order: from the indexes when they answer, by a replay otherwise.
    public func generalMeetings(asOf: Day, knownOn: Day?) throws -> [RecordedEvent] {
        if log.hasIndexes(ProjectionIndex.names) {
            let found = try log.readIndexes { r -> [RecordedEvent]? in
                guard try ProjectionIndex.isFresh(r) else { return nil }
                if let knownOn, try ProjectionIndex.hasFixesAfter(knownOn, r) { return nil }
                return try ProjectionIndex.generalMeetings(asOf: asOf, knownOn: knownOn, r)
            }
            if let found { return found }
        }
        return try replay([asOf], knownOn: knownOn).general
    }

    /// Hands `body` the states of every track (or one) on each of `days`, ascending, one day at
    /// a time; returns the registry and head they were computed from.
    public func forEachDay(_ days: [Day], knownOn: Day?, track: String? = nil,
                           _ body: (Day, [TrackState]) throws -> Void) throws -> (registry: Registry, head: Head) {
        if log.hasIndexes(ProjectionIndex.names) {
            let done = try log.readIndexes { r -> (registry: Registry, head: Head)? in
                guard try ProjectionIndex.isFresh(r), let registry = try ProjectionIndex.registry(r) else { return nil }
                if let knownOn, try ProjectionIndex.hasFixesAfter(knownOn, r) { return nil }
                let tracks = try History.tracks(of: registry, named: track)
                for day in days {
                    let states = try knownOn.map { k in try tracks.map { try ProjectionIndex.state(asOf: day, knownOn: k, track: $0, r) } }
                        ?? ProjectionIndex.states(asOf: day, tracks: tracks, r)
                    try body(day, states)
                }
                return (registry, try r.head())
            }
            if let done { return done }
        }
        let replay = try replay(days, knownOn: knownOn, track: track)
        for (day, states) in replay.series { try body(day, states) }
        return (replay.registry, replay.head)
    }
}

extension NegotiationStore {
    /// Where the derived indexes answer otherwise than a replay of the log, or `nil` when they
    /// agree (or are stale, and so not used): the states as of every day an event may have
    /// happened and the day after the last, then as known on up to `knownOnSamples` publication
    /// days spread over the log. The indexes are only a faster way to the log's answers, and
    /// carry no checksum of their own: this is how damage to them is found (`parley reindex`
    /// rebuilds them). It replays the whole log: seconds for a million events.
    public func indexDisagreement(knownOnSamples: Int = 64) throws -> String? {
        guard try indexIsFresh() else { return nil }
        let history = try history()
        var eventDays = Set<Day>()
        for recorded in history.reports {
            guard let on = recorded.event.on else { continue }
            eventDays.insert(on.first)
            eventDays.insert(on.last)
        }
        guard let last = eventDays.max() else { return nil }
        let days = eventDays.sorted() + [last.adding(days: 1)]
        let replayed = try history.series(days, knownOn: nil)
        var index = 0
        var found: String?
        _ = try forEachDay(days, knownOn: nil) { day, states in
            defer { index += 1 }
            guard found == nil, index < replayed.count, states != replayed[index].1 else { return }
            let tracks = zip(states, replayed[index].1).filter { $0 != $1 }.map(\.0.track)
            found = "as of \(day), the derived indexes answer otherwise than the log for \(tracks.joined(separator: ", "))"
        }
        if let found { return found }
        let published = Set(history.articles.values.map(\.published)).sorted()
        let step = max(1, published.count / max(1, knownOnSamples))
        for knownOn in stride(from: 0, to: published.count, by: step).map({ published[$0] }) {
            let query = Query(asOf: last, knownOn: knownOn)
            if try states(query).states != (try history.states(query)) {
                return "as of \(last) known on \(knownOn), the derived indexes answer otherwise than the log"
            }
        }
        return nil
    }
}
