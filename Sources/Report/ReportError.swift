import Negotiation

/// Why a report could not be made.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The log could not be projected (no registry, an unknown track…).
    case projection(ProjectionError)
    /// The time axis would end before it starts: `--from` is after `--to` (or after the
    /// as-of day, when `--to` is not given).
    case axisEndsBeforeItStarts(from: Day, to: Day)

    public var description: String {
        switch self {
        case .projection(let error):
            error.description
        case .axisEndsBeforeItStarts(let from, let to):
            "the time axis would end (\(to)) before it starts (\(from)): give a --to on or after --from"
        }
    }
}
