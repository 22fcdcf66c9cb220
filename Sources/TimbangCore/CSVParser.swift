import CCSV

/// A streaming CSV parser on libcsv: feed bytes in chunks, get fields and record ends.
///
/// Fields arrive as raw bytes (no String per field unless the caller makes one).
/// Strict RFC 4180 mode is off: libcsv tolerates stray quotes the way spreadsheets write them.
public final class CSVParser {
    public typealias FieldHandler = (UnsafeRawBufferPointer) -> Void
    public typealias RecordHandler = (Int32) -> Void

    private var parser = csv_parser()
    private let box: Box

    final class Box {
        var onField: FieldHandler
        var onRecord: RecordHandler
        init(onField: @escaping FieldHandler, onRecord: @escaping RecordHandler) {
            self.onField = onField; self.onRecord = onRecord
        }
    }

    /// - Parameters:
    ///   - delimiter: field separator byte (`,` or `;`).
    ///   - onField: called once per field with its unquoted bytes (valid only during the call).
    ///   - onRecord: called at each record end with the terminating byte (-1 at end of input).
    public init(delimiter: UInt8 = 44, onField: @escaping FieldHandler, onRecord: @escaping RecordHandler) {
        box = Box(onField: onField, onRecord: onRecord)
        csv_init(&parser, 0)
        csv_set_delim(&parser, delimiter)
    }

    deinit { csv_free(&parser) }

    /// Feeds a chunk. Returns false when libcsv reports an error (memory).
    @discardableResult
    public func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        let ctx = Unmanaged.passUnretained(box).toOpaque()
        let n = csv_parse(&parser, base, bytes.count, csvFieldCallback, csvRecordCallback, ctx)
        return n == bytes.count
    }

    /// Flushes the last record (one with no final newline).
    public func finish() {
        let ctx = Unmanaged.passUnretained(box).toOpaque()
        csv_fini(&parser, csvFieldCallback, csvRecordCallback, ctx)
    }
}

private func csvFieldCallback(_ data: UnsafeMutableRawPointer?, _ len: Int, _ ctx: UnsafeMutableRawPointer?) {
    let box = Unmanaged<CSVParser.Box>.fromOpaque(ctx!).takeUnretainedValue()
    box.onField(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : len))
}

private func csvRecordCallback(_ c: Int32, _ ctx: UnsafeMutableRawPointer?) {
    let box = Unmanaged<CSVParser.Box>.fromOpaque(ctx!).takeUnretainedValue()
    box.onRecord(c)
}

extension Table {
    /// Parses CSV text written by `csv()` (first row = header) back into a table.
    public init(name: String, csv text: String) throws {
        var rows: [[String]] = []
        var current: [String] = []
        let parser = CSVParser(delimiter: 44, onField: { buf in
            current.append(String(decoding: buf, as: UTF8.self))
        }, onRecord: { _ in
            rows.append(current)
            current.removeAll(keepingCapacity: true)
        })
        var t = text
        t.withUTF8 { _ = parser.feed(UnsafeRawBufferPointer($0)) }
        parser.finish()
        guard let header = rows.first else { throw TableError("table \(name): no header") }
        let body = rows.dropFirst()
        for (i, r) in body.enumerated() where r.count != header.count {
            throw TableError("table \(name): row \(i + 1) has \(r.count) cells, header has \(header.count)")
        }
        self.init(name: name, columns: header, rows: Array(body))
    }
}
