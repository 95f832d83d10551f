import Dispatch
import Foundation
import Synchronization

/// Runs `work` for the items `0..<count` on `workers` threads, and hands each result to
/// `consume` on the calling thread, in item order, as soon as it and those before it are done.
/// At most `window` results are done and not yet consumed, which bounds memory.
///
/// Each worker makes its own state with `makeState` (a cache, say), so that nothing mutable is
/// shared between threads. When `consume` throws, the workers stop after their current item and
/// the error is rethrown once they have. With one worker or fewer than two items, everything
/// runs on the calling thread.
func forEachInOrder<State, Result: Sendable>(
    count: Int, workers: Int, window: Int,
    makeState: @escaping @Sendable () -> State,
    work: @escaping @Sendable (inout State, Int) -> Result,
    consume: (Result) throws -> Void
) rethrows {
    guard workers > 1, count > 1 else {
        var state = makeState()
        for i in 0..<count { try consume(work(&state, i)) }
        return
    }
    let threads = min(workers, count)
    let board = WorkBoard<Result>(count: count, window: max(window, workers), workers: threads)
    let group = DispatchGroup()
    for _ in 0..<threads {
        DispatchQueue.global(qos: .userInitiated).async(group: group) {
            var state = makeState()
            while let i = board.claim() {
                board.deliver(i, work(&state, i))
            }
        }
    }
    do {
        for i in 0..<count {
            guard let result = board.take(i) else { break }
            try consume(result)
        }
    } catch {
        board.cancel()
        group.wait()
        throw error
    }
    group.wait()
}

/// The items claimed by workers and the results waiting to be consumed.
///
/// What is claimed and what is done are kept behind a `Mutex`; the waiting is on two counting
/// semaphores. `slots` holds a permit for each item that may be claimed before the consumer
/// catches up (`window` at first, one back for each result consumed); `delivered` gets a signal
/// for each result delivered, so that the consumer, finding the result it wants not yet there,
/// waits for the next delivery and looks again.
private final class WorkBoard<Result: Sendable>: Sendable {
    private struct State {
        var nextToClaim = 0
        var cancelled = false
        var done: [Int: Result] = [:]
    }

    private let count: Int
    private let workers: Int
    private let state = Mutex(State())
    private let slots = DispatchSemaphore(value: 0)
    private let delivered = DispatchSemaphore(value: 0)

    init(count: Int, window: Int, workers: Int) {
        self.count = count
        self.workers = workers
        // Given as signals, not as the initial value: libdispatch traps when a semaphore goes
        // with fewer permits than it was made with, as it does when the work is cancelled.
        for _ in 0..<window { slots.signal() }
    }

    /// The next item to work on, waiting while `window` results are not yet consumed; `nil`
    /// when there is none left or the work was cancelled.
    func claim() -> Int? {
        guard state.withLock({ !$0.cancelled && $0.nextToClaim < count }) else { return nil }
        slots.wait()
        let item = state.withLock { state -> Int? in
            guard !state.cancelled, state.nextToClaim < count else { return nil }
            defer { state.nextToClaim += 1 }
            return state.nextToClaim
        }
        // Another worker claimed the last item meanwhile, or the work was cancelled.
        if item == nil { slots.signal() }
        return item
    }

    func deliver(_ item: Int, _ result: Result) {
        state.withLock { $0.done[item] = result }
        delivered.signal()
    }

    /// The result of `item`, waiting for it; `nil` only when cancelled. Called by one thread.
    func take(_ item: Int) -> Result? {
        while true {
            let (result, cancelled) = state.withLock { ($0.done.removeValue(forKey: item), $0.cancelled) }
            if let result {
                slots.signal()
                return result
            }
            if cancelled { return nil }
            delivered.wait()
        }
    }

    /// Stops the workers after their current item: none claims another, those waiting for a
    /// permit wake, and so does a consumer waiting for a result.
    func cancel() {
        state.withLock { $0.cancelled = true }
        for _ in 0..<workers { slots.signal() }
        delivered.signal()
    }
}
