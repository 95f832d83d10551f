import Dispatch
import Synchronization

/// A value handed to another thread, which takes it out: once taken, the box no longer keeps
/// it alive where it was made.
final class Handoff<Value>: Sendable {
    private let slot: Mutex<Value?>

    init(_ value: consuming sending Value) { slot = Mutex(Optional(value)) }

    /// The value, the first time; `nil` after.
    func take() -> sending Value? {
        slot.withLock { value -> sending Value? in
            let taken = value.take()
            return taken
        }
    }
}

/// Work handed to another thread, whose result is waited for; if no thread has started it by
/// then, the caller does it itself.
package final class HandedOff<Value: Sendable>: Sendable {
    private enum Stage {
        case waiting(@Sendable () throws -> Value)
        case running
        case done(Result<Value, any Error>)
    }

    private let stage: Mutex<Stage>
    /// Signalled once, when the work is done.
    private let finished = DispatchSemaphore(value: 0)

    package init(_ work: @escaping @Sendable () throws -> Value) {
        stage = Mutex(.waiting(work))
        DispatchQueue.global(qos: .userInitiated).async { [self] in run() }
    }

    /// Runs the work if no thread has begun it.
    private func run() {
        let outcome: Result<Value, any Error>
        do {
            let work = stage.withLock { stage -> (@Sendable () throws -> Value)? in
                guard case .waiting(let work) = stage else { return nil }
                stage = .running
                return work
            }
            guard let work else { return }
            outcome = Result { try work() }
        }
        // The work, and what it captured, went with the scope above: before the result is
        // handed over, so that a caller given the result holds what it alone keeps.
        stage.withLock { $0 = .done(outcome) }
        finished.signal()
    }

    /// The result, once the work is done (on this thread if no other has begun it).
    package func value() throws -> Value {
        run()
        while true {
            let result = stage.withLock { stage -> Result<Value, any Error>? in
                if case .done(let result) = stage { return result }
                return nil
            }
            if let result { return try result.get() }
            finished.wait()
        }
    }
}

/// The batches formed on one thread and appended on another, in order: the former forms the
/// next batch while the latter appends one, and one more while that one waits to be taken, so
/// that at most three batches are in memory (and the last one appended, until it is freed).
final class BatchQueue<Batch: Sendable>: Sendable {
    private struct State {
        var waiting: Batch?
        /// A batch appended, handed back to be freed on the forming thread (which has time to spare).
        var spent: Batch?
        var finished = false
        var failure: (any Error)?
        var cancelled = false
    }

    private let state = Mutex(State())
    /// Signalled when a batch is put, or the forming ends: what ``take()`` waits for.
    private let ready = DispatchSemaphore(value: 0)
    /// Signalled when the waiting batch is taken, or the appending side gives up: what
    /// ``put(_:)`` waits for. A waiter looks again after each signal, so one more is harmless.
    private let room = DispatchSemaphore(value: 0)

    /// Hands a batch over once the one before it is taken; false when the appending side gave up.
    func put(_ batch: Batch) -> Bool {
        while true {
            let (placed, cancelled, spent) = state.withLock { state -> (Bool, Bool, Batch?) in
                if state.cancelled { return (false, true, nil) }
                guard state.waiting == nil else { return (false, false, nil) }
                state.waiting = batch
                defer { state.spent = nil }
                return (true, false, state.spent)
            }
            if cancelled { return false }
            if placed {
                ready.signal()
                // Freed here, outside the lock.
                _ = consume spent
                return true
            }
            room.wait()
        }
    }

    /// Hands an appended batch back, to be freed on the forming thread.
    func giveBack(_ batch: consuming Batch) {
        state.withLock { [batch] in $0.spent = batch }
    }

    /// No more batches: the last was handed over, or forming one failed with `error`.
    func finish(_ error: (any Error)?) {
        state.withLock { state in
            state.finished = true
            state.failure = error
        }
        ready.signal()
    }

    /// The next batch; `nil` after the last. Throws the error that ended the forming.
    func take() throws -> Batch? {
        while true {
            let next = state.withLock { state -> Result<Batch?, any Error>? in
                if let batch = state.waiting {
                    state.waiting = nil
                    return .success(batch)
                }
                guard state.finished else { return nil }
                return state.failure.map { .failure($0) } ?? .success(nil)
            }
            if let next {
                if case .success(.some) = next { room.signal() }
                return try next.get()
            }
            ready.wait()
        }
    }

    /// The appending side stops taking batches: the forming side stops at its next hand-over.
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            state.waiting = nil
        }
        room.signal()
    }
}
