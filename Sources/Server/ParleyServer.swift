import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Intake
import Logging
import Negotiation
import NIOCore
import Prometheus
import Store

/// What `parley serve` serves, and how.
public struct ServerConfiguration: Sendable {
    /// The address to listen on: loopback unless told.
    public var host = "127.0.0.1"
    /// The port; 0 takes any free one (the server says which when it listens).
    public var port = 8080
    /// The log's folder.
    public var logDirectory: String
    /// The project whose files writes edit (the catalog, the articles, the event files), as
    /// `parley add`, `review`, `correct` and `retract` do, before they are appended.
    public var project: Project
    /// Whether reading needs no token.
    public var publicRead = false
    /// The one origin whose pages may call the API from a browser (CORS); none unless told.
    public var corsOrigin: String?
    /// The largest request body taken, in bytes; a larger one gets 413.
    public var maxBodyBytes = 2 * 1024 * 1024
    /// How often the change feed looks for new entries (another process may have appended).
    public var feedPollInterval: Duration = .milliseconds(100)

    public init(logDirectory: String, project: Project) {
        self.logDirectory = logDirectory
        self.project = project
    }
}

/// Why the server did not start.
public enum ServerError: Error, Sendable, CustomStringConvertible {
    case log(EventLogError)
    case tokens(TokenError)

    public var description: String {
        switch self {
        case .log(let error): "\(error)"
        case .tokens(let error): "\(error)"
        }
    }
}

/// `parley serve`: the log over HTTP (``Routes``), on Hummingbird.
public struct ParleyServer: Sendable {
    let configuration: ServerConfiguration
    let access: LogAccess
    let tokens: TokenCheck
    let metrics: PrometheusCollectorRegistry?
    let logger: Logger

    /// Opens the log (it must exist: `parley ingest` makes it) and reads the tokens.
    ///
    /// - Parameter metrics: the registry `/metrics` shows, when the process bootstrapped
    ///   swift-metrics with it; `nil` leaves `/metrics` out.
    public init(configuration: ServerConfiguration, metrics: PrometheusCollectorRegistry?, logger: Logger) throws(ServerError) {
        let store: NegotiationStore
        do { store = try NegotiationStore(directory: configuration.logDirectory) } catch { throw .log(error) }
        self.configuration = configuration
        access = LogAccess(store: store)
        let file = TokenFile(logDirectory: configuration.logDirectory)
        do { _ = try file.entries() } catch { throw .tokens(error) }
        tokens = TokenCheck(file: file)
        self.metrics = metrics
        self.logger = logger
    }

    /// The application: routes and middleware, listening where configured.
    func application(onListening: @escaping @Sendable (String, Int) -> Void) -> some ApplicationProtocol {
        let router = Router(context: ParleyContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorBodyMiddleware())
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        if let origin = configuration.corsOrigin {
            router.add(middleware: CORSMiddleware(allowOrigin: .custom(origin), allowHeaders: [.authorization, .contentType, .ifMatch, .ifNoneMatch],
                                                  allowMethods: [.get, .post, .options], exposedHeaders: ["ETag", "Parley-Head", "Parley-Next-After"]))
        }
        router.add(middleware: AuthenticationMiddleware(tokens: tokens))
        Routes(configuration: configuration, access: access, metrics: metrics).add(to: router)
        let host = configuration.host
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "parley"),
            onServerRunning: { channel in onListening(host, channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then stops taking connections, ends the change feeds and
    /// lets the requests in flight finish.
    public func run(onListening: @escaping @Sendable (String, Int) -> Void) async throws {
        try await application(onListening: onListening).runService()
    }
}

/// Each request's context: Hummingbird's, and the identity its token gave.
struct ParleyContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: Identity?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Refuses the request unless its token allows `role`: 401 without a token, 403 with one
    /// that does not allow it.
    func require(_ role: Role) throws(APIError) {
        guard let identity else {
            throw APIError(.unauthorized, "this needs a token (\(role.rawValue) or above): send it as 'Authorization: Bearer <token>'",
                           headers: [.wwwAuthenticate: "Bearer realm=\"parley\""])
        }
        guard identity.role >= role else {
            throw APIError(.forbidden, "the token '\(identity.name)' is a \(identity.role.rawValue) token; this needs \(role.rawValue) or above")
        }
    }
}

/// Reads `Authorization: Bearer …`: a token the file does not know is refused at once (401),
/// a known one names the request's identity.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ParleyContext
    let tokens: TokenCheck

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, "the Authorization header must be 'Bearer <token>'", headers: [.wwwAuthenticate: "Bearer realm=\"parley\""])
        }
        let secret = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        let identity: Identity?
        do { identity = try tokens.identify(secret) } catch {
            context.logger.error("the token file cannot be read: \(error)")
            throw APIError(.internalServerError, "the server cannot read its tokens")
        }
        guard let identity else {
            throw APIError(.unauthorized, "this token is not known (revoked, or mistyped)", headers: [.wwwAuthenticate: "Bearer realm=\"parley\", error=\"invalid_token\""])
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "token"] = .string(identity.name)
        return try await next(request, context)
    }
}

/// One structured line per request, once answered: method, path, status, milliseconds, and the
/// token's name when one was sent (never the token).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ParleyContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("answered", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code), "ms": .string(String(format: "%.2f", milliseconds)),
        ])
        return response
    }
}

/// Every error leaves as the one JSON body (``APIError``): Hummingbird's own (404 for an unknown
/// path, 413 for a body too large) included; anything unexpected is a 500 whose details go to
/// the server's log only.
struct ErrorBodyMiddleware: RouterMiddleware {
    typealias Context = ParleyContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIError.response(status: error.status, message: error.message, headers: error.headers)
        } catch let error as ProjectionError {
            // A track or proposal the log does not have.
            return APIError.response(status: .notFound, message: error.description)
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase
            return APIError.response(status: error.status, message: error.status == .notFound ? "no such path: \(request.uri.path)" : message,
                                     headers: error.headers)
        } catch let error as any HTTPResponseError {
            return APIError.response(status: error.status, message: error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed: \(String(reflecting: error))")
            return APIError.response(status: .internalServerError, message: "the server could not answer; its log says why")
        }
    }
}

extension HTTPField.Name {
    /// The head an answer was computed from: `sequence hash`.
    static let parleyHead = HTTPField.Name("Parley-Head")!
    /// Where the next page of `/v1/log` starts.
    static let parleyNextAfter = HTTPField.Name("Parley-Next-After")!
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
