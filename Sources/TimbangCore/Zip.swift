/// A ZIP file (PKWARE APPNOTE 6.3) written in memory, entry by entry: the container of the
/// Excel workbooks. Every entry is deflated through `Gzip.RawStream` (the parallel blocks of the
/// archives' gzip), so the bytes depend only on the names, the contents and `level`.
///
/// Nothing in it depends on the clock or the machine: every entry's time is 1980-01-01 00:00
/// (the earliest DOS date), no extra fields, no comments, attributes 0, "made by" MS-DOS 2.0.
/// Names are relative, `/`-separated UTF-8 (bit 11). Without ZIP64, an entry or the whole file
/// over 4 GiB, or more than 65,535 entries, is refused (`Failure`), never written wrong.
public struct Zip {
    /// The entry's name is not safe or the container outgrows the plain ZIP format.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The file so far: local headers and entry data; the central directory is added by `finish`.
    var bytes: [UInt8] = []
    var directory: [UInt8] = []
    var count = 0
    let level: Int32
    let threads: Int

    /// - Parameters:
    ///   - level: zlib's compression level of every entry.
    ///   - threads: for the blocks of each entry (the bytes are the same whatever it is).
    public init(level: Int32 = Gzip.level, threads: Int = Int.max) {
        self.level = level
        self.threads = threads
    }

    /// DOS time 00:00:00 and date 1980-01-01 (year 0 from 1980, month 1, day 1).
    static let dosTime: UInt16 = 0, dosDate: UInt16 = 0x21
    static let maxSize = Int(UInt32.max)

    /// Adds one entry whose content `produce` writes into the stream it is given.
    public mutating func add(_ name: String, _ produce: (inout Gzip.RawStream) throws -> Void) throws {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0.isEmpty }),
              !name.utf8.contains(0), name.utf8.count <= Int(UInt16.max) else {
            throw Failure(description: "unsafe ZIP entry name '\(name)'")
        }
        guard count < Int(UInt16.max) else { throw Failure(description: "more than 65,535 ZIP entries") }
        var data: [UInt8] = []
        var stream = Gzip.RawStream(threads: threads, level: level) { data += $0 }
        try produce(&stream)
        try stream.finish()
        guard stream.total <= Zip.maxSize, data.count <= Zip.maxSize else {
            throw Failure(description: "ZIP entry '\(name)' is over 4 GiB (ZIP64 is not written)")
        }
        let offset = bytes.count
        guard offset <= Zip.maxSize else { throw Failure(description: "the ZIP file passes 4 GiB (ZIP64 is not written)") }
        let nameBytes = Array(name.utf8)
        let crc = UInt32(truncatingIfNeeded: stream.crc)
        // local file header
        Zip.put32(&bytes, 0x0403_4b50)
        Zip.put16(&bytes, 20)                      // version needed: 2.0 (deflate)
        Zip.put16(&bytes, 1 << 11)                 // flags: UTF-8 names
        Zip.put16(&bytes, 8)                       // method: deflate
        Zip.put16(&bytes, Zip.dosTime); Zip.put16(&bytes, Zip.dosDate)
        Zip.put32(&bytes, crc)
        Zip.put32(&bytes, UInt32(data.count)); Zip.put32(&bytes, UInt32(stream.total))
        Zip.put16(&bytes, UInt16(nameBytes.count)); Zip.put16(&bytes, 0)
        bytes += nameBytes
        bytes += data
        // its central directory record
        Zip.put32(&directory, 0x0201_4b50)
        Zip.put16(&directory, 20)                  // made by: MS-DOS, 2.0
        Zip.put16(&directory, 20)
        Zip.put16(&directory, 1 << 11)
        Zip.put16(&directory, 8)
        Zip.put16(&directory, Zip.dosTime); Zip.put16(&directory, Zip.dosDate)
        Zip.put32(&directory, crc)
        Zip.put32(&directory, UInt32(data.count)); Zip.put32(&directory, UInt32(stream.total))
        Zip.put16(&directory, UInt16(nameBytes.count))
        Zip.put16(&directory, 0); Zip.put16(&directory, 0)   // extra, comment
        Zip.put16(&directory, 0); Zip.put16(&directory, 0)   // disk, internal attributes
        Zip.put32(&directory, 0)                   // external attributes
        Zip.put32(&directory, UInt32(offset))
        directory += nameBytes
        count += 1
    }

    /// Adds one entry of the given bytes.
    public mutating func add(_ name: String, bytes content: [UInt8]) throws {
        try add(name) { try $0.write(content) }
    }

    /// The whole file: the entries, the central directory and its end record.
    public consuming func finish() throws -> [UInt8] {
        let at = bytes.count
        guard at + directory.count <= Zip.maxSize else { throw Failure(description: "the ZIP file passes 4 GiB (ZIP64 is not written)") }
        bytes += directory
        Zip.put32(&bytes, 0x0605_4b50)
        Zip.put16(&bytes, 0); Zip.put16(&bytes, 0)             // this disk, the directory's disk
        Zip.put16(&bytes, UInt16(count)); Zip.put16(&bytes, UInt16(count))
        Zip.put32(&bytes, UInt32(directory.count)); Zip.put32(&bytes, UInt32(at))
        Zip.put16(&bytes, 0)                                   // comment
        return bytes
    }

    static func put16(_ out: inout [UInt8], _ v: UInt16) {
        out.append(UInt8(v & 0xff)); out.append(UInt8(v >> 8))
    }

    static func put32(_ out: inout [UInt8], _ v: UInt32) {
        out.append(UInt8(v & 0xff)); out.append(UInt8(v >> 8 & 0xff)); out.append(UInt8(v >> 16 & 0xff)); out.append(UInt8(v >> 24))
    }
}
