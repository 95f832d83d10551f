import Answers
import Corpus
import EventLog
import Extraction
import FileIO
import Foundation
import HTTPTypes
import Hummingbird
import Intake
import Lexicons
import Negotiation
import NIOCore
import Store

/// The write API, for editor tokens. Each write edits the project's files as the command line
/// does (`add`, `review`, `correct`, `retract`), then appends the project to the log as
/// `ingest` does (drafts left out), in one step:
/// - it takes the head the client last read in `If-Match` (its `ETag`); when the log has moved
///   on, it answers 412 and changes nothing;
/// - every file it touches is put back as it was when any check or the append fails, so a
///   refused write leaves no trace;
/// - the token's name is recorded as the events' `reviewed-by`.
struct WriteRoutes: Sendable {
    let configuration: ServerConfiguration
    let access: LogAccess

    func add(to v1: RouterGroup<ParleyContext>) {
        v1.post("articles") { request, context in try await addArticle(request, context) }
        v1.get("review") { request, context in try queue(request, context) }
        v1.get("review/:article") { request, context in try drafts(request, context) }
        v1.post("review/:article/:event") { request, context in try await decide(request, context) }
        v1.post("events") { request, context in try await submit(request, context) }
        v1.post("corrections") { request, context in try await fix(request, context, kind: .correction) }
        v1.post("retractions") { request, context in try await fix(request, context, kind: .retraction) }
    }

    private var project: Project { configuration.project }

    // MARK: Articles

    struct NewArticle: Decodable {
        var text: String
        var url: String
        var outlet: String
        var title: String
        var published: String
        var precision: String?
        var basis: String?
        var language: String?
        var id: String?
        var retrieved: String?
    }

    private func addArticle(_ request: Request, _ context: ParleyContext) async throws -> Response {
        let (_, expected, body) = try await preconditions(request, context)
        let new: NewArticle = try decode(body)
        guard let published = Day(iso: new.published) else { throw APIError(.unprocessableContent, "published: '\(new.published)' is not a day (YYYY-MM-DD)") }
        let retrieved = try new.retrieved.map { text throws(APIError) -> Day in
            guard let day = Day(iso: text) else { throw APIError(.unprocessableContent, "retrieved: '\(text)' is not a day (YYYY-MM-DD)") }
            return day
        } ?? .today
        var description = ArticleDescription(url: new.url, outlet: new.outlet, title: new.title, published: published, retrieved: retrieved)
        description.precision = new.precision ?? "day"
        description.basis = new.basis
        description.language = new.language
        description.id = new.id
        let project = self.project
        let text = Array(new.text.utf8)
        let article = description
        let written = try await commit(expected: expected) { () throws -> AddedArticle in
            let lexicon: Lexicon
            do { lexicon = try Lexicon.load(events: project.events) } catch {
                throw APIError(.internalServerError, "the project's lexicons cannot be read: \(error)")
            }
            return try ArticleIntake(project: project, extractor: Extractor(lexicon: lexicon))
                .add(article, text: text, named: "the request's text")
        }
        let added = written.value
        return try written.response(status: .created, AddedJSON(article: added.id, language: added.language, split: added.split.rawValue,
                                                                 sha256: added.sha256, drafts: added.candidates))
    }

    // MARK: Review

    private func queue(_ request: Request, _ context: ParleyContext) throws -> Response {
        if !configuration.publicRead { try context.require(.reader) }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: project.events))?.filter { $0.hasSuffix(".yaml") }.sorted() ?? []
        var waiting: [QueuedJSON] = []
        for name in files {
            let path = (project.events as NSString).appendingPathComponent(name)
            guard let file = try? EventFileText(path: path), !file.drafts.isEmpty else { continue }
            waiting.append(QueuedJSON(article: file.article ?? String(name.dropLast(5)), drafts: file.drafts.count))
        }
        let head = try access.head()
        return try Routes.response(head: head, type: .json, body: JSONAnswer(head: head, ["articles": waiting]).json(), cache: false)
    }

    struct QueuedJSON: Encodable {
        var article: String
        var drafts: Int
    }

    struct DraftJSON: Encodable {
        var id: String
        var fields: [String: String]
        var comments: [String]
        /// The event's lines, to edit and send back.
        var yaml: String
        /// The quote with the words around it in the article.
        var context: String?
    }

    private func drafts(_ request: Request, _ context: ParleyContext) throws -> Response {
        if !configuration.publicRead { try context.require(.reader) }
        let article = try Routes.identifier(context.parameters.get("article"), "article")
        let file = try eventFile(article)
        let text = project.articleText(article)
        let drafts = file.drafts.map { draft in
            DraftJSON(id: draft.id, fields: Dictionary(draft.fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                      comments: draft.comments.map { $0.trimmingCharacters(in: .whitespaces) }, yaml: file.block(draft.id) ?? "",
                      context: draft["quote"].flatMap { quote in text.flatMap { quoteInContext(quote, in: $0, around: 160) } })
        }
        let head = try access.head()
        return try Routes.response(head: head, type: .json, body: JSONAnswer(head: head, DraftsAnswer(article: article, drafts: drafts)).json(),
                                   cache: false)
    }

    struct DraftsAnswer: Encodable {
        var article: String
        var drafts: [DraftJSON]
    }

    struct Decision: Decodable {
        /// `accept`, `reject`, `edit` (with `yaml`) or `source` (with `of`).
        var action: String
        var yaml: String?
        var of: String?
    }

    private func decide(_ request: Request, _ context: ParleyContext) async throws -> Response {
        let (identity, expected, body) = try await preconditions(request, context)
        let article = try Routes.identifier(context.parameters.get("article"), "article")
        let id = try Routes.identifier(context.parameters.get("event"), "event")
        let decision: Decision = try decode(body)
        // What the body says is checked before the head: a bad request is bad against any head.
        switch decision.action {
        case "accept", "reject": break
        case "edit": if decision.yaml == nil { throw APIError(.unprocessableContent, "edit: send the event's lines in 'yaml'") }
        case "source": if decision.of == nil { throw APIError(.unprocessableContent, "source: name the event reported again in 'of'") }
        default: throw APIError(.unprocessableContent, "action: '\(decision.action)' is not accept, reject, edit or source")
        }
        let project = self.project
        let access = self.access
        let path = project.eventFilePath(article)
        let written = try await commit(expected: expected) { () throws -> String in
            var file = try eventFile(article)
            guard file.item(id)?.isDraft == true else { throw APIError.notFound("no draft '\(id)' in \(article)'s event file") }
            switch decision.action {
            case "accept": try file.accept(id, by: identity.name)
            case "reject": try file.reject(id)
            case "edit":
                guard let yaml = decision.yaml else { throw APIError(.unprocessableContent, "edit: send the event's lines in 'yaml'") }
                try file.acceptEdit(id, text: yaml, by: identity.name)
            case "source":
                guard let target = decision.of else { throw APIError(.unprocessableContent, "source: name the event reported again in 'of'") }
                let inFiles = project.locate(target).ids.contains(target)
                guard try inFiles || access.history().recorded.contains(where: { $0.event.id == target && $0.event.type.isReport }) else {
                    throw APIError(.unprocessableContent, "of: no event '\(target)' in the event files or the log")
                }
                try file.makeSource(id, of: target, by: identity.name)
            default:
                throw APIError(.unprocessableContent, "action: '\(decision.action)' is not accept, reject, edit or source")
            }
            try file.write()
            let problems = project.problems(in: path)
            guard problems.isEmpty else {
                throw APIError(.unprocessableContent, problems.map(\.description).joined(separator: "\n"))
            }
            return decision.action
        }
        return try written.response(status: .ok, DecidedJSON(article: article, event: id, action: written.value,
                                                              draftsLeft: (try? eventFile(article).drafts.count) ?? 0))
    }

    // MARK: Events

    struct Submission: Decodable {
        /// The article the events are reported by (their event file's).
        var article: String
        /// The events, as in an event file.
        var yaml: String
    }

    struct SubmittedJSON: Encodable {
        var article: String, events: [String]
    }

    /// Events a person wrote (reviewed already), added to the article's event file, marked
    /// reviewed by the token's name, and appended.
    private func submit(_ request: Request, _ context: ParleyContext) async throws -> Response {
        let (identity, expected, body) = try await preconditions(request, context)
        let submission: Submission = try decode(body)
        let article = try Routes.identifier(submission.article, "article")
        guard !submission.yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError(.unprocessableContent, "yaml: the events' lines, as in an event file")
        }
        let project = self.project
        let written = try await commit(expected: expected) { () throws -> [String] in
            guard try project.catalog().contains(where: { $0.article.id == article }) else {
                throw APIError.notFound("article: no article '\(article)' in the catalog; add it first")
            }
            let path = project.eventFilePath(article)
            var file = FileManager.default.fileExists(atPath: path) ? try EventFileText(path: path) : try EventFileText.empty(path: path, article: article)
            let ids = try file.append(submission.yaml, by: identity.name)
            try file.write()
            let problems = project.problems(in: path)
            guard problems.isEmpty else { throw APIError(.unprocessableContent, problems.map(\.description).joined(separator: "\n")) }
            return ids
        }
        return try written.response(status: .created, SubmittedJSON(article: article, events: written.value))
    }

    // MARK: Fixes

    struct FixBody: Decodable {
        var target: String
        var reason: String
        /// Field → new value (corrections only); lists take commas.
        var set: [String: String]?
        var article: String?
        var quote: String?
    }

    private func fix(_ request: Request, _ context: ParleyContext, kind: FixRequest.Kind) async throws -> Response {
        let (identity, expected, body) = try await preconditions(request, context)
        let fix: FixBody = try decode(body)
        if fix.quote != nil, fix.article == nil { throw APIError(.unprocessableContent, "quote: needs article, the article the words are from") }
        var request = FixRequest(kind: kind, target: fix.target, reason: fix.reason)
        request.changes = (fix.set ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if kind == .retraction, !request.changes.isEmpty { throw APIError(.unprocessableContent, "set: a retraction changes no field") }
        request.article = fix.article
        request.quote = fix.quote
        request.by = identity.name
        let fixRequest = request
        let project = self.project
        let access = self.access
        let written = try await commit(expected: expected) { () throws -> String in
            // The history is read only for a target no event file holds.
            guard let (target, ids) = try project.fixTarget(fix.target, inLog: { id in try access.history().recorded.first { $0.event.id == id } }) else {
                throw APIError.notFound("target: no event '\(fix.target)' in the event files or the log")
            }
            return try RecordFixer(project: project).write(fixRequest, place: target, ids: ids).id
        }
        return try written.response(status: .created, FixedJSON(id: written.value, target: fix.target))
    }

    // MARK: The one way to write

    /// What a write did: its own result, the head after it, and what the append took.
    struct Written<Value: Sendable>: Sendable {
        var value: Value
        var head: Head
        var articlesAppended: Int
        var eventsAppended: Int

        /// The answer: `payload`'s keys, with how many articles and events were appended.
        func response(status: HTTPResponse.Status, _ payload: some Encodable) throws -> Response {
            let answer = JSONAnswer(head: head, Appended(articlesAppended: articlesAppended, eventsAppended: eventsAppended, payload: payload))
            var response = try Routes.response(head: head, type: .json, body: answer.json(), cache: false)
            response.status = status
            response.headers[.eTag] = Routes.tag(head, today: false)
            return response
        }
    }

    /// A write's own keys and what it appended, in one object.
    struct Appended<Payload: Encodable>: Encodable {
        var articlesAppended: Int
        var eventsAppended: Int
        var payload: Payload

        private enum Key: String, CodingKey { case articlesAppended, eventsAppended }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(articlesAppended, forKey: .articlesAppended)
            try c.encode(eventsAppended, forKey: .eventsAppended)
            try payload.encode(to: encoder)
        }
    }

    struct AddedJSON: Encodable {
        var article: String, language: String, split: String, sha256: String, drafts: Int
    }

    struct DecidedJSON: Encodable {
        var article: String, event: String, action: String, draftsLeft: Int
    }

    struct FixedJSON: Encodable {
        var id: String, target: String
    }

    /// The token's right to write, the head it expects, and the body (at most the configured
    /// size: 413 beyond).
    private func preconditions(_ request: Request, _ context: ParleyContext) async throws -> (Identity, String, ByteBuffer) {
        try context.require(.editor)
        guard let identity = context.identity else { throw APIError(.unauthorized, "this needs an editor token") }
        guard let match = request.headers[.ifMatch] else {
            throw APIError(.preconditionRequired, "send If-Match with the ETag of the head you last read: a write is made against a head")
        }
        // The tag is the head's hash, quoted; a tag for "today" adds the day after a dash.
        let expected = String(match.trimmingCharacters(in: .whitespaces).trimmingPrefix("W/").filter { $0 != "\"" }.prefix(64))
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: configuration.maxBodyBytes) } catch {
            throw APIError(.contentTooLarge, "the request body is larger than \(configuration.maxBodyBytes) bytes")
        }
        return (identity, expected, body)
    }

    private func decode<T: Decodable>(_ body: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(.unprocessableContent, "\(key.stringValue): missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError(.unprocessableContent, "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw APIError.badRequest("the body is not the JSON expected (\(error))")
        }
    }

    private func eventFile(_ article: String) throws -> EventFileText {
        let path = project.eventFilePath(article)
        guard FileManager.default.fileExists(atPath: path) else { throw APIError.notFound("no event file for article '\(article)'") }
        do { return try EventFileText(path: path) } catch { throw APIError(.unprocessableContent, "\(error)") }
    }

    /// Runs `edit` (which changes the project's files) and appends the project
    /// to the log, the one writer at a time, against the head `expected`: 412 and nothing
    /// changed when the log ends elsewhere; every file put back when anything fails.
    private func commit<Value: Sendable>(expected: String,
                                         _ edit: @escaping @Sendable () throws -> Value) async throws -> Written<Value> {
        let access = self.access
        let project = self.project
        return try await access.write { () throws -> Written<Value> in
            let head = try access.head()
            guard head.hashHex == expected else {
                throw APIError(.preconditionFailed, "the log has moved on: its head is now \(head.sequence) \(head.hashHex.prefix(16))…; read it again, then retry",
                               headers: [.eTag: Routes.tag(head, today: false)])
            }
            let saved = FileSnapshot(project: project)
            do {
                let value = try edit()
                let report: IngestReport
                do {
                    report = try access.store.ingest(seeds: project.seeds, events: project.events, expectedLastSequence: head.sequence, drafts: .skip)
                } catch let error as CorpusError {
                    throw APIError(.unprocessableContent, error.issues.map(\.description).joined(separator: "\n"))
                } catch let error as StoreError where error.isConflict {
                    throw APIError(.preconditionFailed, "another writer appended first; read the log again, then retry")
                }
                return Written(value: value, head: report.head, articlesAppended: report.articlesAppended, eventsAppended: report.eventsAppended)
            } catch {
                saved.restore()
                throw Self.answer(to: error, project: project)
            }
        }
    }
}

extension WriteRoutes {
    /// The client's answer to a refused write: bad input 422, a clash with what is there 409;
    /// the project's folders named as `seeds/` and `events/`, not where they are on the server.
    static func answer(to error: any Error, project: Project) -> any Error {
        func relative(_ text: String) -> String {
            text.replacingOccurrences(of: project.events.hasSuffix("/") ? project.events : project.events + "/", with: "events/")
                .replacingOccurrences(of: project.seeds.hasSuffix("/") ? project.seeds : project.seeds + "/", with: "seeds/")
        }
        switch error {
        case let error as APIError: return APIError(error.status, relative(error.message), headers: error.headers)
        case let error as IntakeError:
            switch error {
            case .badInput: return APIError(.unprocessableContent, relative(error.description))
            case .conflict: return APIError(.conflict, relative(error.description))
            case .io: return error
            }
        case let error as CorpusError: return APIError(.unprocessableContent, relative(error.issues.map(\.description).joined(separator: "\n")))
        default: return error
        }
    }
}

/// The project's files as they were before a write, to put back when it fails: the catalog
/// and every event file as bytes, and which articles were there (a new one is removed).
struct FileSnapshot: Sendable {
    private let project: Project
    private let catalog: [UInt8]?
    private let eventFiles: [String: [UInt8]]
    private let articles: Set<String>

    init(project: Project) {
        self.project = project
        catalog = try? InputFile.read(project.catalogPath)
        var files: [String: [UInt8]] = [:]
        for name in Self.names(in: project.events) where name.hasSuffix(".yaml") {
            let path = (project.events as NSString).appendingPathComponent(name)
            files[path] = try? InputFile.read(path)
        }
        eventFiles = files
        articles = Set(Self.names(in: project.seeds))
    }

    /// Puts every file back as it was: changed ones rewritten, new ones removed.
    func restore() {
        if let catalog, (try? InputFile.read(project.catalogPath)) != catalog { try? OutputFile.write(catalog, to: project.catalogPath) }
        for name in Self.names(in: project.events) where name.hasSuffix(".yaml") {
            let path = (project.events as NSString).appendingPathComponent(name)
            if let before = eventFiles[path] {
                if (try? InputFile.read(path)) != before { try? OutputFile.write(before, to: path) }
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        for name in Self.names(in: project.seeds) where !articles.contains(name) {
            try? FileManager.default.removeItem(atPath: (project.seeds as NSString).appendingPathComponent(name))
        }
    }

    private static func names(in folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    }
}
