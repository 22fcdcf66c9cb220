import Dispatch

/// A value shared between threads, guarded by a lock (for results collected from
/// `DispatchQueue.concurrentPerform` and background work).
public final class LockedBox<T>: @unchecked Sendable {
    private var stored: T
    private let lock = DispatchSemaphore(value: 1)
    public init(_ value: T) { stored = value }
    public var value: T { lock.wait(); defer { lock.signal() }; return stored }
    public func update(_ body: (inout T) -> Void) { lock.wait(); body(&stored); lock.signal() }
}
