import Dispatch
import Foundation

/// Results of chunk `i` land in slot `i`, so the order never depends on which thread finished first.
final class ChunkSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    func take() -> [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}

/// Runs `body` for chunks `0..<chunks` on `threads` workers (worker `w` takes chunks
/// `w, w + threads, …`) and returns the results in chunk order.
func forEachChunk<T>(_ chunks: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
    if chunks == 0 { return [] }
    let workers = max(1, min(threads, chunks))
    if workers == 1 { return (0..<chunks).map(body) }
    let slots = ChunkSlots<T>(chunks)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        var i = w
        while i < chunks {
            slots.set(i, body(i))
            i += workers
        }
    }
    return slots.take()
}

extension Growth {
    /// Runs `body` for chunks `0..<chunks` on `threads` workers with Dispatch and returns the
    /// results in chunk order (independent of which worker finished first). For callers that
    /// batch `GrowthStandards.zscores` themselves (benchmarks, the synth generator).
    public static func parallelChunks<T>(_ chunks: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        forEachChunk(chunks, threads: threads, body)
    }
}
