#if canImport(Glibc)
import Glibc
#endif

/// A file written in chunks and published atomically: bytes go to a temporary name in the
/// same folder; `commit()` fsyncs and renames it into place. Dropped without `commit()`, the
/// temporary file is removed and the old file (if any) stays.
public final class AtomicFileWriter {
    public let path: String
    let tmp: String
    var fd: Int32
    var buffer: [UInt8] = []
    var failed = false
    static let flushSize = 1 << 22

    public init(path: String) throws {
        self.path = path
        try AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: path))
        tmp = path + ".tmp-\(getpid())"
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFile.Failure(description: "cannot write \(tmp): \(errnoText())") }
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit {
        if fd >= 0 { close(fd); unlink(tmp) }
    }

    /// Appends bytes; flushed to disk in 4 MiB pieces.
    @inline(__always)
    public func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { flush() }
    }

    /// Gives direct access to the pending buffer (for writers that format in place).
    @inline(__always)
    public func withBuffer(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= Self.flushSize { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        if !buffer.withUnsafeBytes({ writeAll(fd: fd, $0) }) { failed = true }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, fsyncs and renames into place.
    public func commit() throws {
        flush()
        let ok = !failed && fsync(fd) == 0
        close(fd)
        fd = -1
        guard ok else { unlink(tmp); throw AtomicFile.Failure(description: "cannot write \(tmp): \(errnoText())") }
        guard rename(tmp, path) == 0 else {
            unlink(tmp); throw AtomicFile.Failure(description: "cannot rename \(tmp) to \(path): \(errnoText())")
        }
        // The rename itself is durable only once the folder is synced.
        let dfd = open(AtomicFile.parentDirectory(of: path), O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}

/// Appends CSV cells to a byte buffer without a String per row: `,` between cells, `"` quoting
/// only when a cell needs it, `\n` at row end.
public struct CSVRowBytes {
    public var bytes: [UInt8]
    var first = true

    public init(bytes: [UInt8] = []) { self.bytes = bytes }

    @inline(__always)
    public mutating func cell(_ s: String) {
        if !first { bytes.append(44) }
        first = false
        var s = s
        s.withUTF8 { u in
            var needs = false
            for b in u where b == 44 || b == 34 || b == 10 || b == 13 { needs = true; break }
            if !needs, let f = u.first, let l = u.last, f == 32 || l == 32 { needs = true }
            if !needs { bytes.append(contentsOf: u); return }
            bytes.append(34)
            for b in u { if b == 34 { bytes.append(34) }; bytes.append(b) }
            bytes.append(34)
        }
    }

    @inline(__always)
    public mutating func cell(_ v: Int) {
        if !first { bytes.append(44) }
        first = false
        if v == 0 { bytes.append(48); return }
        var n = v.magnitude
        if v < 0 { bytes.append(45) }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var i = 0
        withUnsafeMutableBytes(of: &tmp) { t in
            while n > 0 { t[i] = UInt8(48 + n % 10); n /= 10; i += 1 }
            while i > 0 { i -= 1; bytes.append(t[i]) }
        }
    }

    @inline(__always)
    public mutating func endRow() { bytes.append(10); first = true }
}
