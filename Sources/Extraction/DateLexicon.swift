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

    static let listFields = [
        "last", "next", "this", "parts-of-day", "range-from", "range-to", "between", "and", "ago-before", "ago-after",
        "in", "month-units", "month-lead", "future", "since",
    ]
    static let offsetFields = ["days", "from-reference", "weeks", "months-relative", "years"]
    static let fields = ["language", "months", "months-capitalized", "weekdays", "ordinal-suffixes", "units", "numbers"]
        + offsetFields + listFields

    mutating func setList(_ field: String, _ list: PhraseList) {
        switch field {
        case "last": last = list
        case "next": next = list
        case "this": this = list
        case "parts-of-day": partsOfDay = list
        case "range-from": rangeFrom = list
        case "range-to": rangeTo = list
        case "between": between = list
        case "and": and = list
        case "ago-before": agoBefore = list
        case "ago-after": agoAfter = list
        case "in": `in` = list
        case "month-units": monthUnits = list
        case "month-lead": monthLead = list
        case "since": since = list
        default: future = list
        }
    }

    mutating func setOffsets(_ field: String, _ set: PhraseSet<Int>) {
        switch field {
        case "days": days = set
        case "from-reference": fromReference = set
        case "weeks": weeks = set
        case "months-relative": monthsRelative = set
        default: years = set
        }
    }
}
