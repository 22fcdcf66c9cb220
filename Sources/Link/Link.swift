import TimbangCore

/// Settings of the link stage.
public struct LinkSettings: Sendable {
    /// The HMAC-SHA256 key for child keys (never written out).
    public var key: [UInt8]
    public init(key: [UInt8]) { self.key = key }
}

/// What link produces.
public struct LinkResult: Sendable {
    public var records: [Record]
    /// Summary tables (per file, per posyandu, birth-date disagreements, ...).
    public var tables: [Table]
    public init(records: [Record], tables: [Table]) { self.records = records; self.tables = tables }
}

/// The link stage: duplicates, child identity, reconciled birth dates.
public enum Link {
    public static func run(_ records: [Record], settings: LinkSettings) -> LinkResult {
        LinkResult(records: records, tables: []) // TODO(link)
    }
}
