#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlibSystem
import TimbangCore

enum Bytes {
    /// Windows-1252 bytes of UTF-8 text (`é` → E9, `’` → 92); characters it lacks become `?`.
    static func cp1252(_ utf8: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        for s in String(decoding: utf8, as: UTF8.self).unicodeScalars {
            switch s.value {
            case 0..<0x80, 0xA0...0xFF: out.append(UInt8(s.value))
            case 0x2018: out.append(0x91)
            case 0x2019: out.append(0x92)
            case 0x201C: out.append(0x93)
            case 0x201D: out.append(0x94)
            default: out.append(0x3F)
            }
        }
        return out
    }

    /// Mac Roman bytes of UTF-8 text (`é` → 8E, `É` → 83, `’` → D5, no-break space → CA);
    /// characters it lacks become `?`.
    static func macRoman(_ utf8: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        for s in String(decoding: utf8, as: UTF8.self).unicodeScalars {
            switch s.value {
            case 0..<0x80: out.append(UInt8(s.value))
            case 0xA0: out.append(0xCA)
            case 0xE9: out.append(0x8E)
            case 0xC9: out.append(0x83)
            case 0xE8: out.append(0x8F)
            case 0xE1: out.append(0x87)
            case 0xF3: out.append(0x97)
            case 0x2018: out.append(0xD4)
            case 0x2019: out.append(0xD5)
            case 0x201C: out.append(0xD2)
            case 0x201D: out.append(0xD3)
            default: out.append(0x3F)
            }
        }
        return out
    }

    /// gzip through timbang's one gzip writer (`Gzip`): level 6, no file name, mtime 0, the
    /// same bytes every run.
    static func gzip(_ input: [UInt8]) -> [UInt8] {
        do { return try Gzip.compress(input) } catch { preconditionFailure("\(error)") }
    }

    /// Inflates gzip bytes (for tests and checks); nil when they are not a whole gzip stream.
    static func gunzip(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 31, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        var rc: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = UInt32(c.count)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    return c.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
            } while rc == Z_OK
        }
        return rc == Z_STREAM_END ? out : nil
    }

    /// Writes a whole file (no fsync: generated data, many small files).
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SynthError.cannotWrite(path) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                guard n > 0 else { throw SynthError.cannotWrite(path) }
                off += n
            }
        }
    }
}

/// A file written in pieces (the truth's records table, which grows with the dump).
final class StreamFile {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SynthError.cannotWrite(path) }
        buffer.reserveCapacity(1 << 20)
    }

    func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try buffer.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                guard n > 0 else { throw SynthError.cannotWrite(path) }
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        Glibc.close(fd)
    }
}

/// Failures of a synth run (the data it writes never throws).
public enum SynthError: Error, CustomStringConvertible {
    case cannotWrite(String)
    case notEmpty(String)
    case badSettings(String)

    public var description: String {
        switch self {
        case .cannotWrite(let p): return "cannot write \(p)"
        case .notEmpty(let p): return "\(p) already holds files; give synth an empty or new folder"
        case .badSettings(let s): return s
        }
    }
}

/// Appends a CSV row (`,`, RFC 4180 quoting) to a byte buffer.
func appendCSVRow(_ cells: [String], to out: inout [UInt8]) {
    for (i, c) in cells.enumerated() {
        if i > 0 { out.append(44) }
        out.append(contentsOf: csvEscape(c).utf8)
    }
    out.append(10)
}
