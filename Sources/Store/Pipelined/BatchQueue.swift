import Foundation

/// A value handed to another thread that then owns it: the caller no longer touches it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// A value handed to another thread in a box it empties: once taken, the box no longer keeps
/// it alive where it was made.
final class HandedOver<Value>: @unchecked Sendable {
    // @unchecked: `value` is set before the box is handed over (which orders it before the
    // other thread's access) and then read and cleared by that thread alone.
    private var value: Value?
    init(_ value: consuming Value) { self.value = value }

    /// The value, the first time; `nil` after.
    func take() -> Value? {
        defer { value = nil }
        return value
    }
}

/// The batches formed on one thread and appended on another, in order: the former forms the
/// next batch while the latter appends one, and one more while that one waits to be taken, so
/// that at most three batches are in memory (and the last one appended, until it is freed).
/// With only one formed ahead, the appending side waited 0.35–0.8 s of a 1M-event ingest for
/// the next, while the forming side waited 1.5–3 s for room.
final class BatchQueue<Batch: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var waiting: Batch?
    /// A batch appended, handed back to be freed on the forming thread (which has time to spare).
    private var spent: Batch?
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    /// Hands a batch over once the one before it is taken; false when the appending side gave up.
    func put(_ batch: Batch) -> Bool {
        condition.lock()
        while waiting != nil, !cancelled { condition.wait() }
        guard !cancelled else {
            condition.unlock()
            return false
        }
        waiting = batch
        condition.broadcast()
        let spent = self.spent
        self.spent = nil
        condition.unlock()
        // Freed here, outside the lock.
        _ = consume spent
        return true
    }

    /// Hands an appended batch back, to be freed on the forming thread.
    func giveBack(_ batch: consuming Batch) {
        condition.lock()
        spent = batch
        condition.unlock()
    }

    /// No more batches: the last was handed over, or forming one failed with `error`.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch; `nil` after the last. Throws the error that ended the forming.
    func take() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while waiting == nil, !finished { condition.wait() }
        if let batch = waiting {
            waiting = nil
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// The appending side stops taking batches: the forming side stops at its next hand-over.
    func cancel() {
        condition.lock()
        cancelled = true
        waiting = nil
        condition.broadcast()
        condition.unlock()
    }
}
