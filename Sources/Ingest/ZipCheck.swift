import CZlibSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which deflated entries of a ZIP file have compressed data that never ends.
///
/// ZIPFoundation inflates an entry by reading the archive from the entry's data to the end of
/// the file; when the deflate stream neither ends nor fails before that (damaged data, found
/// by fuzzing), its loop reads nothing forever and the run hangs. So before an entry is
/// extracted, its data is inflated here once, at most its compressed size (a stream that does
/// not end within it is damaged): `endless(_:)` says whether it fails to end. Entries are
/// found through the central directory; an archive this cannot read (ZIP64, no end record)
/// is left to ZIPFoundation as before.
struct ZipDeflateCheck {
    /// Entry path → (offset of its local header, compressed size), deflated entries only.
    private var entries: [String: (local: Int, size: Int)] = [:]
    private let fd: Int32

    init?(path: String) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0 else { ZipDeflateCheck.closeFile(fd); return nil }
        let fileSize = Int(st.st_size)
        let tail = min(fileSize, 65_557)
        guard let end = ZipDeflateCheck.read(fd, at: fileSize - tail, count: tail), end.count == tail else { ZipDeflateCheck.closeFile(fd); return nil }
        guard let eocd = stride(from: tail - 22, through: 0, by: -1).first(where: {
            end[$0] == 0x50 && end[$0 + 1] == 0x4B && end[$0 + 2] == 0x05 && end[$0 + 3] == 0x06
        }) else { ZipDeflateCheck.closeFile(fd); return nil }
        let cdSize = ZipDeflateCheck.u32(end, eocd + 12), cdOffset = ZipDeflateCheck.u32(end, eocd + 16)
        guard cdSize != 0xFFFF_FFFF, cdOffset != 0xFFFF_FFFF, cdOffset + cdSize <= fileSize,
              let cd = ZipDeflateCheck.read(fd, at: cdOffset, count: cdSize), cd.count == cdSize else { ZipDeflateCheck.closeFile(fd); return nil }
        var i = 0
        while i + 46 <= cd.count, ZipDeflateCheck.u32(cd, i) == 0x0201_4B50 {
            let method = ZipDeflateCheck.u16(cd, i + 10), size = ZipDeflateCheck.u32(cd, i + 20)
            let n = ZipDeflateCheck.u16(cd, i + 28), e = ZipDeflateCheck.u16(cd, i + 30), c = ZipDeflateCheck.u16(cd, i + 32)
            let local = ZipDeflateCheck.u32(cd, i + 42)
            guard i + 46 + n <= cd.count else { break }
            if method == 8 {
                entries[String(decoding: cd[(i + 46)..<(i + 46 + n)], as: UTF8.self)] = (local, size)
            }
            i += 46 + n + e + c
        }
    }

    /// Lets the archive go.
    func finish() { ZipDeflateCheck.closeFile(fd) }

    /// Whether the entry at `path` is deflated and its data does not end within its
    /// compressed size (reading on would hang ZIPFoundation).
    func endless(_ path: String) -> Bool {
        guard let (local, size) = entries[path], size != 0xFFFF_FFFF,
              let header = ZipDeflateCheck.read(fd, at: local, count: 30), header.count == 30,
              ZipDeflateCheck.u32(header, 0) == 0x0403_4B50 else { return false }
        var at = local + 30 + ZipDeflateCheck.u16(header, 26) + ZipDeflateCheck.u16(header, 28)
        var z = z_stream()
        guard inflateInit2_(&z, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return false }
        defer { inflateEnd(&z) }
        var left = size
        var out = [UInt8](repeating: 0, count: 1 << 16)
        while left > 0 {
            guard var chunk = ZipDeflateCheck.read(fd, at: at, count: min(left, 1 << 16)), !chunk.isEmpty else { return true }
            at += chunk.count; left -= chunk.count
            let rc: Int32 = chunk.withUnsafeMutableBufferPointer { input in
                z.next_in = input.baseAddress; z.avail_in = UInt32(input.count)
                var rc = Z_OK
                repeat {
                    rc = out.withUnsafeMutableBufferPointer { o in
                        z.next_out = o.baseAddress; z.avail_out = UInt32(o.count)
                        return inflate(&z, Z_NO_FLUSH)
                    }
                } while rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0)
                return rc
            }
            if rc == Z_STREAM_END { return false }
            if rc != Z_OK && rc != Z_BUF_ERROR { return false }   // an error ZIPFoundation reports too
        }
        return true
    }

    private static func closeFile(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    private static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        guard offset >= 0, count >= 0 else { return nil }
        var b = [UInt8](repeating: 0, count: count)
        let n = b.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        guard n >= 0 else { return nil }
        b.removeLast(count - n)
        return b
    }
    private static func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> Int { u16(b, i) | u16(b, i + 2) << 16 }
}
