import Foundation
import ZIPFoundation

extension ExcelTables {
    /// All the text a workbook holds: its ZIP entries' XML, inflated and joined, in entry order
    /// (for the privacy scans of whole archives, where a workbook's compressed bytes would
    /// hide what it says).
    public static func xmlText(_ bytes: [UInt8]) throws -> String {
        let zip = try ZIPFoundation.Archive(data: Data(bytes), accessMode: .read)
        var out = ""
        for entry in zip where entry.type == .file {
            var data = Data()
            _ = try zip.extract(entry, skipCRC32: false) { data.append($0) }
            out += String(decoding: data, as: UTF8.self) + "\n"
        }
        return out
    }
}
