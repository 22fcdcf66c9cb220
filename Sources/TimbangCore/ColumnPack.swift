/// Several named column files in one file: for stores of many small tables (ingest's cache
/// of each input file's output), where a file per column would mean tens of thousands of
/// files.
///
/// Layout: column files (`ColumnFile`) end to end. The first is a `string` column of the
/// names of the ones after it, in order; each is checked as a column file of its own (magic,
/// version, length, CRC-32). A pack that is cut, grown or damaged anywhere is refused whole.
public enum ColumnPack {
    /// The pack of `columns` (name, column file bytes as `ColumnBuilder.fileBytes` gives them).
    public static func bytes(_ columns: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var index = ColumnBuilder(.string, capacity: columns.count)
        for c in columns { index.append(c.name) }
        var out = index.fileBytes()
        out.reserveCapacity(out.count + columns.reduce(0) { $0 + $1.bytes.count })
        for c in columns { out.append(contentsOf: c.bytes) }
        return out
    }

    /// The columns of the pack at `path`, by name, mapped (not copied).
    /// - Throws: `TableError` when the file cannot be read, a column is damaged, or the pack
    ///   holds more or fewer bytes than its columns.
    public static func read(path: String) throws -> [String: MappedColumn] {
        let m = try FileMapping(path: path, minimum: ColumnFile.headerSize, what: "column pack")
        var offset = 0
        func next(_ label: String, _ expect: ColumnType?) throws -> MappedColumn {
            guard m.length - offset >= ColumnFile.headerSize else {
                throw TableError("\(path): cut before column '\(label)'")
            }
            let payload = m.bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self).littleEndian
            guard payload <= UInt64(m.length - offset - ColumnFile.headerSize) else {
                throw TableError("\(path): column '\(label)' runs past the end of the pack")
            }
            let size = ColumnFile.headerSize + Int(payload)
            let c = try MappedColumn(mapping: m, offset: offset, length: size, path: path + ":" + label,
                                     expect: expect, verify: true)
            offset += size
            return c
        }
        let index = try next("(index)", .string)
        var out: [String: MappedColumn] = [:]
        for i in 0..<index.rows {
            let name = index.string(i, pool: [])
            out[name] = try next(name, nil)
        }
        guard offset == m.length else { throw TableError("\(path): \(m.length - offset) bytes after the last column") }
        return out
    }
}
