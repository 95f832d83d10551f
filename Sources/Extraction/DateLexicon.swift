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
    var days = PhraseSet<Int>()
    var fromReference = PhraseSet<Int>()
    var weeks = PhraseSet<Int>()
    var monthsRelative = PhraseSet<Int>()
    var years = PhraseSet<Int>()
    var last = PhraseList()
    var next = PhraseList()
    var this = PhraseList()
    var partsOfDay = PhraseList()
    var rangeFrom = PhraseList()
    var rangeTo = PhraseList()
    var between = PhraseList()
    var and = PhraseList()
    var agoBefore = PhraseList()
    var agoAfter = PhraseList()
    var `in` = PhraseList()
    /// Folded unit words → days (jour 1, semaine 7).
    public var units: [String: Int] = [:]
    var monthUnits = PhraseList()
    /// Folded number words → value.
    public var numbers: [String: Int] = [:]
    var monthLead = PhraseList()
    var future = PhraseList()
    var since = PhraseList()

    /// No words yet, for `language`.
    public init(language: String) {
        self.language = language
    }

    /// The phrase lists, by their names in the file.
    static let listFields: [(name: String, path: any WritableKeyPath<DateLexicon, PhraseList> & Sendable)] = [
        ("last", \.last), ("next", \.next), ("this", \.this), ("parts-of-day", \.partsOfDay), ("range-from", \.rangeFrom),
        ("range-to", \.rangeTo), ("between", \.between), ("and", \.and), ("ago-before", \.agoBefore), ("ago-after", \.agoAfter),
        ("in", \.in), ("month-units", \.monthUnits), ("month-lead", \.monthLead), ("future", \.future), ("since", \.since),
    ]
    /// The phrase-to-number tables, by their names in the file.
    static let offsetFields: [(name: String, path: any WritableKeyPath<DateLexicon, PhraseSet<Int>> & Sendable)] = [
        ("days", \.days), ("from-reference", \.fromReference), ("weeks", \.weeks), ("months-relative", \.monthsRelative),
        ("years", \.years),
    ]
    static let fields = ["language", "months", "months-capitalized", "weekdays", "ordinal-suffixes", "units", "numbers"]
        + offsetFields.map(\.name) + listFields.map(\.name)
}
