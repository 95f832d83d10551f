import Answers
import ArgumentParser
import EventLog
import FileIO
import Exchange
import Intake
import Foundation
import LMDB
import Negotiation
import Store

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

    /// The event `id` as the log recorded it; `nil` when it is not there, or there is no log yet.
    func recordedEvent(_ id: String) throws -> RecordedEvent? {
        guard let store = try? openForReading() else { return nil }
        return try store.contents().events.first { $0.event.id == id }
    }

    /// Opens the log read-only: query commands never write.
    func openForReading() throws -> NegotiationStore {
        do {
            return try NegotiationStore(directory: path, readOnly: true)
        } catch .noLog(let path) {
            throw CommandError("no Parley log at \(path): run `parley ingest` first, or pass --db", exitCode: Failure.noLog)
        }
    }
}

/// An error the tool reports in a sentence, without the usage text.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    /// The exit status it ends the tool with.
    let exitCode: Int32
    init(_ description: String, exitCode: Int32) {
        self.description = description
        self.exitCode = exitCode
    }
}

/// What kind of failure stopped a command, and the exit status that says so (sysexits.h):
/// damage 1 (as a failed verification), bad input 65 (a file the user gave, a corpus `ingest`
/// refuses), no log 66, I/O and the system's failures 74, conflict 75; usage errors are
/// ArgumentParser's 64. The README lists them.
struct Failure {
    static let damaged: Int32 = 1
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let noLog: Int32 = 66
    static let inputOutput: Int32 = 74
    static let conflict: Int32 = 75

    enum Kind: String, Encodable {
        case damaged, noLog = "no log", inputOutput = "input/output", conflict, other
    }

    let kind: Kind
    /// What went wrong, one finding a line (damage may have several).
    let problems: [String]
    let exitCode: Int32

    init(kind: Kind, problems: [String], exitCode: Int32) {
        self.kind = kind
        self.problems = problems
        self.exitCode = exitCode
    }

    /// Classes `error`; `nil` for errors that are not the log's (usage, validation, exits).
    init?(_ error: any Error) {
        switch error {
        case let error as ExchangeError:
            switch error {
            case .badLine: self.init(kind: .other, problems: [error.description], exitCode: Self.badInput)
            case .conflict: self.init(kind: .conflict, problems: [error.description], exitCode: Self.conflict)
            case .file(let error): self.init(kind: error.isInputProblem ? .other : .inputOutput, problems: [error.description], exitCode: error.exitCode)
            case .failed: self.init(kind: .inputOutput, problems: [error.description], exitCode: Self.inputOutput)
            }
        case let error as IntakeError:
            switch error {
            case .badInput(let issues): self.init(kind: .other, problems: issues.map(\.description), exitCode: Self.badInput)
            case .conflict(let problem): self.init(kind: .conflict, problems: [problem], exitCode: Self.conflict)
            case .io(let error): self.init(kind: .inputOutput, problems: [error.description], exitCode: Self.inputOutput)
            }
        case let error as CommandError:
            self.init(kind: error.exitCode == Self.noLog ? .noLog : error.exitCode == Self.inputOutput ? .inputOutput : .other, problems: [error.description], exitCode: error.exitCode)
        case StoreError.log(let error):
            self.init(error)
        case let error as StoreError where error.isConflict:
            // Another writer came first, between two batches of an ingest.
            self.init(kind: .conflict, problems: [error.description], exitCode: Self.conflict)
        case let error as StoreError:
            // An entry that no longer decodes as a Parley record.
            self.init(kind: .damaged, problems: [error.description], exitCode: Self.damaged)
        case let error as ProjectionError:
            switch error {
            case .unknownTrack, .unknownProposal:
                // A track or proposal named on the command line that the log does not have.
                self.init(kind: .other, problems: [error.description], exitCode: Self.usage)
            case .noRegistry:
                // Nothing ingested yet that a projection could read.
                self.init(kind: .noLog, problems: [error.description], exitCode: Self.noLog)
            }
        case let error as RecordDecodingError:
            // What a query read, from the log or a derived index, no longer decodes.
            self.init(kind: .damaged, problems: [
                "a stored record no longer decodes (\(error.reason)): the log or its derived indexes are damaged; `parley verify` checks the log, `parley reindex` rebuilds the indexes from it",
            ], exitCode: Self.damaged)
        case let error as LMDBError:
            self.init(EventLogError(error))
        case let error as FileError:
            // A file a command reads or writes: the user's to change (65), or the system's (74).
            self.init(kind: error.isInputProblem ? .other : .inputOutput, problems: [error.description], exitCode: error.exitCode)
        case let error as CocoaError where error.code == .fileWriteOutOfSpace:
            // A temporary file of an ingest, on a full disk.
            self.init(kind: .inputOutput, problems: ["no space left on device: \(error.localizedDescription)"], exitCode: Self.inputOutput)
        case let error as EventLogError:
            switch error {
            case .damaged(let found):
                self.init(kind: .damaged, problems: found, exitCode: Self.damaged)
            case .damagedEntry:
                self.init(kind: .damaged, problems: [error.description], exitCode: Self.damaged)
            case .noLog(let path):
                self.init(kind: .noLog, problems: ["no Parley log at \(path): run `parley ingest` first, or pass --db"], exitCode: Self.noLog)
            case .noLogYet:
                self.init(kind: .noLog, problems: [error.description + ": run `parley ingest` to write it"], exitCode: Self.noLog)
            case .inputOutput:
                self.init(kind: .inputOutput, problems: [error.description], exitCode: Self.inputOutput)
            case .lockFileReplaced, .conflict:
                self.init(kind: .conflict, problems: [error.description], exitCode: Self.conflict)
            case .directory:
                // The log's folder cannot be made or opened: the system's reason says why.
                self.init(kind: .inputOutput, problems: [error.description], exitCode: Self.inputOutput)
            case .storage(let storage) where storage.code > 0:
                // An errno from LMDB (a read-only file system, no permission, no memory…).
                self.init(kind: .inputOutput, problems: [error.description], exitCode: Self.inputOutput)
            case .unsupportedFormat, .invalidID, .idReusedWithOtherContent:
                // A log this version does not read, or records it would not take.
                self.init(kind: .other, problems: [error.description], exitCode: Self.badInput)
            case .storage:
                self.init(kind: .other, problems: [error.description], exitCode: 1)
            }
        default:
            return nil
        }
    }
}

extension Parley {
    /// Runs the command, and ends a failure of the log with the exit status of its kind
    /// (``Failure``): ArgumentParser would end them all with 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard let failure = Failure(error) else { exit(withError: error) }
            printError("Error: " + failure.problems.joined(separator: "\n"))
            exit(withError: ExitCode(failure.exitCode))
        }
    }
}

/// The `--json` flag of query commands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}

/// Prints a `--json` answer in its one shape (``JSONAnswer``).
func printAnswer(asOf: Day? = nil, knownOn: Day? = nil, head: Head?, _ payload: some Encodable) throws {
    print(try JSONAnswer(asOf: asOf, knownOn: knownOn, head: head, payload).json(), terminator: "")
}

/// Prints to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
