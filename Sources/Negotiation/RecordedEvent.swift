/// An event as recorded: the event, and its place and time in the log.
public struct RecordedEvent: Sendable, Hashable {
    public var event: Event
    /// Transaction time: the log sequence…
    public var sequence: UInt64
    /// …and when it was recorded, in microseconds since the epoch.
    public var recordedAtMicroseconds: Int64
    /// The entry's chain hash, lowercase hex.
    public var hash: String
    /// Knowledge time: the publication day of the earliest of its sources that counts
    /// (``EffectiveEvents``); `nil` as recorded, or when no source's article is known.
    public var known: Day?

    public init(event: Event, sequence: UInt64, recordedAtMicroseconds: Int64, hash: String) {
        self.event = event
        self.sequence = sequence
        self.recordedAtMicroseconds = recordedAtMicroseconds
        self.hash = hash
    }
}
