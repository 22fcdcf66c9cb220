import Foundation

/// Names of the tables a stage persisted.
public enum StageTables {
    /// The stage's CSV tables and, for a record stage, `records`; sorted.
    public static func names(store: StageStore, stage: Stage) throws -> [String] {
        guard let dir = store.current(stage) else {
            throw InputError("no persisted output of stage '\(stage.rawValue)' in \(store.folder(stage))")
        }
        var names = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }
        if store.hasRecords(stage) { names.append("records") }
        return names.sorted()
    }
}
