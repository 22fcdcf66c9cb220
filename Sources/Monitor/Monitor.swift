import TimbangCore

/// Settings of the monitor stage.
public struct MonitorSettings: Sendable {
    public var asOf: Day
    public init(asOf: Day) { self.asOf = asOf }
}

/// The monitor stage: one measurement per child per month, N/T/O/B, 2T, BGM, follow-up list.
public enum Monitor {
    public static func run(_ records: [Record], settings: MonitorSettings) throws -> [Table] {
        [] // TODO(monitor)
    }
}
