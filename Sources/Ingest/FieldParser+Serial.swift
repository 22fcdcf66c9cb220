extension FieldParser {
    /// The `No` column as a number: `1.` and `1 .` (e-PPGBM's raw export) → `1`; anything
    /// else is kept as written.
    static func serialNumber(_ b: Bytes) -> Bytes {
        var digits = 0
        while digits < b.count, b[digits] >= 48, b[digits] <= 57 { digits += 1 }
        guard digits > 0, digits < b.count else { return b }
        var i = digits
        while i < b.count, b[i] == 32 { i += 1 }
        guard i == b.count - 1, b[i] == 46 else { return b }
        return Bytes(base: b.base, count: digits)
    }
}
