import Dispatch

/// Results of item `i` land in slot `i`: the order never depends on which thread finished first.
private final class Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T?>
    let count: Int
    init(_ n: Int) {
        count = n
        base = .allocate(capacity: max(n, 1))
        base.initialize(repeating: nil, count: n)
    }
    /// Each slot is written by exactly one thread, before `concurrentPerform` returns.
    func set(_ i: Int, _ value: T) { base[i] = value }
    func take() -> [T] { (0..<count).map { base[$0]! } }
    deinit { base.deinitialize(count: count); base.deallocate() }
}

/// `(0..<n).map(body)` on Dispatch's worker threads. The items are fixed by the caller, so the
/// result is the same whatever the number of cores.
func parallelMap<T>(_ n: Int, _ body: @Sendable (Int) -> T) -> [T] {
    if n <= 1 { return (0..<n).map(body) }
    let slots = Slots<T>(n)
    DispatchQueue.concurrentPerform(iterations: n) { i in slots.set(i, body(i)) }
    return slots.take()
}
