import ArgumentParser
import EventLog
import Foundation
import Negotiation

/// Where the log lives; every command takes it.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The log's directory.",
        discussion: "Defaults to $PARLEY_DB, else .parley in the current directory.",
        valueName: "path"))
    var db: String?

    /// The directory in force: the flag, then `$PARLEY_DB`, then `.parley`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["PARLEY_DB"], !env.isEmpty { return env }
        return ".parley"
    }

    /// Opens the log for writing, creating it if needed.
    func openForWriting() throws -> NegotiationStore {
        try NegotiationStore(directory: path)
    }

    /// Opens the log read-only: query commands never write.
    func openForReading() throws -> NegotiationStore {
        do {
            return try NegotiationStore(directory: path, readOnly: true)
        } catch .noLog(let path) {
            throw CommandError("no Parley log at \(path): run `parley ingest` first, or pass --db")
        }
    }
}

/// An error the tool reports in a sentence, without the usage text.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `--json` flag of query commands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}

/// Writes JSON for `--json`: sorted keys, so output is stable, and no escaped slashes.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Prints to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
