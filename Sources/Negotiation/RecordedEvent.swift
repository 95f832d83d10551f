/// An event as recorded: the event, and its place and time in the log.
public struct RecordedEvent: Sendable, Hashable {
    public var event: Event
    /// Transaction time: the log sequence…
    public var sequence: UInt64
    /// …and when it was recorded, in microseconds since the epoch.
    public var recordedAtMicroseconds: Int64
    /// The entry's chain hash, lowercase hex.
    public var hash: String

    public init(event: Event, sequence: UInt64, recordedAtMicroseconds: Int64, hash: String) {
        self.event = event
        self.sequence = sequence
        self.recordedAtMicroseconds = recordedAtMicroseconds
        self.hash = hash
    }
}
