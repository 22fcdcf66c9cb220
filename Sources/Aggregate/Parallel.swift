import Dispatch

/// One result slot per piece of work; each slot is written by exactly one piece, before
/// `concurrentPerform` returns.
private final class Slots<T>: @unchecked Sendable {
    let values: UnsafeMutablePointer<T?>
    let count: Int
    init(_ n: Int) { count = n; values = .allocate(capacity: max(n, 1)); values.initialize(repeating: nil, count: n) }
    deinit { values.deinitialize(count: count); values.deallocate() }
}

/// Runs independent pieces of work on Dispatch's worker threads and returns their results in
/// the order given (never in the order they finished).
func runConcurrently<T>(_ work: [@Sendable () -> T]) -> [T] {
    let slots = Slots<T>(work.count)
    DispatchQueue.concurrentPerform(iterations: work.count) { i in slots.values[i] = work[i]() }
    return (0..<work.count).map { slots.values[$0]! }
}
