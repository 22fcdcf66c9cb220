import CZlibSystem

/// A read-only buffer handed to worker threads (the caller keeps it alive meanwhile).
struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
    init(_ b: UnsafeBufferPointer<UInt8>) { buffer = b }
}

/// timbang's one gzip writer (archives, synth dumps) and deflater (also of the Excel
/// workbooks' ZIP entries, `Zip`): gzip (RFC 1952) through zlib, with a
/// header that never depends on the machine or the clock.
///
/// The header is written here, not by zlib (whose OS byte is a compile-time constant that
/// differs between platforms): no name, no comment, MTIME 0, XFL 0, OS 3 (Unix).
///
/// Large inputs are compressed in parallel the way `pigz` does it: the input is cut into
/// blocks of a fixed size (`blockSize`, so the bytes never depend on the number of cores),
/// each block is deflated on its own with the 32 KiB before it as preset dictionary and ends
/// on a byte boundary (sync flush), the last one with the final block; the raw deflate
/// streams are concatenated into one gzip member and the CRC-32s combined. Any gzip reader
/// reads the result as one ordinary member. An input of one block is the plain zlib stream
/// (`gzip -6 -n` gives the same bytes).
public enum Gzip {
    /// The compression level used where none is given (zlib's default). Report archives and
    /// their workbooks take theirs from the pipeline (`ReportInput.compressionLevel`).
    public static let level: Int32 = 6
    /// Input bytes per independently compressed block.
    public static let blockSize = 1 << 20
    /// The deflate window, also the preset dictionary of each block.
    public static let window = 1 << 15

    /// zlib refused (out of memory) or a gzip file is not whole.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Compresses `bytes` into one gzip member, the blocks on up to `threads` threads (the
    /// bytes are the same whatever `threads` is).
    public static func compress(_ bytes: [UInt8], threads: Int = Int.max) throws -> [UInt8] {
        let blocks = max(1, (bytes.count + blockSize - 1) / blockSize)
        let parts: [Result<(deflated: [UInt8], crc: UInt), any Error>] = bytes.withUnsafeBufferPointer { whole in
            let input = SendableBuffer(whole)
            return parallelMap(blocks, threads: threads) { i in
                let start = i * blockSize, end = min(input.buffer.count, start + blockSize)
                return Result { try deflateBlock(input.buffer, start..<end, last: i == blocks - 1) }
            }
        }
        var out = header
        out.reserveCapacity(parts.reduce(0) { $0 + ((try? $1.get().deflated.count) ?? 0) } + 18)
        var crc: UInt = 0
        for (i, part) in parts.enumerated() {
            let p = try part.get()
            out.append(contentsOf: p.deflated)
            let length = min(bytes.count, (i + 1) * blockSize) - i * blockSize
            crc = i == 0 ? p.crc : crc32_combine(crc, p.crc, .init(length))
        }
        out += trailer(crc: crc, length: bytes.count)
        return out
    }

    /// The fixed member header: no name, no comment, MTIME 0, XFL 0, OS 3.
    static let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]

    /// The member trailer: CRC-32 and length (mod 2^32) of the uncompressed bytes.
    static func trailer(crc: UInt, length: Int) -> [UInt8] {
        var out: [UInt8] = []
        for v in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: length)] {
            out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
        }
        return out
    }

    /// `compress` fed piece by piece, for output too large to hold twice (a report archive):
    /// the same bytes as `compress` of everything written, while only the bytes not yet
    /// compressed (and the window before them) are held (`RawStream` between the fixed header
    /// and the trailer).
    public struct Writer {
        var stream: RawStream
        let sink: ([UInt8]) throws -> Void

        public init(threads: Int = Int.max, level: Int32 = Gzip.level, sink: @escaping ([UInt8]) throws -> Void) throws {
            self.sink = sink
            stream = RawStream(threads: threads, level: level, sink: sink)
            try sink(header)
        }

        /// Appends uncompressed bytes.
        public mutating func write(_ bytes: UnsafeRawBufferPointer) throws { try stream.write(bytes) }

        public mutating func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try stream.write($0) }
        }

        /// Compresses what is left and writes the trailer.
        public mutating func finish() throws {
            try stream.finish()
            try sink(trailer(crc: stream.crc, length: stream.total))
        }
    }

    /// One raw deflate stream (RFC 1951) fed piece by piece and compressed in parallel blocks:
    /// the body of a gzip member (`Writer`) and of a ZIP entry (`Zip`). Whole blocks are
    /// compressed a batch at a time on up to `threads` threads once bytes follow them (which
    /// block is the last is known only at `finish`); the compressed bytes go to `sink` in
    /// order. The bytes depend on the input and `level` only, never on `threads`.
    public struct RawStream {
        let threads: Int
        let level: Int32
        let sink: ([UInt8]) throws -> Void
        /// The window before the pending bytes (the preset dictionary of their first block),
        /// then the pending bytes.
        var buffer: [UInt8] = []
        /// Bytes at the start of `buffer` that are window, not pending (≤ `window`).
        var windowBytes = 0
        /// Uncompressed bytes written so far, and their CRC-32 once `finish` has run.
        public private(set) var total = 0
        public private(set) var crc: UInt = 0
        var blocksDone = 0
        /// Blocks compressed together: enough to keep every thread busy.
        let batch: Int

        public init(threads: Int = Int.max, level: Int32 = Gzip.level, sink: @escaping ([UInt8]) throws -> Void) {
            self.threads = max(1, threads)
            self.level = level
            self.sink = sink
            batch = 2 * min(self.threads, 8)
            buffer.reserveCapacity(window + (batch + 1) * blockSize)
        }

        /// Appends uncompressed bytes.
        public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
            var rest = bytes.bindMemory(to: UInt8.self)[...]
            total += rest.count
            // in pieces, so that a large write is never held whole
            while !rest.isEmpty {
                let room = batch * blockSize + 1 - (buffer.count - windowBytes)
                buffer.append(contentsOf: rest.prefix(room))
                rest = rest.dropFirst(room)
                if buffer.count - windowBytes > batch * blockSize { try flush(last: false) }
            }
        }

        public mutating func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }

        /// Compresses `batch` whole blocks of the pending bytes, or (when `last`) all of them,
        /// the last block ending the stream.
        mutating func flush(last: Bool) throws {
            let pending = buffer.count - windowBytes
            let n = last ? max(1, (pending + blockSize - 1) / blockSize) : batch
            let base = windowBytes, level = level
            let parts: [Result<(deflated: [UInt8], crc: UInt), any Error>] = buffer.withUnsafeBufferPointer { whole in
                let input = SendableBuffer(whole)
                // a block at offset 0 of the buffer is the stream's first: no dictionary
                return parallelMap(n, threads: threads) { i in
                    let start = base + i * blockSize, end = min(input.buffer.count, start + blockSize)
                    return Result { try deflateBlock(input.buffer, start..<end, last: last && i == n - 1, level: level) }
                }
            }
            for (i, part) in parts.enumerated() {
                let p = try part.get()
                let length = min(pending, (i + 1) * blockSize) - i * blockSize
                crc = blocksDone == 0 ? p.crc : crc32_combine(crc, p.crc, .init(length))
                blocksDone += 1
                try sink(p.deflated)
            }
            let used = base + min(pending, n * blockSize)
            let keep = min(window, used)
            buffer.removeSubrange(0..<(used - keep))
            windowBytes = keep
        }

        /// Compresses what is left, ending the stream.
        public mutating func finish() throws {
            try flush(last: true)
        }
    }

    /// Raw deflate of `range`, primed with the window before it; ends with a sync flush, or
    /// with the final block when `last`. Returns the deflated bytes and the CRC-32 of the range.
    static func deflateBlock(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, last: Bool, level: Int32 = Gzip.level) throws
        -> (deflated: [UInt8], crc: UInt) {
        var stream = z_stream()
        var rc = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(description: "zlib deflateInit2 failed (\(rc))") }
        defer { deflateEnd(&stream) }
        let base = input.baseAddress ?? UnsafePointer(bitPattern: 1)!
        if range.lowerBound > 0 {
            let from = max(0, range.lowerBound - window)
            rc = deflateSetDictionary(&stream, base + from, uInt(range.lowerBound - from))
            guard rc == Z_OK else { throw Failure(description: "zlib deflateSetDictionary failed (\(rc))") }
        }
        let crc = crc32(0, base + range.lowerBound, uInt(range.count))
        let bound = Int(deflateBound(&stream, uLong(range.count))) + 64
        var out = [UInt8](repeating: 0, count: bound)
        let produced: Int = try out.withUnsafeMutableBufferPointer { outBuf in
            stream.next_in = UnsafeMutablePointer(mutating: base + range.lowerBound)
            stream.avail_in = uInt(range.count)
            stream.next_out = outBuf.baseAddress
            stream.avail_out = uInt(outBuf.count)
            rc = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
            guard last ? rc == Z_STREAM_END : (rc == Z_OK && stream.avail_in == 0 && stream.avail_out > 0) else {
                throw Failure(description: "zlib deflate failed (\(rc))")
            }
            return outBuf.count - Int(stream.avail_out)
        }
        out.removeSubrange(produced...)
        return (out, crc)
    }

    /// Decompresses a gzip file. zlib checks the header, the CRC-32 and the length (ISIZE);
    /// anything after the member (a second member or stray bytes) is refused, and so is
    /// data that inflates to more than `limit` bytes (a gzip bomb stops there, never
    /// allocating more). With a `limit` of 4 GiB or less, the length the trailer announces (ISIZE,
    /// exact below 4 GiB) is reserved at once and never exceeded: a whole file costs one
    /// allocation of its size, and a file inflating past its own trailer stops there.
    public static func decompress(_ bytes: [UInt8], limit: Int = Int.max) throws -> [UInt8] {
        guard bytes.count >= 18, bytes[0] == 0x1f, bytes[1] == 0x8b else {
            throw Failure(description: "not a gzip file (bad magic bytes)")
        }
        var out = [UInt8]()
        var announced: Int?
        if limit <= 1 << 32 {
            let n = bytes.count
            announced = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
            out.reserveCapacity(min(announced!, limit))
        } else {
            out.reserveCapacity(min(bytes.count.multipliedReportingOverflow(by: 4).partialValue, 1 << 30))
        }
        // handed over 1 MiB at a time: no second copy of the whole input
        var at = 0
        try inflate(limit: limit, announced: announced, read: { buffer in
            let n = min(buffer.count, bytes.count - at)
            bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[at..<(at + n)])) }
            at += n
            return n
        }, deliver: { out.append(contentsOf: $0) })
        return out
    }

    /// Inflates one gzip member read piecewise, with the checks of `decompress`: zlib's of the
    /// header, CRC-32 and ISIZE; nothing after the member; at most `limit` bytes out, and no
    /// more than `announced` (the trailer's ISIZE) when given.
    /// - Parameters:
    ///   - read: fills the buffer it is handed with the next compressed bytes and returns how
    ///     many (0 at the end of the file).
    ///   - bufferSize: bytes `read` is handed at a time.
    ///   - deliver: takes each piece of inflated bytes (at most 64 KiB) as it comes.
    /// - Throws: `Failure` (and whatever `read` or `deliver` throw).
    public static func inflate(limit: Int = Int.max, announced: Int? = nil,
                               read: (UnsafeMutableRawBufferPointer) throws -> Int, bufferSize: Int = 1 << 20,
                               deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
        var stream = z_stream()
        var rc = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(description: "zlib inflateInit2 failed (\(rc))") }
        defer { inflateEnd(&stream) }
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bufferSize), alignment: 16)
        defer { input.deallocate() }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        var produced = 0
        var atEnd = false
        func refill() throws {
            let n = try read(input)
            atEnd = n == 0
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(n)
        }
        try refill()
        repeat {
            if stream.avail_in == 0 && !atEnd { try refill() }
            stream.next_out = chunk.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(chunk.count)
            rc = zlibInflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_STREAM_END: break
            case Z_DATA_ERROR:
                let why = stream.msg.map { String(cString: $0) } ?? "corrupt data"
                throw Failure(description: "gzip: \(why)")
            case Z_BUF_ERROR where stream.avail_in == 0:
                if !atEnd { continue }
                throw Failure(description: "gzip: file is cut short (no end of stream)")
            default:
                throw Failure(description: "gzip: zlib error \(rc)")
            }
            let n = chunk.count - Int(stream.avail_out)
            guard n <= limit - produced else {
                throw Failure(description: "gzip: inflates to more than \(limit) bytes (the limit)")
            }
            if let announced, n > announced - produced {
                throw Failure(description: "gzip: inflates to more than the \(announced) bytes its trailer announces (cut short or forged)")
            }
            produced += n
            if n > 0 { try deliver(UnsafeRawBufferPointer(rebasing: chunk[0..<n])) }
        } while rc != Z_STREAM_END
        var after = Int(stream.avail_in)
        while !atEnd { try refill(); after += Int(stream.avail_in) }
        if after != 0 {
            throw Failure(description: "gzip: \(after) unexpected bytes after the end of the stream")
        }
    }
}

/// zlib's `inflate`, under a name `Gzip.inflate` does not shadow.
private func zlibInflate(_ stream: UnsafeMutablePointer<z_stream>, _ flush: Int32) -> Int32 { inflate(stream, flush) }

