import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large record buffer with huge pages (Linux, where transparent
/// huge pages are in `madvise` mode): records are about 850 bytes each, and faulting in
/// 4 KiB pages one by one is otherwise a large part of ingest's time. Advice only.
func adviseHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let page = 4096
    let from = (Int(bitPattern: start) + page - 1) / page * page
    let to = (Int(bitPattern: start) + bytes) / page * page
    guard to > from, let p = UnsafeMutableRawPointer(bitPattern: from) else { return }
    _ = madvise(p, to - from, MADV_HUGEPAGE)
    #endif
}

/// A slice of the run's record array set aside for one file (see `Ingest.run`).
struct RecordRegion: @unchecked Sendable {
    // Safety: regions of one run do not overlap; each is written by the one thread reading
    // its file, and compacted only after every file is done.
    let base: UnsafeMutablePointer<Record>
    /// Slots: the file's record bound plus one for the record being read.
    let slots: Int
}

/// The records of one file: either in a buffer ingest owns, so they can be built in place and
/// later moved (bit-wise, without copying their strings) into the run's single record array,
/// or already in their `RecordRegion` of that array.
final class RecordChunk: @unchecked Sendable {
    // Safety: a chunk is filled by one thread, then handed over whole (through a Mutex) and
    // only read or moved out by the thread that merges the results.
    private var base: UnsafeMutablePointer<Record>?
    private let owned: Bool
    private(set) var count: Int

    /// Holds `count` initialised records at `base`; owns (frees) them when `owned`.
    init(base: UnsafeMutablePointer<Record>?, count: Int, owned: Bool = true) {
        self.base = base; self.count = count; self.owned = owned
    }

    convenience init() { self.init(base: nil, count: 0) }

    deinit {
        guard owned else { return }
        base?.deinitialize(count: count)
        base?.deallocate()
    }

    /// A copy of the records (tests, small files).
    var array: [Record] { base.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [] }

    /// Moves the records to `destination` (uninitialised memory) and frees this buffer.
    func move(to destination: UnsafeMutablePointer<Record>) {
        if let base {
            destination.moveInitialize(from: base, count: count)
            if owned { base.deallocate() }
        }
        base = nil
        count = 0
    }
}

/// A buffer of records whose last slot is the record being read: growable and owned, or a
/// fixed `RecordRegion`.
struct RecordBuilder {
    private var base: UnsafeMutablePointer<Record>
    private var capacity: Int
    private let growable: Bool
    /// Finished records.
    private(set) var count = 0
    /// The record being read (slot `count`, always initialised).
    private(set) var current: UnsafeMutablePointer<Record>
    /// Provenance a fresh record starts with (the file name; numbers are set on commit).
    private let blankRef: RowRef

    /// An owned, growable buffer.
    /// - Parameter expected: a guess of the number of records (memory is only touched as
    ///   records arrive, so a generous guess costs address space, not RAM).
    init(expected: Int, blankRef: RowRef) {
        capacity = max(16, expected) + 1
        base = UnsafeMutablePointer<Record>.allocate(capacity: capacity)
        adviseHugePages(UnsafeMutableRawPointer(base), bytes: capacity * MemoryLayout<Record>.stride)
        growable = true
        self.blankRef = blankRef
        base.initialize(to: Record(ref: blankRef))
        current = base
    }

    /// Records written straight into `region` (uninitialised memory of at least one slot).
    init(region: RecordRegion, blankRef: RowRef) {
        base = region.base
        capacity = region.slots
        growable = false
        self.blankRef = blankRef
        base.initialize(to: Record(ref: blankRef))
        current = base
    }

    /// Whether one more record can be committed.
    var hasRoom: Bool { growable || count + 1 < capacity }

    /// Keeps the current record and starts a new one (requires `hasRoom`).
    @inline(__always)
    mutating func commit() {
        count += 1
        if count == capacity {
            precondition(growable, "record region overrun")
            let bigger = UnsafeMutablePointer<Record>.allocate(capacity: capacity * 2)
            adviseHugePages(UnsafeMutableRawPointer(bigger), bytes: capacity * 2 * MemoryLayout<Record>.stride)
            bigger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        current = base + count
        current.initialize(to: Record(ref: blankRef))
    }

    /// The finished records, for the fix-up at end of file (valid until the next `commit`).
    func finished() -> UnsafeMutableBufferPointer<Record> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Hands the finished records over; the builder must not be used afterwards.
    mutating func finish() -> RecordChunk {
        current.deinitialize(count: 1)
        return RecordChunk(base: base, count: count, owned: growable)
    }
}
