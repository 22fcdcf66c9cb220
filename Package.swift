// swift-tools-version: 6.0
import PackageDescription

// One library target per pipeline stage, a small core, C shims, the CLI.
// A stage imports TimbangCore and nothing downstream of it.
let package = Package(
    name: "timbang",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "timbang", targets: ["timbang"]),
        // libFuzzer targets (scripts/fuzz.sh builds them with -sanitize=fuzzer); a normal
        // build makes the replayer that runs inputs through the same checks.
        .executable(name: "timbang-fuzz", targets: ["TimbangFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(name: "CCSV", path: "Sources/CCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "CZlibSystem", path: "Sources/CZlibSystem", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "TimbangCore", dependencies: [
            "CCSV", "CZlibSystem",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Ingest", dependencies: [
            "TimbangCore", "CCSV", "CZlibSystem", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .target(name: "Validate", dependencies: ["TimbangCore"]),
        .target(name: "Link", dependencies: ["TimbangCore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Growth", dependencies: ["TimbangCore"]),
        .target(name: "Monitor", dependencies: ["TimbangCore"]),
        .target(name: "Aggregate", dependencies: ["TimbangCore", "Monitor"]),
        .target(name: "Report", dependencies: [
            "TimbangCore", "CZlibSystem", .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Synth", dependencies: ["TimbangCore", "Growth", "CZlibSystem"]),
        .target(name: "Pipeline", dependencies: [
            "TimbangCore", "Ingest", "Validate", "Link", "Growth", "Monitor", "Aggregate", "Report",
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "timbang", dependencies: [
            "TimbangCore", "Pipeline", "Ingest", "CZlibSystem", "Growth", "Synth", "Report", "Monitor", "Aggregate",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "TimbangFuzz", dependencies: [
            "TimbangCore", "Ingest", "Validate", "Link", "Growth", "Monitor", "Aggregate",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "CoreTests", dependencies: ["TimbangCore"]),
        .testTarget(name: "IngestTests", dependencies: [
            "Ingest", "TimbangCore", "CZlibSystem", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "ValidateTests", dependencies: ["Validate", "TimbangCore"]),
        .testTarget(name: "LinkTests", dependencies: ["Link", "TimbangCore"]),
        .testTarget(name: "GrowthTests", dependencies: ["Growth", "TimbangCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "TimbangCore"]),
        .testTarget(name: "AggregateTests", dependencies: ["Aggregate", "Monitor", "TimbangCore"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "TimbangCore"]),
        .testTarget(name: "SynthTests", dependencies: ["Synth", "Growth", "TimbangCore"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Synth", "TimbangCore", "Ingest", "Validate"]),
    ]
)
