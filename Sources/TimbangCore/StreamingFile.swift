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
    /// The errno of the first write that failed (0: none); `commit` reports it.
    var failure: Int32 = 0
    static let flushSize = 1 << 22

    public init(path: String) throws {
        self.path = path
        try AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: path))
        tmp = path + ".tmp-\(getpid())"
        if let e = Failpoint.writeFault(), e == EROFS { throw AtomicFile.Failure("cannot write", path, errno: e) }
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFile.Failure("cannot write", path, errno: errno) }
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit {
        if fd >= 0 { close(fd); unlink(tmp) }
    }

    /// Appends bytes; flushed to disk in 4 MiB pieces (a large piece goes to disk as it is).
    @inline(__always)
    public func append(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count >= Self.flushSize {
            flush()
            write(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { flush() }
    }

    /// Gives direct access to the pending buffer (for writers that format in place).
    @inline(__always)
    public func withBuffer(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= Self.flushSize { flush() }
    }

    /// Writes what is buffered to the temporary file now (it stays under its temporary name).
    public func flushToDisk() { flush() }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes to the temporary file unless a write failed before, keeping the first errno.
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard failure == 0 else { return }
        if let e = Failpoint.writeFault() { failure = e; return }
        if !writeAll(fd: fd, bytes) { failure = errno == 0 ? EIO : errno }
    }

    /// Flushes and fsyncs, throwing the first failed write, and keeps the file under its
    /// temporary name (for a caller that makes room for the next step before `commit`).
    public func check() throws {
        flush()
        if failure == 0, fsync(fd) != 0 { failure = errno }
        guard failure == 0 else { throw AtomicFile.Failure("cannot write", path, errno: failure) }
    }

    /// Flushes, fsyncs and renames into place. On failure the temporary file is removed (a
    /// name a final file never has: `<path>.tmp-<pid>`) and `path` is left as it was.
    public func commit() throws {
        flush()
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if failure == 0 { if close(fd) != 0 { failure = errno } } else { close(fd) }
        fd = -1
        guard failure == 0 else { unlink(tmp); throw AtomicFile.Failure("cannot write", path, errno: failure) }
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp); throw AtomicFile.Failure("cannot rename \(tmp) to", path, errno: e)
        }
        // The rename itself is durable only once the folder is synced.
        let dfd = open(AtomicFile.parentDirectory(of: path), O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}

/// timbang's one CSV writer: every CSV byte timbang writes (stage tables, archive entries,
/// `Table.csv()`, synth dumps' truth tables) goes through `CSVRowBytes`, and the quoting rule
/// lives in `CSVRowBytes.needsQuotes` alone: RFC 4180, `,` between cells, a cell quoted (with
/// `"` doubled) when it holds `,`, `"`, CR or LF or starts or ends with a space, `\n` at row end,
/// no BOM.
public struct CSVRowBytes {
    public var bytes: [UInt8]
    var first = true

    public init(bytes: [UInt8] = []) { self.bytes = bytes }

    /// Whether a cell's UTF-8 bytes must be written between quotes.
    @inline(__always)
    public static func needsQuotes(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in u where b == 44 || b == 34 || b == 10 || b == 13 { return true }
        if let f = u.first, let l = u.last, f == 32 || l == 32 { return true }
        return false
    }

    /// Appends one cell's UTF-8 bytes, quoted when `needsQuotes` says so.
    @inline(__always)
    public static func appendCell(_ u: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        guard needsQuotes(u) else { bytes.append(contentsOf: u); return }
        bytes.append(34)
        for b in u { if b == 34 { bytes.append(34) }; bytes.append(b) }
        bytes.append(34)
    }

    @inline(__always)
    public mutating func cell(_ s: String) {
        if !first { bytes.append(44) }
        first = false
        var s = s
        s.withUTF8 { Self.appendCell($0, to: &bytes) }
    }

    /// A cell of bytes that are already UTF-8 text (quoted when needed).
    @inline(__always)
    public mutating func cell(utf8 u: UnsafeBufferPointer<UInt8>) {
        if !first { bytes.append(44) }
        first = false
        Self.appendCell(u, to: &bytes)
    }

    /// A cell that never needs quotes (digits, a code, a date): its bytes as they are.
    @inline(__always)
    public mutating func plainCell(_ u: UnsafeBufferPointer<UInt8>) {
        if !first { bytes.append(44) }
        first = false
        bytes.append(contentsOf: u)
    }

    /// An empty cell.
    @inline(__always)
    public mutating func emptyCell() {
        if !first { bytes.append(44) }
        first = false
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

    /// A row of text cells, ended.
    @inline(__always)
    public mutating func row(_ cells: [String]) {
        for c in cells { cell(c) }
        endRow()
    }

    @inline(__always)
    public mutating func endRow() { bytes.append(10); first = true }
}
