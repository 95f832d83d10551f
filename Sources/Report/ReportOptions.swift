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
    /// The language of the labels and of the registries' names.
    public var language: ReportLanguage
    /// Whether an event with an imprecise date gets a bar over the days it could be (its hollow
    /// marker on the last of them is drawn either way).
    public var showsRanges: Bool = true
    /// A page to embed in another (an `iframe` in an article): the chart alone, scaled to the
    /// width of its container, with a line naming its source; no heading, table or lists.
    public var embedded: Bool = false

    /// Options for a report as of `asOf`; the rest defaults to everything recorded, the axis
    /// from the first event to `asOf`, in English.
    public init(asOf: Day, knownOn: Day? = nil, from: Day? = nil, to: Day? = nil, language: ReportLanguage = .en) {
        self.asOf = asOf
        self.knownOn = knownOn
        self.from = from
        self.to = to
        self.language = language
    }
}
