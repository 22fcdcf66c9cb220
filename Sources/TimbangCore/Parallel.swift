import Dispatch
import Synchronization

/// `(0..<n).map(body)` on up to `threads` Dispatch workers, results in index order.
///
/// Workers take the next index from a shared counter (in `order` when given, e.g. largest
/// files first, so the workers finish together). Each result lands in its own slot, so the
/// output never depends on the number of threads or on which worker finished first: callers
/// split work into pieces fixed by the data, never by the core count.
public func parallelMap<T>(_ n: Int, threads: Int = Int.max, order: [Int]? = nil, _ body: (Int) -> T) -> [T] {
    let workers = max(1, min(threads, n))
    if workers == 1 { return (order ?? Array(0..<n)).sorted().map(body) }
    let slots = Slots<T>(n)
    let next = Atomic<Int>(0)
    withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(body)
        let schedule = UncheckedSendable(order)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let k = next.add(1, ordering: .relaxed).oldValue
                guard k < n else { return }
                let i = schedule.value?[k] ?? k
                slots.base[i] = work.value(i)
            }
        }
    }
    return slots.take()
}

/// One result slot per index; each slot is written by exactly one worker before
/// `concurrentPerform` returns.
private final class Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T?>
    let count: Int
    init(_ n: Int) {
        count = n
        base = .allocate(capacity: max(n, 1))
        base.initialize(repeating: nil, count: n)
    }
    func take() -> [T] { (0..<count).map { base[$0]! } }
    deinit { base.deinitialize(count: count); base.deallocate() }
}

/// Lets a closure or value cross into `concurrentPerform`, whose workers use it on distinct
/// indices only.
private struct UncheckedSendable<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}
