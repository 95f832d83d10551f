import EventLog
import Negotiation
import Store
import Synchronization

/// The server's one handle on the log, shared by every request.
///
/// LMDB must not open the same environment twice in one process (closing either handle drops
/// the other's locks), so reads and writes go through the same ``NegotiationStore``. Reads are
/// LMDB read transactions, each begun and ended inside one synchronous call. Writes go through
/// ``write(_:)``, one at a time, each a synchronous closure: a write transaction never spans an
/// `await`, for one resumed on another thread leaves LMDB's writer lock held and the next writer
/// waiting forever.
///
/// The whole history (what timelines, audits, diffs and event pages fold) is read once per
/// head and kept until the log grows; state answers come from the derived indexes instead, and
/// never wait for it.
final class LogAccess: Sendable {
    let store: NegotiationStore
    private let cached = Mutex<History?>(nil)
    private let writer = SerialWriter()

    init(store: NegotiationStore) {
        self.store = store
    }

    /// The log's last entry now.
    func head() throws(EventLogError) -> Head {
        try store.log.head()
    }

    /// The history of the log as it is now, read again only when the log has grown since the
    /// last read. Requests that find it stale wait for the one that reads it.
    func history() throws -> History {
        let head = try store.log.head()
        return try cached.withLock { cached in
            if let history = cached, history.head == head { return history }
            let history = try store.history()
            cached = history
            return history
        }
    }

    /// Runs `body` with no other write of this server running; `body` is synchronous, so the
    /// write transactions it makes begin and end on one thread.
    func write<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        try await writer.run(body)
    }
}

/// One write at a time, in the order they arrive.
private actor SerialWriter {
    func run<R: Sendable>(_ body: @Sendable () throws -> R) throws -> R {
        try body()
    }
}
