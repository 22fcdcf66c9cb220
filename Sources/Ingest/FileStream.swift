import CZlibSystem
import TimbangCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the consumer of a byte stream wants next.
enum StreamControl {
    /// Keep delivering content.
    case more
    /// Stop delivering content, but read the rest of the file for its size and SHA-256.
    case hashOnly
}

/// How reading a file went, independent of its CSV content.
struct StreamOutcome {
    var bytes = 0
    var sha256 = ""
    var gzip = false
    /// Bytes delivered (after decompression).
    var contentBytes = 0
    var openError: String?
    var readError: String?
    /// The gzip stream ended before its end marker (file cut off).
    var gzipTruncated = false
    /// The gzip stream is damaged (zlib data error) at some point.
    var gzipCorrupt: String?
    /// Bytes after the end of the gzip stream that are not another gzip member.
    var gzipTrailingBytes = 0
    /// The gzip content goes on past the inflate limit: only the bytes up to it were delivered.
    var inflateLimitReached = false
    /// The file's size or modification time at the end of reading is not what it was when it
    /// was opened, or fewer or more bytes were read than it had then.
    var changedWhileRead = false
}

/// Opens an input dump for reading, the one way every reader of ingest opens one
/// (`openRegularFile`): a FIFO, a device, a socket or a folder named `x.csv` in the input
/// folder is an error at once instead of a read that blocks the nightly run forever.
/// - Returns: the descriptor, or the reason it cannot be read.
func openInput(_ path: String) -> Result<Int32, InputOpenError> {
    openRegularFile(path).map(\.fd).mapError { InputOpenError(description: $0.description) }
}

struct InputOpenError: Error, CustomStringConvertible { var description: String }

/// Streams a file's content in chunks of `chunkSize` bytes, gunzipping it when it starts with
/// the gzip magic bytes (whatever its name), hashing the bytes as stored. Memory is constant
/// in the file size: one raw buffer and one output buffer.
///
/// - Parameter inflateLimit: most content bytes a gzip file delivers (`IngestLimits
///   .inflatedBytes`); past it, `inflateLimitReached` and the rest is only hashed, so a gzip
///   bomb costs no more time than its limit.
/// - Parameter afterRawChunk: called after each chunk read from disk (a seam for tests that
///   change the file while it is read).
func streamFile(path: String, chunkSize: Int = 1 << 20, inflateLimit: Int = .max, afterRawChunk: (() -> Void)? = nil,
                _ deliver: (UnsafeRawBufferPointer) -> StreamControl) -> StreamOutcome {
    var out = StreamOutcome()
    let fd: Int32
    switch openInput(path) {
    case .success(let d): fd = d
    case .failure(let e): out.openError = e.description; return out
    }
    defer { close(fd) }
    var before = stat()
    _ = fstat(fd, &before)
    var sha = SHA256Stream()
    var storedBytes = 0
    var readError: String?
    let chunkSize = bufferSize(chunkSize, fileBytes: Int(before.st_size))
    let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { raw.deallocate() }

    /// Reads the next raw chunk (hashing it); 0 at end of file, -1 on error.
    func readRaw() -> Int {
        var filled = 0
        while filled < chunkSize {
            let n = read(fd, raw.baseAddress! + filled, chunkSize - filled)
            if n < 0 {
                if errno == EINTR { continue }
                readError = String(cString: strerror(errno))
                return -1
            }
            if n == 0 { break }
            filled += n
        }
        if filled > 0 {
            sha.update(UnsafeRawBufferPointer(rebasing: raw[0..<filled]))
            storedBytes += filled
        }
        afterRawChunk?()
        return filled
    }

    func drain() { while readRaw() > 0 {} }

    var n = readRaw()
    if n >= 2, raw[0] == 0x1F, raw[1] == 0x8B {
        out.gzip = true
        gunzip(first: n, raw: raw, readRaw: readRaw, limit: inflateLimit, out: &out, deliver)
        drain()
    } else {
        var control = StreamControl.more
        while n > 0 {
            if control == .more {
                control = deliver(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
                out.contentBytes += n
            }
            n = readRaw()
        }
    }
    out.sha256 = sha.finalizeHex()
    out.bytes = storedBytes
    out.readError = readError
    var after = stat()
    if readError == nil, fstat(fd, &after) == 0 {
        out.changedWhileRead = after.st_size != before.st_size || storedBytes != Int(before.st_size)
            || after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec
    }
    return out
}

/// Inflates gzip members (`inflateInit2(16 + MAX_WBITS)`) from `raw`, refilled by `readRaw`.
private func gunzip(first: Int, raw: UnsafeMutableRawBufferPointer, readRaw: () -> Int, limit: Int,
                    out: inout StreamOutcome, _ deliver: (UnsafeRawBufferPointer) -> StreamControl) {
    // a small gzip file may inflate to far more than its size: at least 64 KiB at a time
    let outSize = max(raw.count, 1 << 16)
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: outSize, alignment: 16)
    defer { buf.deallocate() }
    var z = z_stream()
    guard inflateInit2_(&z, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        out.gzipCorrupt = "zlib could not start"
        return
    }
    defer { inflateEnd(&z) }
    var available = first
    var eof = first == 0
    z.next_in = raw.baseAddress!.assumingMemoryBound(to: Bytef.self)
    z.avail_in = UInt32(available)
    var streamEnded = false

    while true {
        if z.avail_in == 0 && !eof {
            available = readRaw()
            if available <= 0 { eof = true }
            z.next_in = raw.baseAddress!.assumingMemoryBound(to: Bytef.self)
            z.avail_in = UInt32(max(0, available))
        }
        if streamEnded {
            // Another gzip member may follow (concatenated .gz files); anything else is junk.
            if z.avail_in == 0 && eof { return }
            if z.avail_in == 0 { continue }
            if z.next_in[0] == 0x1F && (z.avail_in < 2 || z.next_in[1] == 0x8B) {
                inflateReset(&z)
                streamEnded = false
            } else {
                out.gzipTrailingBytes += Int(z.avail_in)
                z.avail_in = 0
                continue
            }
        }
        z.next_out = buf.baseAddress!.assumingMemoryBound(to: Bytef.self)
        z.avail_out = UInt32(outSize)
        let rc = inflate(&z, Z_NO_FLUSH)
        let produced = outSize - Int(z.avail_out)
        if produced > 0 {
            let room = limit - out.contentBytes
            if produced > room {
                if room > 0 {
                    out.contentBytes += room
                    _ = deliver(UnsafeRawBufferPointer(rebasing: buf[0..<room]))
                }
                out.inflateLimitReached = true
                return
            }
            out.contentBytes += produced
            if deliver(UnsafeRawBufferPointer(rebasing: buf[0..<produced])) == .hashOnly { return }
        }
        switch rc {
        case Z_STREAM_END:
            streamEnded = true
        case Z_OK:
            break
        case Z_BUF_ERROR:
            // No progress possible: input exhausted before the stream's end.
            if eof && z.avail_in == 0 { out.gzipTruncated = true; return }
        default:
            out.gzipCorrupt = z.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
            return
        }
        if eof && z.avail_in == 0 && !streamEnded && produced == 0 {
            out.gzipTruncated = true
            return
        }
    }
}

/// What the first pass over a plain-text file learns.
struct ContentScan {
    /// An upper bound of the records: every record but the last ends with a line end (LF,
    /// CRLF or a lone CR); 0 when the file cannot be read (reading it will report that).
    var bound: Int
    /// The encoding its bytes support (`EncodingEvidence`).
    var encoding: EncodingDecision
}

/// Counts a plain-text file's line ends and gathers its encoding evidence in one pass. nil
/// for a gzip file (its content size is unknown without inflating it; `readFile` sniffs its
/// encoding on the inflated content).
func recordBound(path: String, chunkSize: Int = 1 << 20) -> ContentScan? {
    var evidence = EncodingEvidence()
    guard case .success(let fd) = openInput(path) else { return ContentScan(bound: 0, encoding: evidence.decision) }
    defer { close(fd) }
    var st = stat()
    let chunkSize = fstat(fd, &st) == 0 ? bufferSize(chunkSize, fileBytes: Int(st.st_size)) : chunkSize
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buf.deallocate() }
    var counter = LineEndCounter()
    var first = true
    while true {
        let n = read(fd, buf.baseAddress!, chunkSize)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        if first {
            if n >= 2 && buf[0] == 0x1F && buf[1] == 0x8B { return nil }
            // A workbook's rows are not its line ends.
            if ContainerKind(UnsafeRawBufferPointer(rebasing: buf[0..<n])) == .zip { return nil }
            first = false
        }
        let chunk = UnsafeRawBufferPointer(rebasing: buf[0..<n])
        counter.count(chunk)
        evidence.scan(chunk)
    }
    evidence.finish()
    return ContentScan(bound: counter.lineEnds + 1, encoding: evidence.decision)
}

/// The encoding of a file's content (gunzipped when it is gzip, up to `inflateLimit` bytes:
/// what reading it will read), from one pass of its own.
func sniffEncoding(path: String, chunkSize: Int = 1 << 20, inflateLimit: Int = .max) -> EncodingDecision {
    var evidence = EncodingEvidence()
    _ = streamFile(path: path, chunkSize: chunkSize, inflateLimit: inflateLimit) { evidence.scan($0); return .more }
    evidence.finish()
    return evidence.decision
}

/// The read buffer for a file of `fileBytes` bytes: `chunkSize`, or less for a small file (its
/// size and one byte, so that one read reaches the end; at least 16 KiB, as a file may grow
/// while it is read), so that reading many small files does not allocate a large buffer each.
func bufferSize(_ chunkSize: Int, fileBytes: Int) -> Int {
    min(chunkSize, max(1 << 14, fileBytes + 1))
}

/// Counts line ends (LF, CRLF, lone CR) eight bytes at a time, across chunk boundaries.
struct LineEndCounter {
    private var lf = 0, cr = 0, crlf = 0
    /// The previous chunk ended with a CR.
    private var pendingCR = false

    /// Line ends seen so far: a CRLF pair counts once.
    var lineEnds: Int { lf + cr - crlf }

    mutating func count(_ b: UnsafeRawBufferPointer) {
        let lfs: UInt64 = 0x0A0A_0A0A_0A0A_0A0A, crs: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        /// High bit of each byte of `y` that is zero (exact: no carries cross bytes).
        @inline(__always) func zeroMask(_ y: UInt64) -> UInt64 { ~(((y & low) &+ low) | y | low) }
        var i = 0
        while i + 8 <= b.count {
            let x = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let mLF = zeroMask(x ^ lfs), mCR = zeroMask(x ^ crs)
            lf += mLF.nonzeroBitCount
            cr += mCR.nonzeroBitCount
            // A CR at byte j followed by an LF at byte j + 1 (little-endian: 8 bits higher).
            crlf += (mCR & (mLF >> 8)).nonzeroBitCount
            if pendingCR && mLF & 0x80 != 0 { crlf += 1 }
            pendingCR = mCR >> 63 != 0
            i += 8
        }
        while i < b.count {
            let c = b[i]
            if c == 10 { lf += 1; if pendingCR { crlf += 1 } }
            if c == 13 { cr += 1 }
            pendingCR = c == 13
            i += 1
        }
    }
}
