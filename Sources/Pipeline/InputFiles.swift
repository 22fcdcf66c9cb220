import Foundation
import TimbangCore
import Ingest

/// Lists the dumps a pipeline names: folders (recursively), files and globs; `.csv`,
/// `.csv.gz`, `.xlsx` and `.xls` (any case; a `.xls` is listed so that ingest can say to save
/// it as `.xlsx` or CSV, and a name that hides a ZIP or gzip is still read by its bytes). Sorted by name, so the file-system order never matters.
public enum InputFiles {
    public static func resolve(_ inputs: [String]) throws -> [InputFile] {
        var out: [InputFile] = []
        for input in inputs {
            if input.contains("*") || input.contains("?") || input.contains("[") {
                for path in glob(input).sorted() where isDump(path) {
                    out.append(InputFile(path: path, name: lastComponent(path)))
                }
            } else if isDirectory(input) {
                let fm = FileManager.default
                guard canList(input), let e = fm.enumerator(atPath: input) else {
                    throw InputError("cannot list input folder \(input): \(String(cString: strerror(errno)))")
                }
                var rel: [String] = []
                while let p = e.nextObject() as? String {
                    // A folder named `x.csv` is listed too: ingest says it is not a file (a finding).
                    if isDump(p) { rel.append(p); continue }
                    // A folder that cannot be listed (the enumerator passes over it without a
                    // word) is listed itself: ingest cannot open it, a FILE_UNREADABLE finding,
                    // so dumps in it are never silently left out.
                    var st = stat()
                    if lstat(input + "/" + p, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, !canList(input + "/" + p) { rel.append(p) }
                }
                for p in rel.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    out.append(InputFile(path: input + "/" + p, name: p))
                }
            } else {
                out.append(InputFile(path: input, name: lastComponent(input)))
            }
        }
        // Names must be unique (they are the provenance): fall back to the path as given.
        var seen: [String: Int] = [:]
        for f in out { seen[f.name, default: 0] += 1 }
        out = out.map { seen[$0.name]! > 1 ? InputFile(path: $0.path, name: $0.path) : $0 }
        return out.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// The folder can be opened for listing (by this process, with its rights).
    static func canList(_ folder: String) -> Bool {
        guard let d = opendir(folder) else { return false }
        closedir(d)
        return true
    }

    static func isDump(_ p: String) -> Bool {
        let l = p.lowercased()
        return l.hasSuffix(".csv") || l.hasSuffix(".csv.gz") || l.hasSuffix(".xlsx") || l.hasSuffix(".xls")
    }

    static func lastComponent(_ p: String) -> String {
        p.split(separator: "/").last.map(String.init) ?? p
    }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out
    }
}
