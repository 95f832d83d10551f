import Negotiation

/// What a report shows: the day its state table describes, what the press knew, the span of
/// its time axis, and its language.
public struct ReportOptions: Sendable, Hashable {
    /// The day the state table, the audits and the as-of line describe.
    public var asOf: Day
    /// Keep only events whose article was published on or before this day, everywhere.
    public var knownOn: Day?
    /// The first day of the time axis (default: the first day any shown event could be).
    public var from: Day?
    /// The last day of the time axis (default: `asOf`).
    public var to: Day?
    public var language: ReportLanguage

    public init(asOf: Day, knownOn: Day? = nil, from: Day? = nil, to: Day? = nil, language: ReportLanguage = .en) {
        self.asOf = asOf
        self.knownOn = knownOn
        self.from = from
        self.to = to
        self.language = language
    }
}
