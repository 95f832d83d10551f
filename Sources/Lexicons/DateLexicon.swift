/// The date words of one language, from `lexicons/dates-<language>.yaml`; each field is
/// explained in the file.
public struct DateLexicon: Sendable {
    /// The language code of the words.
    public var language: String
    /// Folded month names (and abbreviations) → 1…12.
    public var months: [String: Int] = [:]
    /// Whether a month name must be written with a capital (English: "May", not "may").
    public var monthsCapitalized = false
    /// Folded weekday names → 1 (Monday) … 7 (Sunday).
    public var weekdays: [String: Int] = [:]
    /// What a day number may carry: « 1er », "11th".
    public var ordinalSuffixes: [String] = []
    package var days = PhraseSet<Int>()
    package var fromReference = PhraseSet<Int>()
    package var weeks = PhraseSet<Int>()
    package var monthsRelative = PhraseSet<Int>()
    package var years = PhraseSet<Int>()
    package var last = PhraseList()
    package var next = PhraseList()
    package var this = PhraseList()
    package var partsOfDay = PhraseList()
    package var rangeFrom = PhraseList()
    package var rangeTo = PhraseList()
    package var between = PhraseList()
    package var and = PhraseList()
    package var agoBefore = PhraseList()
    package var agoAfter = PhraseList()
    package var `in` = PhraseList()
    /// Folded unit words → days (jour 1, semaine 7).
    public var units: [String: Int] = [:]
    package var monthUnits = PhraseList()
    /// Folded number words → value.
    public var numbers: [String: Int] = [:]
    package var monthLead = PhraseList()
    package var future = PhraseList()
    package var since = PhraseList()

    /// No words yet, for `language`.
    public init(language: String) {
        self.language = language
    }

    /// The phrase lists, by their names in the file.
    package static let listFields: [(name: String, path: any WritableKeyPath<DateLexicon, PhraseList> & Sendable)] = [
        ("last", \.last), ("next", \.next), ("this", \.this), ("parts-of-day", \.partsOfDay), ("range-from", \.rangeFrom),
        ("range-to", \.rangeTo), ("between", \.between), ("and", \.and), ("ago-before", \.agoBefore), ("ago-after", \.agoAfter),
        ("in", \.in), ("month-units", \.monthUnits), ("month-lead", \.monthLead), ("future", \.future), ("since", \.since),
    ]
    /// The phrase-to-number tables, by their names in the file.
    package static let offsetFields: [(name: String, path: any WritableKeyPath<DateLexicon, PhraseSet<Int>> & Sendable)] = [
        ("days", \.days), ("from-reference", \.fromReference), ("weeks", \.weeks), ("months-relative", \.monthsRelative),
        ("years", \.years),
    ]
    static let fields = ["language", "months", "months-capitalized", "weekdays", "ordinal-suffixes", "units", "numbers"]
        + offsetFields.map(\.name) + listFields.map(\.name)
}
