import Dispatch
import Foundation
import Negotiation

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
    let board = WorkBoard<Result>(count: count, window: max(window, workers))
    let group = DispatchGroup()
    for _ in 0..<min(workers, count) {
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

/// The items claimed by workers and the results waiting to be consumed, behind one lock.
private final class WorkBoard<Result: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only with `condition` locked.
    private let condition = NSCondition()
    private let count: Int
    private let window: Int
    private var nextToClaim = 0
    private var consumed = 0
    private var cancelled = false
    private var done: [Int: Result] = [:]

    init(count: Int, window: Int) {
        self.count = count
        self.window = window
    }

    /// The next item to work on, waiting while `window` results are not yet consumed; `nil`
    /// when there is none left or the work was cancelled.
    func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, nextToClaim < count, nextToClaim >= consumed + window {
            condition.wait()
        }
        guard !cancelled, nextToClaim < count else { return nil }
        defer { nextToClaim += 1 }
        return nextToClaim
    }

    func deliver(_ item: Int, _ result: Result) {
        condition.lock()
        done[item] = result
        condition.broadcast()
        condition.unlock()
    }

    /// The result of `item`, waiting for it; `nil` only when cancelled.
    func take(_ item: Int) -> Result? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result = done.removeValue(forKey: item) {
                consumed += 1
                condition.broadcast()
                return result
            }
            if cancelled { return nil }
            condition.wait()
        }
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
