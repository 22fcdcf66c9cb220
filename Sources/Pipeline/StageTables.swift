import Foundation

/// Names of the tables a stage persisted.
public enum StageTables {
    public static func names(store: StageStore, stage: Stage) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.folder(stage))
            .filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
    }
}
