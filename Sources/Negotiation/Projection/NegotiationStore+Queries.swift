import EventLog

/// An answer about track states, with what it was computed from.
public struct StateAnswer: Sendable {
    public var states: [TrackState]
    /// The registry in force (track names, required parties).
    public var registry: Registry
    /// The log's last sequence and head hash when it was read.
    public var head: Head
    /// Whether the checkpoints answered (`false`: the log was replayed).
    public var fromIndex: Bool
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
                let tracks = try History.tracks(of: registry, named: track)
                let states: [TrackState]
                if let knownOn = query.knownOn {
                    states = try tracks.map { try ProjectionIndex.state(asOf: query.asOf, knownOn: knownOn, track: $0, r) }
                } else {
                    states = try ProjectionIndex.states(asOf: query.asOf, tracks: tracks, r)
                }
                return StateAnswer(states: states, registry: registry, head: try r.head(), fromIndex: true)
            }
            if let answer { return answer }
        }
        let replay = try replay([query.asOf], knownOn: query.knownOn, throughSequence: query.throughSequence, track: track)
        return StateAnswer(states: replay.series.first?.states ?? [], registry: replay.registry, head: replay.head, fromIndex: false)
    }

    /// Hands `body` the states of every track (or one) on each of `days`, ascending, one day at
    /// a time; returns the registry and head they were computed from.
    public func forEachDay(_ days: [Day], knownOn: Day?, track: String? = nil,
                           _ body: (Day, [TrackState]) throws -> Void) throws -> (registry: Registry, head: Head) {
        if log.hasIndexes(ProjectionIndex.names) {
            let done = try log.readIndexes { r -> (registry: Registry, head: Head)? in
                guard try ProjectionIndex.isFresh(r), let registry = try ProjectionIndex.registry(r) else { return nil }
                let tracks = try History.tracks(of: registry, named: track)
                for (i, day) in days.enumerated() {
                    let states = try knownOn.map { k in try tracks.map { try ProjectionIndex.state(asOf: day, knownOn: k, track: $0, r) } }
                        ?? ProjectionIndex.states(asOf: day, tracks: tracks, r)
                    try body(day, states)
                    if i % 128 == 127 { log.releaseMappedPages() }
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
