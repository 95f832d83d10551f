/// What an answer gained from one question to another: asked as known on a later day, or of a
/// log that has grown since a sequence.
public struct Learned: Sendable {
    public enum Change: Sendable, Hashable {
        /// An act the first answer did not count.
        case new
        /// Another article reporting an act already counted.
        case source(Source)
        /// A correction or retraction the first answer did not see.
        case fixed(by: RecordedEvent)
        /// An act the first answer counted and the second no longer does (retracted).
        case withdrawn
    }

    /// The act, as the second answer counts it (as the first did, when withdrawn).
    public var event: RecordedEvent
    public var change: Change
}

extension History {
    /// What the answer to `after` counts that the answer to `before` did not, on `track` (all
    /// tracks when `nil`; `general` for the general meetings), in valid-time order.
    public func learned(from before: Query, to after: Query, track: String? = nil) -> [Learned] {
        func onTrack(_ e: RecordedEvent) -> Bool {
            guard let track else { return true }
            return track == "general" ? e.event.general : e.event.tracks.contains(track)
        }
        let then = Dictionary(events(for: before).filter(onTrack).map { ($0.event.id, $0) }, uniquingKeysWith: { a, _ in a })
        let now = events(for: after).filter(onTrack)
        var learned: [Learned] = []
        for event in now {
            guard let old = then[event.event.id] else {
                learned.append(Learned(event: event, change: .new))
                continue
            }
            let counted = Set(old.event.sources.map(\.sequence))
            for source in event.event.sources where !counted.contains(source.sequence) {
                learned.append(Learned(event: event, change: .source(source)))
            }
            for fix in amendments(of: event.event.id) where fix.event.type.isRecordFix
                && sees(fix, after) && !sees(fix, before) {
                learned.append(Learned(event: event, change: .fixed(by: fix)))
            }
        }
        let present = Set(now.map(\.event.id))
        for old in then.values.sorted(by: EffectiveEvents.precedes) where !present.contains(old.event.id) {
            learned.append(Learned(event: old, change: .withdrawn))
        }
        return learned
    }

    /// Whether a query sees a fix: recorded by its sequence, and its article (if any) known.
    private func sees(_ fix: RecordedEvent, _ query: Query) -> Bool {
        guard fix.sequence <= (query.throughSequence ?? .max) else { return false }
        guard let article = fix.event.article else { return true }
        return EffectiveEvents.isKnown(published: published(article), by: query.knownOn)
    }
}
