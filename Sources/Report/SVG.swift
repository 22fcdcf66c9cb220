import TimbangCore

/// Inline SVG charts for `report.html`: plain shapes and text, fixed sizes, coordinates
/// written with `formatFixed` (no locale), so the same data draws the same bytes.
enum SVG {
    static let width = 1000.0
    static let labelWidth = 230.0
    static let right = 150.0

    static func n(_ v: Double) -> String { formatFixed(v, decimals: 1) }

    static func open(height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(escapeXML(label))\">"
            + "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><rect width=\"3\" height=\"6\" fill=\"#cccccc\"/></pattern></defs>"
    }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "start", size: Int = 12, color: String = "#222") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\">\(escapeXML(s))</text>"
    }

    /// A scale maximum: the data's maximum rounded up to a multiple of 5 (at least 5).
    static func niceMax(_ values: [Double]) -> Double {
        let m = values.max() ?? 0
        return max(5, (m / 5).rounded(.up) * 5)
    }

    /// Vertical grid lines and their percentage labels.
    static func grid(x0: Double, plot: Double, top: Double, bottom: Double, max: Double) -> String {
        var s = ""
        let step = max <= 20 ? 5.0 : (max <= 50 ? 10.0 : 20.0)
        var v = 0.0
        while v <= max + 1e-9 {
            let x = x0 + plot * v / max
            s += "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(bottom))\" stroke=\"#e0e0e0\"/>"
            s += text(x, bottom + 14, formatFixed(v, decimals: 0) + " %", anchor: "middle", size: 11, color: "#555")
            v += step
        }
        return s
    }

    /// Horizontal grouped bars: one group per unit, one bar per series (percentages), each
    /// labelled with its value and n/d; suppressed values draw as a hatched stub marked S;
    /// `refs` draws a dashed line per series (the kabupaten value).
    static func groupedBars(items: [(label: String, values: [(pct: Double?, text: String, nd: String)])],
                            series: [(name: String, color: String)], refs: [Double?]) -> String {
        let bar = 11.0, gap = 10.0, top = 8.0
        let groupH = Double(series.count) * bar + gap
        let height = top + Double(items.count) * groupH + 24
        let plot = width - labelWidth - right
        let maxV = niceMax(items.flatMap { $0.values.compactMap(\.pct) } + refs.compactMap { $0 })
        var s = open(height: height, label: "bar chart")
        s += grid(x0: labelWidth, plot: plot, top: top, bottom: height - 22, max: maxV)
        for (i, item) in items.enumerated() {
            let y0 = top + Double(i) * groupH
            s += text(labelWidth - 8, y0 + Double(series.count) * bar / 2 + 4, item.label, anchor: "end")
            for (j, v) in item.values.enumerated() {
                let y = y0 + Double(j) * bar
                if let pct = v.pct {
                    let w = max(plot * pct / maxV, 0.5)
                    s += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(bar - 2))\" fill=\"\(series[j].color)\"/>"
                    s += text(labelWidth + w + 4, y + bar - 3, "\(v.text) % (\(v.nd))", size: 10, color: "#333")
                } else {
                    let suppressed = v.text == Suppression.marker
                    if suppressed {
                        s += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"18\" height=\"\(n(bar - 2))\" fill=\"url(#hatch)\" stroke=\"#999\" stroke-width=\"0.5\"/>"
                    }
                    s += text(labelWidth + (suppressed ? 22 : 4), y + bar - 3, suppressed ? "S (\(v.nd))" : "– (\(v.nd))", size: 10, color: "#777")
                }
            }
        }
        for (j, r) in refs.enumerated() {
            guard let r else { continue }
            let x = labelWidth + plot * r / maxV
            s += "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(height - 22))\" stroke=\"\(series[j].color)\" stroke-width=\"1.2\" stroke-dasharray=\"5,4\"/>"
        }
        return s + "</svg>\n"
    }

    /// Simple horizontal bars of counts (rejections by reason).
    static func simpleBars(items: [(label: String, value: Double?, text: String)], color: String) -> String {
        let bar = 18.0, top = 6.0
        let height = top + Double(items.count) * bar + 8
        let plot = width - labelWidth - right
        let maxV = max(1, items.compactMap(\.value).max() ?? 1)
        var s = open(height: height, label: "bar chart")
        for (i, item) in items.enumerated() {
            let y = top + Double(i) * bar
            s += text(labelWidth - 8, y + 12, item.label, anchor: "end", size: 11)
            if let v = item.value {
                let w = max(plot * v / maxV, 0.5)
                s += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(bar - 4))\" fill=\"\(color)\"/>"
                s += text(labelWidth + w + 4, y + 12, item.text, size: 11)
            } else {
                s += text(labelWidth + 4, y + 12, item.text.isEmpty ? "–" : item.text, size: 11, color: "#777")
            }
        }
        return s + "</svg>\n"
    }

    /// A line chart of percentages by month; a missing or suppressed month breaks the line.
    static func lines(labels: [String], series: [(name: String, color: String, values: [Double?])]) -> String {
        let height = 300.0, left = 60.0, top = 12.0, bottom = 250.0, plotW = width - left - 40
        let maxV = niceMax(series.flatMap { $0.values.compactMap { $0 } })
        let step = labels.count > 1 ? plotW / Double(labels.count - 1) : 0
        func x(_ i: Int) -> Double { labels.count > 1 ? left + Double(i) * step : left + plotW / 2 }
        func y(_ v: Double) -> Double { bottom - (bottom - top) * v / maxV }
        var s = open(height: height, label: "line chart")
        let gridStep = maxV <= 20 ? 5.0 : (maxV <= 50 ? 10.0 : 20.0)
        var v = 0.0
        while v <= maxV + 1e-9 {
            s += "<line x1=\"\(n(left))\" y1=\"\(n(y(v)))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y(v)))\" stroke=\"#e0e0e0\"/>"
            s += text(left - 6, y(v) + 4, formatFixed(v, decimals: 0) + " %", anchor: "end", size: 11, color: "#555")
            v += gridStep
        }
        let every = max(1, labels.count / 12)
        for (i, l) in labels.enumerated() where i % every == 0 || i == labels.count - 1 {
            s += text(x(i), bottom + 16, l, anchor: "middle", size: 11, color: "#555")
        }
        for sr in series {
            var path = ""
            var pen = false
            for (i, v) in sr.values.enumerated() {
                guard let v else { pen = false; continue }
                path += (pen ? " L" : " M") + "\(n(x(i))) \(n(y(v)))"
                pen = true
                s += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"3\" fill=\"\(sr.color)\"/>"
            }
            if !path.isEmpty {
                s += "<path d=\"\(path.dropFirst())\" fill=\"none\" stroke=\"\(sr.color)\" stroke-width=\"2\"/>"
            }
        }
        return s + "</svg>\n"
    }

    /// A z-score histogram as densities (count / (n × bin width)) under the standard normal
    /// curve; suppressed bins are hatched at the height of the axis band.
    static func histogram(bins: [(lo: Double, hi: Double, count: Int?)]) -> String {
        let w = 320.0, h = 220.0, left = 30.0, top = 10.0, bottom = 190.0, plotW = w - left - 10
        let lo = -6.0, hi = 6.0
        let total = Double(bins.compactMap(\.count).reduce(0, +))
        let densities = bins.map { b -> Double? in
            guard let c = b.count, total > 0 else { return nil }
            return Double(c) / (total * (b.hi - b.lo))
        }
        let maxD = max(0.45, densities.compactMap { $0 }.max() ?? 0)
        func x(_ z: Double) -> Double { left + plotW * (z - lo) / (hi - lo) }
        func y(_ d: Double) -> Double { bottom - (bottom - top) * d / maxD }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(w))\" height=\"\(n(h))\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\" aria-label=\"histogram\">"
        s += "<defs><pattern id=\"hatchz\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><rect width=\"3\" height=\"6\" fill=\"#cccccc\"/></pattern></defs>"
        s += "<line x1=\"\(n(left))\" y1=\"\(n(bottom))\" x2=\"\(n(left + plotW))\" y2=\"\(n(bottom))\" stroke=\"#888\"/>"
        for z in stride(from: -6.0, through: 6.0, by: 2.0) {
            s += "<line x1=\"\(n(x(z)))\" y1=\"\(n(top))\" x2=\"\(n(x(z)))\" y2=\"\(n(bottom))\" stroke=\"\(z == 0 ? "#bbb" : "#eee")\"/>"
            s += text(x(z), bottom + 14, formatFixed(z, decimals: 0), anchor: "middle", size: 10, color: "#555")
        }
        for (i, b) in bins.enumerated() where b.lo >= lo && b.hi <= hi {
            let x0 = x(b.lo), bw = x(b.hi) - x(b.lo)
            if let d = densities[i] {
                s += "<rect x=\"\(n(x0))\" y=\"\(n(y(d)))\" width=\"\(n(bw))\" height=\"\(n(bottom - y(d)))\" fill=\"#85c1e9\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>"
            } else if b.count == nil {
                s += "<rect x=\"\(n(x0))\" y=\"\(n(bottom - 8))\" width=\"\(n(bw))\" height=\"8\" fill=\"url(#hatchz)\"/>"
            }
        }
        var path = ""
        for k in 0...120 {
            let z = lo + (hi - lo) * Double(k) / 120
            let d = 0.3989422804014327 * expApprox(-z * z / 2)
            path += (k == 0 ? "M" : " L") + "\(n(x(z))) \(n(y(d)))"
        }
        s += "<path d=\"\(path)\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.8\"/>"
        return s + "</svg>"
    }

    /// e^x from a fixed series (range-reduced), so the curve's bytes do not depend on the C library.
    static func expApprox(_ x: Double) -> Double {
        // e^x = (e^(x/2^k))^(2^k) with a Taylor series for the small argument.
        let k = 8
        let r = x / Double(1 << k)
        var term = 1.0, sum = 1.0
        for i in 1...12 { term *= r / Double(i); sum += term }
        for _ in 0..<k { sum *= sum }
        return sum
    }
}
