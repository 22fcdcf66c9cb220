import TimbangCore

/// Settings of the validate stage.
public struct ValidateSettings: Sendable {
    /// The run's as-of date: dates after it are `FUTURE_DATE`.
    public var asOf: Day
    public init(asOf: Day) { self.asOf = asOf }
}

/// The validate stage: one verdict (valid | invalid with reason) per record.
public enum Validate {
    public static func run(_ records: [Record], settings: ValidateSettings) -> [Record] {
        records // TODO(validate)
    }
}
