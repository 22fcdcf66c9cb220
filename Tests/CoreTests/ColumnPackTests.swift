import Foundation
import Testing
import TimbangCore

/// Several column files in one: each column reads back as written, and a pack damaged
/// anywhere is refused whole.
@Suite struct ColumnPackTests {
    func pack() -> [UInt8] {
        var names = ColumnBuilder(.dictionary), days = ColumnBuilder(.int32), empty = ColumnBuilder(.string)
        for (k, n) in ["Mawar", "Melati", "Mawar"].enumerated() { names.append(n); days.append(Int32(19_000 + k)) }
        return ColumnPack.bytes([("posyandu", names.fileBytes()), ("measure_date", days.fileBytes()), ("none", empty.fileBytes())])
    }

    func write(_ bytes: [UInt8]) -> String {
        let p = NSTemporaryDirectory() + "timbang-pack-\(UUID().uuidString).pack"
        try! AtomicFile.write(bytes, to: p)
        return p
    }

    @Test func everyColumnReadsBackByName() throws {
        let columns = try ColumnPack.read(path: write(pack()))
        #expect(Set(columns.keys) == ["posyandu", "measure_date", "none"])
        let names = try #require(columns["posyandu"]), days = try #require(columns["measure_date"])
        let pool = names.pool()
        #expect((0..<names.rows).map { names.string($0, pool: pool) } == ["Mawar", "Melati", "Mawar"])
        #expect((0..<days.rows).map { days.int32($0) } == [19_000, 19_001, 19_002])
        #expect(columns["none"]?.rows == 0 && columns["none"]?.type == .string)
    }

    @Test(arguments: ["flipped byte", "cut", "grown", "empty"])
    func aDamagedPackIsRefused(_ damage: String) throws {
        let good = pack()
        var bytes = good
        switch damage {
        case "flipped byte": bytes[good.count - 1] ^= 0x01   // in the last column's payload: its CRC-32
        case "cut": bytes = Array(good.prefix(good.count - 5))
        case "grown": bytes.append(0)
        default: bytes = []
        }
        #expect(throws: TableError.self, "\(damage)") { try ColumnPack.read(path: write(bytes)) }
    }
}
