import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// An answer read off a real socket.
struct HTTPAnswer: CustomStringConvertible {
    var status: Int
    var headers: [String: String]
    var body: String

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(self)")
    }

    var description: String { "HTTP \(status) \(headers)\n\(body.prefix(2_000))" }
}

/// A TCP connection to the server on loopback: one request per connection (`Connection:
/// close`), or a stream read line by line (the feed).
final class LoopbackConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    func send(_ text: [UInt8]) {
        var sent = 0
        while sent < text.count {
            let n = text[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Reads more bytes; false at the end of the stream or after the timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer += chunk[..<n]
        return true
    }

    /// The next line (without its CRLF or LF), `nil` at the end of the stream.
    func line() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard fill() else { return nil }
        }
    }

    /// Everything until the server closes the connection.
    func rest() -> [UInt8] {
        while fill() {}
        defer { buffer = [] }
        return buffer
    }

    /// The status line and headers of an answer.
    func head() throws -> (Int, [String: String]) {
        let status = try #require(line(), "no answer")
        let code = try #require(Int(status.split(separator: " ").dropFirst().first ?? ""), "\(status)")
        var headers: [String: String] = [:]
        while let line = line(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (code, headers)
    }
}

/// `parley serve` on a copy of the fixture corpus, on a free port of loopback, with an editor,
/// a reader and an admin token; stopped (SIGTERM) when released.
final class ServedLog: @unchecked Sendable {
    let dir: TemporaryDirectory
    let db: String
    let seeds: String
    let events: String
    let editor: String
    let reader: String
    let server: Running
    let port: Int

    init(_ name: String, publicRead: Bool = false, extra: [String] = []) throws {
        dir = try TemporaryDirectory(name)
        (seeds, events, db) = try ingestedCopy(in: dir)
        editor = try Self.token("desk-editor", role: "editor", db: db, in: dir)
        reader = try Self.token("desk-reader", role: "reader", db: db, in: dir)
        server = try ParleyTool.start(["serve", "--db", db, "--seeds", seeds, "--events", events, "--port", "0"]
                                      + (publicRead ? ["--public-read"] : []) + extra, in: dir.path)
        var port = 0
        let deadline = Date().addingTimeInterval(30)
        while port == 0, Date() < deadline {
            if let line = server.lines().first(where: { $0.hasPrefix("listening on http://127.0.0.1:") }) {
                port = Int(line.split(separator: ":").last ?? "") ?? 0
            } else {
                usleep(20_000)
            }
        }
        guard port > 0 else {
            let finished = server.wait(atMost: 1)
            throw CocoaError(.fileReadUnknown, userInfo: ["server": "\(finished)"])
        }
        self.port = port
    }

    deinit { _ = stop() }

    /// Stops the server as an operator would (SIGTERM); how it ended.
    @discardableResult
    func stop(within seconds: Double = 10) -> Finished {
        kill(server.pid, SIGTERM)
        return server.wait(atMost: seconds)
    }

    static func token(_ name: String, role: String, db: String, in dir: TemporaryDirectory) throws -> String {
        let run = try ParleyTool.run(["token", "add", name, "--role", role, "--db", db], in: dir.path)
        try #require(run.succeeded, "\(run)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One request, on a connection of its own.
    func request(_ path: String, method: String = "GET", token: String? = nil, headers: [String: String] = [:],
                 body: String? = nil) throws -> HTTPAnswer {
        let connection = try LoopbackConnection(port: port)
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        let bytes = Array((body ?? "").utf8)
        if body != nil { text += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n" }
        connection.send(Array((text + "\r\n").utf8) + bytes)
        let (status, headers) = try connection.head()
        var raw = connection.rest()
        if headers["transfer-encoding"] == "chunked" { raw = Self.unchunked(raw) }
        return HTTPAnswer(status: status, headers: headers, body: String(decoding: raw, as: UTF8.self))
    }

    /// The head as the server answers it now.
    func head() throws -> (sequence: Int, hash: String) {
        let head = try #require(try request("/v1/head", token: reader).json()["head"] as? [String: Any])
        return (try #require(head["sequence"] as? Int), try #require(head["hash"] as? String))
    }

    /// A write against the head read just before.
    func write(_ path: String, _ body: String, token: String? = nil, ifMatch: String? = nil) throws -> HTTPAnswer {
        let tag = try ifMatch ?? "\"\(head().hash)\""
        return try request(path, method: "POST", token: token ?? editor, headers: ["If-Match": tag], body: body)
    }

    private static func unchunked(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < raw.count {
            guard let end = raw[index...].firstIndex(of: 0x0A) else { break }
            let sizeText = String(decoding: raw[index..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = end + 1
            out += raw[start..<min(raw.count, start + size)]
            index = start + size + 2
        }
        return out
    }
}

/// A change-feed subscriber on its own connection: the events it has read so far.
final class FeedFollower {
    private let connection: LoopbackConnection
    let status: Int

    init(port: Int, path: String, token: String, lastEventID: UInt64? = nil) throws {
        connection = try LoopbackConnection(port: port)
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n"
        if let lastEventID { text += "Last-Event-ID: \(lastEventID)\r\n" }
        connection.send(Array((text + "\r\n").utf8))
        status = try connection.head().0
    }

    /// Reads events until `count` entries have come (or the stream stalls for the socket's
    /// timeout): each entry's id (its sequence) and its data line.
    func entries(_ count: Int) -> [(id: UInt64, data: String)] {
        var entries: [(id: UInt64, data: String)] = []
        var id: UInt64?
        while entries.count < count, let line = connection.line() {
            // Chunked framing: sizes are lines of hexadecimal digits alone; skip them.
            if line.hasPrefix("id: ") { id = UInt64(line.dropFirst(4)) }
            if line.hasPrefix("data: "), let current = id {
                entries.append((current, String(line.dropFirst(6))))
                id = nil
            }
        }
        return entries
    }
}
