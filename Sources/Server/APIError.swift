import CanonicalJSON
import HTTPTypes
import Hummingbird
import NIOCore

/// An answer the server refuses to give, with the status and a sentence for the client. Every
/// 4xx and 5xx leaves as the same JSON body: `{"error": {"status": 404, "message": "…"}}`;
/// nothing of the server's internals (no stack, no file path of its own) is in it.
struct APIError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.response(status: status, message: message, headers: headers)
    }

    static func response(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = "{\"error\":{\"status\":\(status.code),\"message\":\(jsonStringLiteral(message))}}\n"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
}
