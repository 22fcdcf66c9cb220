import CZlib

/// gzip (RFC 1952) through zlib, with a header that never depends on the machine or the clock.
///
/// zlib's default gzip header is already free of time (MTIME 0) but its OS byte is a
/// compile-time constant that differs between platforms (3 on Linux, 19 on macOS since
/// zlib 1.2.12). `deflateSetHeader` pins it: no name, no comment, MTIME 0, OS 3 (Unix).
/// XFL follows the level (fixed at 6 → 0).
enum Gzip {
    /// The compression level every archive uses (zlib's default).
    static let level: Int32 = 6

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Compresses `bytes` into one gzip member.
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip wrapper instead of a zlib one.
        var rc = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(description: "zlib deflateInit2 failed (\(rc))") }
        defer { deflateEnd(&stream) }

        // zlib keeps a pointer to the header until the header is written: allocate it.
        let header = UnsafeMutablePointer<gz_header>.allocate(capacity: 1)
        defer { header.deallocate() }
        header.initialize(to: gz_header())
        header.pointee.text = 0
        header.pointee.time = 0      // MTIME 0: "no time stamp"
        header.pointee.os = 3        // Unix, on every platform
        header.pointee.hcrc = 0
        rc = deflateSetHeader(&stream, header)
        guard rc == Z_OK else { throw Failure(description: "zlib deflateSetHeader failed (\(rc))") }

        var out = [UInt8]()
        out.reserveCapacity(bytes.count / 3 + 64)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = bytes
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            repeat {
                let produced: Int = try chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    rc = deflate(&stream, Z_FINISH)
                    guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                        throw Failure(description: "zlib deflate failed (\(rc))")
                    }
                    return outBuf.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
            } while rc != Z_STREAM_END
        }
        return out
    }

    /// Decompresses a gzip file. zlib checks the header, the CRC-32 and the length (ISIZE);
    /// anything after the member (a second member or stray bytes) is refused.
    static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes.count >= 18, bytes[0] == 0x1f, bytes[1] == 0x8b else {
            throw Failure(description: "not a gzip file (bad magic bytes)")
        }
        var stream = z_stream()
        var rc = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(description: "zlib inflateInit2 failed (\(rc))") }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = bytes
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            repeat {
                let produced: Int = try chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    switch rc {
                    case Z_OK, Z_STREAM_END: break
                    case Z_DATA_ERROR:
                        let why = stream.msg.map { String(cString: $0) } ?? "corrupt data"
                        throw Failure(description: "gzip: \(why)")
                    case Z_BUF_ERROR where stream.avail_in == 0:
                        throw Failure(description: "gzip: file is cut short (no end of stream)")
                    default:
                        throw Failure(description: "gzip: zlib error \(rc)")
                    }
                    return outBuf.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
            } while rc != Z_STREAM_END
            if stream.avail_in != 0 {
                throw Failure(description: "gzip: \(stream.avail_in) unexpected bytes after the end of the stream")
            }
        }
        return out
    }
}
