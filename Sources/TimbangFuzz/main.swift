import Foundation

// Built by scripts/fuzz.sh (`-D TIMBANG_FUZZ`, sanitizer coverage, libFuzzer linked): a
// libFuzzer binary for the target `$TIMBANG_FUZZ_TARGET`, taking libFuzzer's arguments.
// Otherwise (the normal build, or `replay` first): replays inputs through a target's checks,
// e.g. a crash reproducer or a whole corpus, without libFuzzer:
//   timbang-fuzz [replay] ingest|pipeline FILE-OR-FOLDER...
var args = Array(CommandLine.arguments.dropFirst())
#if TIMBANG_FUZZ
if args.first == "replay" { args.removeFirst() } else { exit(runLibFuzzer(targetFromEnvironment())) }
#endif
guard let name = args.first, let target = FuzzTarget(rawValue: name), args.count > 1 else {
    FileHandle.standardError.write(Data("usage: timbang-fuzz [replay] ingest|pipeline FILE-OR-FOLDER...\n".utf8))
    exit(64)
}
var inputs: [String] = []
for a in args.dropFirst() {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: a, isDirectory: &isDir), isDir.boolValue {
        inputs += ((try? FileManager.default.contentsOfDirectory(atPath: a)) ?? []).sorted().map { a + "/" + $0 }
    } else {
        inputs.append(a)
    }
}
for path in inputs {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(66)
    }
    target.run([UInt8](data))
}
print("\(target.rawValue): \(inputs.count) inputs replayed, every check held")
