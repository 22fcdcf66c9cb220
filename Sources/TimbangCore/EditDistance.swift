/// Optimal-string-alignment distance between two byte strings (insertions, deletions,
/// substitutions and transpositions of neighbours, each 1), or `bound + 1` as soon as it must
/// exceed `bound`. timbang's one edit distance: name variants in link, "did you mean" for
/// pipeline keys.
public func editDistance(_ x: [UInt8], _ y: [UInt8], bound: Int = 1 << 20) -> Int {
    let n = x.count, m = y.count
    if n == 0 || m == 0 { return min(max(n, m), bound + 1) }
    var prev2 = [Int](repeating: 0, count: m + 1)
    var prev = Array(0...m)
    var cur = [Int](repeating: 0, count: m + 1)
    for i in 1...n {
        cur[0] = i
        var rowMin = cur[0]
        for j in 1...m {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { v = min(v, prev2[j - 2] + 1) }
            cur[j] = v
            rowMin = min(rowMin, v)
        }
        if rowMin > bound { return bound + 1 }
        (prev2, prev, cur) = (prev, cur, prev2)
    }
    return min(prev[m], bound + 1)
}
