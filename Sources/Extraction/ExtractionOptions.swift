/// Settings of one extraction run.
public struct ExtractionOptions: Sendable, Hashable {
    /// Candidates below this confidence are not proposed.
    public var minimumConfidence: Double
    /// An undated event is put in the range of this many days before publication, through it.
    public var undatedDays: Int
    /// A report with no track in its own sentence takes the nearest track named in this many
    /// sentences before it (a meeting never does: many meetings concern no single track).
    public var contextSentences: Int

    /// The defaults: candidates from 0.3, undated events within 30 days, two sentences of context.
    public init(minimumConfidence: Double = 0.3, undatedDays: Int = 30, contextSentences: Int = 2) {
        self.minimumConfidence = minimumConfidence
        self.undatedDays = undatedDays
        self.contextSentences = contextSentences
    }
}
