import ArgumentParser
import Foundation
import Intake
import Logging
import Metrics
import Prometheus
import Server

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the log over HTTP: the read API, the change feed, the write API and a web page.",
        discussion: """
            Answers the same questions as the command line, as JSON (docs/openapi.yaml), from the \
            one log, while `parley ingest` and others keep using it. Reading needs a reader \
            token unless --public-read; writing needs an editor token (`parley token add`). \
            Writes edit the project's files (--seeds, --events) as `add`, `review`, `correct` and \
            `retract` do, then append them as `ingest` does. Logs each request to standard \
            error; SIGINT or SIGTERM stop it once the requests in flight are answered.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var folders: ProjectOptions

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on (0: any free port, printed when listening).", valueName: "port"))
    var port = 8080

    @Flag(help: "Let anyone who reaches the server read, without a token (writing still needs one).")
    var publicRead = false

    @Option(help: ArgumentHelp("The one web origin whose pages may call the API (CORS); none unless given.", valueName: "origin"))
    var corsOrigin: String?

    @Option(help: ArgumentHelp("The largest request body taken, in bytes.", valueName: "bytes"))
    var maxBody = 2 * 1024 * 1024

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port \(port): expected 0 to 65535") }
        guard maxBody > 0 else { throw ValidationError("--max-body: expected a positive number of bytes") }
        if let corsOrigin, !(corsOrigin.hasPrefix("https://") || corsOrigin.hasPrefix("http://")) || corsOrigin.hasSuffix("/") {
            throw ValidationError("--cors-origin '\(corsOrigin)': expected an origin such as https://news.example.org")
        }
    }

    func run() throws {
        var configuration = ServerConfiguration(logDirectory: log.path, project: folders.project)
        configuration.host = host
        configuration.port = port
        configuration.publicRead = publicRead
        configuration.corsOrigin = corsOrigin
        configuration.maxBodyBytes = maxBody
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let server: ParleyServer
        do {
            server = try ParleyServer(configuration: configuration, metrics: registry, logger: Logger(label: "parley.serve"))
        } catch .log(let error) {
            throw error
        } catch .tokens(let error) {
            throw CommandError("\(error)", exitCode: Failure.badInput)
        }
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task {
            do {
                try await server.run { host, port in
                    print("listening on http://\(host):\(port)")
                    fflush(nil)
                }
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// How the server's task ended, read once it has.
    private final class Outcome: @unchecked Sendable {
        var error: (any Error)?
    }
}

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the tokens of the log's server.",
        discussion: """
            Tokens are kept in tokens.json in the log's folder, as SHA-256 digests (readable by \
            its owner only): a token is shown once, when it is added. A running server sees a \
            change at its next request.
            """,
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a token and print it (once).")

        @OptionGroup var log: LogOptions

        @Argument(help: ArgumentHelp("Its holder's name, recorded as `reviewed-by` with what they write.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("What it allows.", valueName: "reader|editor|admin"))
        var role: Role

        func run() throws {
            try requireLog(log)
            let (entry, secret) = try tokens { () throws(TokenError) in try TokenFile(logDirectory: log.path).add(name: name, role: role) }
            print(secret)
            printError("token '\(entry.name)' (\(entry.role.rawValue)) added; it is shown this once: send it as 'Authorization: Bearer <token>'")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens: name, role, the day each was added.")

        @OptionGroup var log: LogOptions

        func run() throws {
            try requireLog(log)
            let entries = try tokens { () throws(TokenError) in try TokenFile(logDirectory: log.path).entries() }
            if entries.isEmpty { print("no tokens: `parley token add NAME --role reader|editor|admin` adds one") }
            for entry in entries { print("\(entry.name)\t\(entry.role.rawValue)\t\(entry.created)") }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: its holder is refused from the next request on.")

        @OptionGroup var log: LogOptions

        @Argument(help: ArgumentHelp("The token's name.", valueName: "name"))
        var name: String

        func run() throws {
            try requireLog(log)
            let removed = try tokens { () throws(TokenError) in try TokenFile(logDirectory: log.path).revoke(name: name) }
            print("revoked '\(removed.name)' (\(removed.role.rawValue))")
        }
    }
}

extension Role: ExpressibleByArgument {}

/// Refuses a folder that holds no log: tokens belong to a log.
private func requireLog(_ log: LogOptions) throws {
    guard FileManager.default.fileExists(atPath: (log.path as NSString).appendingPathComponent("data.mdb")) else {
        throw CommandError("no Parley log at \(log.path): run `parley ingest` first, or pass --db", exitCode: Failure.noLog)
    }
}

/// Runs a change to the token file, ending a refusal with its exit status: a bad name 65, a
/// name taken 75, an unknown one 64, the file 74.
private func tokens<R>(_ body: () throws(TokenError) -> R) throws -> R {
    do {
        return try body()
    } catch {
        let status = switch error {
        case .badName, .unreadable: Failure.badInput
        case .nameTaken: Failure.conflict
        case .unknown: Failure.usage
        case .file: Failure.inputOutput
        }
        throw CommandError(error.description, exitCode: status)
    }
}
