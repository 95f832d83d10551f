import Answers
import EventLog
import Exchange
import Foundation
import HTTPTypes
import Hummingbird
import Negotiation
import NIOCore
import Prometheus
import Report
import Store

/// The server's paths. Every answer is computed by the same code as the command line's and
/// carries the head it was computed from (in the JSON, and in `ETag` and `Parley-Head`); a
/// request whose `If-None-Match` names the current head gets 304 and no body.
struct Routes: Sendable {
    let configuration: ServerConfiguration
    let access: LogAccess
    let metrics: PrometheusCollectorRegistry?

    func add(to router: Router<ParleyContext>) {
        router.get("/") { _, _ in WebPage.response() }
        router.get("/healthz") { _, _ in try health() }
        if let metrics {
            let sequence = metrics.makeGauge(descriptor: MetricNameDescriptor(
                metricName: "parley_log", unitName: "sequence", helpText: "The log's last sequence when /metrics was read."))
            router.get("/metrics") { _, _ in
                if let head = try? access.head() { sequence.set(Int64(head.sequence)) }
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: metrics.emitToString())))
            }
        }
        let v1 = router.group("v1")
        v1.get("head") { request, context in try read(request, context) { try json(JSONAnswer(head: $0.head, [String: String]())) } }
        v1.get("whoami") { _, context in
            try context.require(.reader)
            let identity = context.identity.map { ["name": $0.name, "role": $0.role.rawValue] } ?? [:]
            return try Self.response(head: access.head(), type: .json, body: JSONAnswer(head: access.head(), identity).json(), cache: false)
        }
        v1.get("state") { request, context in try state(request, context) }
        v1.get("timeline") { request, context in try timeline(request, context) }
        v1.get("audit") { request, context in try audit(request, context) }
        v1.get("diff") { request, context in try diff(request, context) }
        v1.get("events/:id") { request, context in try event(request, context) }
        v1.get("articles/:id") { request, context in try article(request, context) }
        v1.get("log") { request, context in try log(request, context) }
        v1.get("feed") { request, context in try feed(request, context) }
        v1.get("export.csv") { request, context in try exportCSV(request, context) }
        v1.get("timeline.json") { request, context in try timelineJS(request, context) }
        v1.get("report.html") { request, context in try report(request, context) }
        v1.get("verify") { request, context in try verify(request, context) }
        WriteRoutes(configuration: configuration, access: access).add(to: v1)
    }

    // MARK: Answers

    private func health() throws -> Response {
        let head = try access.head()
        return try Self.response(head: head, type: .json, body: "{\"status\":\"ok\",\"head\":{\"sequence\":\(head.sequence),\"hash\":\"\(head.hashHex)\"}}\n")
    }

    private func state(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let asOf = try q.day("as_of")
        let query = Query(asOf: asOf ?? .today, knownOn: try q.day("known_on"))
        let track = try q.string("track")
        if let cached = try notModified(request, today: asOf == nil) { return cached }
        let answer: StateAnswer
        do { answer = try access.store.states(query, track: track) } catch let error as ProjectionError {
            throw APIError.notFound("\(error)")
        }
        let body = try JSONAnswer(asOf: query.asOf, knownOn: query.knownOn, head: answer.head, StateAnswerJSON(answer: answer)).json()
        return try Self.response(head: answer.head, today: asOf == nil, type: .json, body: body)
    }

    private func timeline(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let track = try q.required("track")
        let from = try q.day("from")
        let knownOn = try q.day("known_on")
        let to = try q.day("as_of") ?? q.day("to")
        return try read(request, context, today: to == nil) { history in
            let query = Query(asOf: to ?? .today, knownOn: knownOn)
            guard try !history.tracks(named: track).isEmpty else { throw APIError.notFound("no track '\(track)' in the log") }
            let (steps, general) = try history.timelineWithGeneralMeetings(query, track: track, from: from)
            return try json(JSONAnswer(asOf: query.asOf, knownOn: knownOn, head: history.head,
                                       TimelineAnswer(track: track, steps: steps, general: general)))
        }
    }

    private func audit(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let proposal = try q.required("proposal")
        let (from, to) = (try q.day("from"), try q.day("to"))
        return try read(request, context, today: true) { history in
            let today = Day.today
            let audit: Audit
            do { audit = try history.audit(proposal, asOf: today, from: from, to: to) } catch {
                throw APIError.notFound("\(error)")
            }
            return try json(JSONAnswer(asOf: today, head: history.head, AuditJSON(audit, articles: history.articles)))
        }
    }

    private func diff(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let between: DiffAnswer.Between
        let (from, to, since) = (try q.day("known_on"), try q.day("to_known_on"), try q.number("since_sequence"))
        switch (from, to, since) {
        case (let from?, let to?, nil):
            guard from <= to else { throw APIError.badRequest("to_known_on \(to) is before known_on \(from)") }
            between = .knownOn(from, to)
        case (nil, nil, let since?): between = .sinceSequence(since)
        default: throw APIError.badRequest("give known_on and to_known_on, or since_sequence")
        }
        let asOf = try q.day("as_of")
        let track = try q.string("track")
        return try read(request, context, today: asOf == nil && to == nil) { history in
            let day = asOf ?? to ?? .today
            let answer: DiffAnswer
            do { answer = try DiffAnswer(history, between: between, asOf: day, track: track) } catch let error as ProjectionError {
                throw APIError.notFound("\(error)")
            }
            return try json(JSONAnswer(asOf: day, knownOn: to, head: history.head, answer))
        }
    }

    private func event(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let id = try Self.identifier(context.parameters.get("id"), "event")
        return try read(request, context) { history in
            guard let answer = try EventAnswer(id: id, in: history, text: access.store.text(of:)) else {
                throw APIError.notFound("no event '\(id)' in the log")
            }
            return try json(JSONAnswer(head: history.head, answer))
        }
    }

    private func article(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let id = try Self.identifier(context.parameters.get("id"), "article")
        return try read(request, context) { history in
            guard let article = history.articles[id], let answer = ArticleAnswer(id: id, in: history) else {
                throw APIError.notFound("no article '\(id)' in the log")
            }
            let text = try access.store.text(of: article)
            return try json(JSONAnswer(head: history.head, text.map(answer.withText) ?? answer))
        }
    }

    /// The log from a sequence, as `export --log`'s lines (NDJSON), a page at a time: at most
    /// `limit` entries (1,000 unless told, 10,000 at most); `Parley-Next-After` says where the
    /// next page starts, absent on the last.
    private func log(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let after = try q.number("after") ?? 0
        let limit = try q.number("limit", atMost: 10_000) ?? 1_000
        guard limit > 0 else { throw APIError.badRequest("limit: expected 1 to 10000") }
        let head = try access.head()
        let last = min(head.sequence, after + limit)
        let lines = try LogExchange.lines(of: access.store, from: after + 1, through: last)
        var response = try Self.response(head: head, type: .ndjson, body: lines.joined())
        if last < head.sequence { response.headers[.parleyNextAfter] = String(last) }
        return response
    }

    private func exportCSV(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let days: [Day]
        let today: Bool
        let (from, to, every) = (try q.day("from"), try q.day("to"), try q.choice("every", ["day", "week", "month"]))
        if (from == nil) != (to == nil) || (every != nil && from == nil) {
            throw APIError.badRequest("a series needs from and to (and every, day unless given)")
        }
        if let from, let to {
            guard try q.string("as_of") == nil else { throw APIError.badRequest("as_of: give either as_of or a series (from, to, every)") }
            guard let cadence = Cadence(rawValue: every ?? "day") else { throw APIError.badRequest("every: expected day, week or month") }
            try Self.span(from, to)
            days = cadence.days(from: from, to: to)
            today = false
        } else {
            let asOf = try q.day("as_of")
            days = [asOf ?? .today]
            today = asOf == nil
        }
        let knowledge: CSVExport.Knowledge = try q.string("known_on") == "each" ? .eachDay : .knownOn(try q.day("known_on"))
        let wide = try q.flag("wide") ?? false
        try readable(context)
        if let cached = try notModified(request, today: today) { return cached }
        let head = try access.head()
        var bytes: [UInt8] = []
        _ = try CSVExport.writeStates(of: access.store, days: days, knowledge: knowledge, wide: wide, head: head) { block in
            bytes.append(contentsOf: block)
        }
        return try Self.response(head: head, today: today, type: .csv, body: String(decoding: bytes, as: UTF8.self))
    }

    private func timelineJS(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let asOf = try q.day("as_of")
        let knownOn = try q.day("known_on")
        let language = try q.choice("language", ["en", "fr"]) ?? "en"
        return try read(request, context, today: asOf == nil) { history in
            let timeline = try TimelineJS.timeline(history, asOf: asOf ?? .today, knownOn: knownOn, language: language)
            return (String(decoding: try TimelineJS.json(timeline), as: UTF8.self), .json)
        }
    }

    private func report(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let q = Parameters(request)
        let asOf = try q.day("as_of")
        var options = ReportOptions(asOf: asOf ?? .today, knownOn: try q.day("known_on"), from: try q.day("from"), to: try q.day("to"))
        if let language = try q.choice("language", ["en", "fr"]) {
            guard let chosen = ReportLanguage(rawValue: language) else { throw APIError.badRequest("language: expected en or fr") }
            options.language = chosen
        }
        options.embedded = try q.flag("embed") ?? false
        options.showsRanges = try q.flag("ranges") ?? true
        return try read(request, context, today: asOf == nil) { history in
            // The axis as the report will draw it: from the first event shown unless told.
            let end = options.to ?? options.asOf
            let first = history.recorded.lazy.compactMap { $0.event.on?.first }.min() ?? end
            try Self.span(options.from ?? min(first, end), max(end, options.from ?? end))
            let report: Report
            do { report = try Report(history: history, options: options) } catch { throw APIError.badRequest("\(error)") }
            return (report.html(), .html)
        }
    }

    private func verify(_ request: Request, _ context: ParleyContext) throws -> Response {
        try readable(context)
        let report = try access.store.verify()
        let body = try JSONAnswer(head: report.head, VerifyAnswer(report)).json()
        return try Self.response(head: report.head, type: .json, body: body, cache: false)
    }

    // MARK: Helpers

    /// Reading needs a reader token unless the server reads publicly.
    private func readable(_ context: ParleyContext) throws(APIError) {
        if !configuration.publicRead { try context.require(.reader) }
    }

    /// An answer computed from the whole history: 304 when `If-None-Match` names the head,
    /// else the body `make` computes, tagged with the history's head.
    private func read(_ request: Request, _ context: ParleyContext, today: Bool = false,
                      _ make: (History) throws -> (String, ContentType)) throws -> Response {
        try readable(context)
        if let cached = try notModified(request, today: today) { return cached }
        let history = try access.history()
        let (body, type) = try make(history)
        return try Self.response(head: history.head, today: today, type: type, body: body)
    }

    private func json(_ answer: JSONAnswer<some Encodable>) throws -> (String, ContentType) {
        (try answer.json(), .json)
    }

    /// 304 when the request's `If-None-Match` names the current head's tag.
    private func notModified(_ request: Request, today: Bool) throws -> Response? {
        guard let wanted = request.headers[.ifNoneMatch] else { return nil }
        let head = try access.head()
        let tag = Self.tag(head, today: today)
        let tags = wanted.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard tags.contains(tag) || tags.contains("W/" + tag) || tags.contains("*") else { return nil }
        return Response(status: .notModified, headers: [.eTag: tag, .parleyHead: "\(head.sequence) \(head.hashHex)"])
    }

    /// The entity tag of an answer: the head's hash, and today's date when the answer is for
    /// "today" (it changes at midnight though the log does not).
    static func tag(_ head: Head, today: Bool) -> String {
        today ? "\"\(head.hashHex)-\(Day.today)\"" : "\"\(head.hashHex)\""
    }

    enum ContentType: String {
        case json = "application/json; charset=utf-8"
        case ndjson = "application/x-ndjson; charset=utf-8"
        case csv = "text/csv; charset=utf-8; header=present"
        case html = "text/html; charset=utf-8"
    }

    static func response(head: Head, today: Bool = false, type: ContentType, body: String, cache: Bool = true) throws -> Response {
        var headers: HTTPFields = [.contentType: type.rawValue, .parleyHead: "\(head.sequence) \(head.hashHex)"]
        if cache {
            headers[.eTag] = tag(head, today: today)
            headers[.cacheControl] = "no-cache"
        } else {
            headers[.cacheControl] = "no-store"
        }
        if type == .html {
            // The page's own script and style only; no frame may embed the full page but an
            // embed page (see the report's --embed) is made to be framed.
            headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:"
        }
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The longest span a series or a report's axis may cover over HTTP: ten years of days.
    static let longestSpan = 3_660

    /// Refuses a span that ends before it starts, or longer than ``longestSpan`` days (a
    /// request for centuries would hold a core for minutes).
    static func span(_ from: Day, _ to: Day) throws(APIError) {
        guard from <= to else { throw APIError.badRequest("to \(to) is before from \(from)") }
        guard to.ordinal - from.ordinal < longestSpan else {
            throw APIError.badRequest("from \(from) to \(to) is more than \(longestSpan) days: ask for a shorter span")
        }
    }

    /// An id from the path: what ids are made of (letters, digits, `-`, `_`, `.`), never a
    /// path of its own.
    static func identifier(_ value: String?, _ what: String) throws(APIError) -> String {
        guard let value, !value.isEmpty, value.count <= 200, value != ".", value != "..",
              value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) })
        else { throw APIError.badRequest("\(what) id '\(value ?? "")': expected letters, digits, '-', '_' or '.'") }
        return value
    }
}

/// A request's query parameters, each read with a clear error naming it. A parameter given
/// empty (`as_of=`) is an error, never taken for one not given.
struct Parameters {
    let request: Request

    init(_ request: Request) { self.request = request }

    func string(_ name: String) throws(APIError) -> String? {
        guard let value = request.uri.queryParameters.get(name) else { return nil }
        guard !value.isEmpty else { throw APIError.badRequest("\(name): empty; leave it out, or give a value") }
        return value
    }

    func required(_ name: String) throws(APIError) -> String {
        guard let value = try string(name) else { throw APIError.badRequest("\(name): missing") }
        return value
    }

    func day(_ name: String) throws(APIError) -> Day? {
        guard let text = try string(name) else { return nil }
        guard let day = Day(iso: text) else { throw APIError.badRequest("\(name): '\(text)' is not a day (expected YYYY-MM-DD)") }
        return day
    }

    func number(_ name: String, atMost limit: UInt64 = UInt64(Int64.max)) throws(APIError) -> UInt64? {
        guard let text = try string(name) else { return nil }
        guard let number = UInt64(text), number <= limit else {
            throw APIError.badRequest("\(name): '\(text)' is not a whole number from 0 to \(limit)")
        }
        return number
    }

    /// `true` or `false`; `nil` when not given.
    func flag(_ name: String) throws(APIError) -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.badRequest("\(name): '\(text)' is not true or false")
        }
    }

    /// One of `choices`; `nil` when not given.
    func choice(_ name: String, _ choices: [String]) throws(APIError) -> String? {
        guard let text = try string(name) else { return nil }
        guard choices.contains(text) else { throw APIError.badRequest("\(name): '\(text)' is not one of \(choices.joined(separator: ", "))") }
        return text
    }
}
