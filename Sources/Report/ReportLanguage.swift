/// The language of a report's words: track and party names from the registries, and the
/// page's own labels.
public enum ReportLanguage: String, Sendable, Hashable, CaseIterable {
    /// English.
    case en
    /// French.
    case fr
}
