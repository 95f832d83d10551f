import ArgumentParser
import Foundation
import Negotiation

/// Reads a day option, saying why a value is refused ("2025-02 has 28 days, not 29"), which
/// ArgumentParser then shows beside the option's name.
func dayArgument(_ text: String) throws -> Day {
    if let day = Day(iso: text) { return day }
    do {
        _ = try ValidTime(parsing: text)
    } catch {
        throw ValidationError(error.problem)
    }
    // A month or a range: a valid time, but not one day.
    throw ValidationError("\(text) is not one day; expected YYYY-MM-DD, from 0001-01-01 to 9999-12-31")
}

/// `--known-on`, shared by the query commands.
struct KnownOnOption: ParsableArguments {
    @Option(name: .customLong("known-on"), help: ArgumentHelp(
        "Keep only events whose article was published on or before this day.", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var knownOn: Day?
}

/// `--as-of` and `--known-on`.
struct QueryOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Fold the events that happened on or before this day (default: today).", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var asOf: Day?

    @OptionGroup var known: KnownOnOption

    var query: Query { Query(asOf: asOf ?? .today, knownOn: known.knownOn) }
}

/// `--from` and `--to`, checked to be in order.
struct DateRangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("From this day on.", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var from: Day?

    @Option(help: ArgumentHelp("Up to this day (default: today).", valueName: "YYYY-MM-DD"), transform: dayArgument)
    var to: Day?

    func validate() throws {
        if let from, let to, to < from { throw ValidationError("--to (\(to)) is before --from (\(from))") }
    }
}

/// Opens the log read-only and reads the whole record once.
func readHistory(_ log: LogOptions) throws -> History {
    try log.openForReading().history()
}

/// Track names in a language, falling back to English, then the id.
func name(of track: String, in registry: Registry, language: String = "en") -> String {
    let names = registry.track(track)?.names ?? [:]
    return names[language] ?? names["en"] ?? track
}
