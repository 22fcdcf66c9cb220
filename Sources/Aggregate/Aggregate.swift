import TimbangCore
import Monitor

/// Settings of the aggregate stage.
public struct AggregateSettings: Sendable {
    public init() {}
}

/// The aggregate stage: prevalence, SKDN and data quality per unit and period.
public enum Aggregate {
    public static func run(records: [Record], monitor: [Table], settings: AggregateSettings) throws -> [Table] {
        [] // TODO(aggregate)
    }
}
