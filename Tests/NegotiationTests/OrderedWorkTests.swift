@testable import Corpus
import Synchronization
import Testing

/// `forEachInOrder`, which the corpus reader runs its catalog and event files through: results
/// in item order, the window kept, and a consumer's error stopping the workers.
@Suite("Ordered work")
struct OrderedWorkTests {
    struct Stop: Error {}

    /// A count the workers and the test share.
    final class Count: Sendable {
        private let value = Atomic(0)
        func add() { value.add(1, ordering: .sequentiallyConsistent) }
        var now: Int { value.load(ordering: .sequentiallyConsistent) }
    }

    @Test func resultsAreConsumedInItemOrderWithinTheWindow() {
        let consumed = Count()
        let outsideWindow = Count()
        var seen: [Int] = []
        forEachInOrder(
            count: 2_000, workers: 4, window: 8,
            makeState: { 0 },
            work: { calls, i in
                calls += 1
                // Item i is claimed only once item i - 8 has been taken (its consume may still
                // be running, so not yet counted here).
                if i > consumed.now + 8 { outsideWindow.add() }
                return i * 3
            },
            consume: { result in
                seen.append(result)
                consumed.add()
            })
        #expect(seen == (0..<2_000).map { $0 * 3 })
        #expect(outsideWindow.now == 0)
    }

    @Test func aConsumerErrorStopsTheWorkersAndIsRethrown() {
        let worked = Count()
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try forEachInOrder(
                count: 10_000, workers: 3, window: 4,
                makeState: {},
                work: { _, i in
                    worked.add()
                    return i
                },
                consume: { result in
                    if result == 50 { throw Stop() }
                    seen.append(result)
                })
        }
        #expect(seen == Array(0..<50))
        // Rethrown once the workers have stopped: none works on after it, and none went past
        // the 51 items taken and the window of 4.
        let after = worked.now
        #expect(after <= 51 + 4)
        for _ in 0..<100 {
            #expect(worked.now == after)
        }
    }

    @Test func aWindowLargerThanTheWorkIsKept() {
        var seen: [Int] = []
        forEachInOrder(
            count: 3, workers: 2, window: 50_000,
            makeState: {},
            work: { _, i in i },
            consume: { seen.append($0) })
        #expect(seen == [0, 1, 2])
    }
}
