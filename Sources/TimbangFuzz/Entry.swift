import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// Which target a libFuzzer run fuzzes: `$TIMBANG_FUZZ_TARGET` (`ingest` when unset).
func targetFromEnvironment() -> FuzzTarget {
    guard let v = getenv("TIMBANG_FUZZ_TARGET") else { return .ingest }
    guard let t = FuzzTarget(rawValue: String(cString: v)) else {
        fatalError("TIMBANG_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return t
}

#if TIMBANG_FUZZ
/// libFuzzer's driver (from `libclang_rt.fuzzer_no_main`, which scripts/fuzz.sh links): it
/// parses libFuzzer's flags from `argv` and calls `callback` with each input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The target this process fuzzes (read once, before the first input).
nonisolated(unsafe) var fuzzing: FuzzTarget = .ingest

/// Hands the process to libFuzzer with every input going to `target`; its exit status.
func runLibFuzzer(_ target: FuzzTarget) -> CInt {
    fuzzing = target
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzing.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
#endif
