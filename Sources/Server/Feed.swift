import Exchange
import Hummingbird
import HTTPTypes
import NIOCore
import ServiceLifecycle
import Synchronization

extension Routes {
    /// `GET /v1/feed?after=N`: the log's entries after sequence N as server-sent events, then
    /// each new entry as it is appended, by this server or by any process on the same log (a
    /// `parley ingest` in a terminal). Each event's `id` is its sequence, so a client that
    /// reconnects with `Last-Event-ID` (as browsers' EventSource do) or `after` resumes where
    /// it stopped, missing nothing and repeating nothing. Its `data` is the entry as
    /// `export --log` writes it. A comment every 15 seconds keeps proxies from closing an idle
    /// feed; the feed ends when the server shuts down.
    func feed(_ request: Request, _ context: ParleyContext) throws -> Response {
        if !configuration.publicRead { try context.require(.reader) }
        let q = Parameters(request)
        var after = try q.number("after") ?? 0
        if let last = request.headers[.lastEventID], let resumed = UInt64(last.trimmingCharacters(in: .whitespaces)) {
            after = resumed
        }
        let start = after
        let access = self.access
        let interval = configuration.feedPollInterval
        let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                                   HTTPField.Name("X-Accel-Buffering")!: "no"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var sent = start
            var quiet = Duration.zero
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            let stopping = StopFlag()
            try await withGracefulShutdownHandler {
                while !Task.isCancelled, !stopping.isSet {
                    let head = try access.head()
                    if head.sequence > sent {
                        // At most 1,000 entries per read, so a follower far behind streams.
                        let last = min(head.sequence, sent + 1_000)
                        let lines = try LogExchange.lines(of: access.store, from: sent + 1, through: last)
                        var buffer = ByteBuffer()
                        var sequence = sent
                        for line in lines {
                            sequence += 1
                            buffer.writeString("id: \(sequence)\nevent: entry\ndata: \(line.dropLast())\n\n")
                        }
                        try await writer.write(buffer)
                        sent = last
                        quiet = .zero
                        continue
                    }
                    try await Task.sleep(for: interval)
                    quiet += interval
                    if quiet >= .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": still here at \(sent)\n\n"))
                        quiet = .zero
                    }
                }
            } onGracefulShutdown: {
                stopping.set()
            }
            try await writer.finish(nil)
        })
    }
}

/// Set once, from any thread: the server is shutting down.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
