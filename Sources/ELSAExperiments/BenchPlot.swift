import Foundation

/// An SVG line plot of Recall@20 against bytes per item (log2 axis), one series per method,
/// with the uncompressed references as labelled horizontal lines. No external assets.
struct BenchPlot {
    let runs: [BenchRun]
    let budgets: [Int]
    let title: String

    static let palette = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79"]

    func svg() -> String {
        let width = 1040.0, height = 560.0
        let left = 70.0, right = 430.0, top = 50.0, bottom = 60.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let budgeted = runs.filter { $0.budget != nil }
        let references = runs.filter { $0.budget == nil }
        let values = runs.map(\.recall20).filter(\.isFinite)
        let yMax = min(1, ((values.max() ?? 1) * 1.1 * 20).rounded(.up) / 20)
        let yMin = max(0, ((values.min() ?? 0) * 0.9 * 20).rounded(.down) / 20)
        let xs = budgets.map { log2(Double($0)) }
        let xLow = (xs.min() ?? 6) - 0.3, xHigh = (xs.max() ?? 10) + 0.3
        func x(_ bytes: Int) -> Double { left + (log2(Double(bytes)) - xLow) / (xHigh - xLow) * plotWidth }
        func y(_ value: Double) -> Double { top + (1 - (value - yMin) / max(1e-9, yMax - yMin)) * plotHeight }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="28" font-size="16" font-weight="bold">\(escape(title))</text>

        """
        // Grid and axes.
        var tick = yMin
        while tick <= yMax + 1e-9 {
            out += "<line x1=\"\(left)\" y1=\"\(y(tick))\" x2=\"\(left + plotWidth)\" y2=\"\(y(tick))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(left - 8)\" y=\"\(y(tick) + 4)\" text-anchor=\"end\">\(String(format: "%.2f", tick))</text>\n"
            tick += (yMax - yMin) > 0.3 ? 0.1 : 0.05
        }
        for budget in budgets {
            out += "<line x1=\"\(x(budget))\" y1=\"\(top)\" x2=\"\(x(budget))\" y2=\"\(top + plotHeight)\" stroke=\"#f0f0f0\"/>\n"
            out += "<text x=\"\(x(budget))\" y=\"\(top + plotHeight + 18)\" text-anchor=\"middle\">\(budget) B</text>\n"
        }
        out += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 18)\" text-anchor=\"middle\">bytes per item vector (log scale)</text>\n"
        out += "<text x=\"18\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(top + plotHeight / 2))\">Recall@20</text>\n"
        // References.
        for (index, run) in references.enumerated() where run.recall20.isFinite && run.recall20 >= yMin {
            out += "<line x1=\"\(left)\" y1=\"\(y(run.recall20))\" x2=\"\(left + plotWidth)\" y2=\"\(y(run.recall20))\" stroke=\"#555\" stroke-dasharray=\"\(index == 0 ? "6 4" : "2 3")\"/>\n"
        }
        // Series.
        let methods = BenchOutputs.methods(of: runs)
        for (index, method) in methods.enumerated() {
            let color = BenchPlot.palette[index % BenchPlot.palette.count]
            let points = budgeted.filter { $0.method == method && $0.recall20.isFinite }.sorted { $0.budget! < $1.budget! }
            let path = points.map { "\(x($0.budget!)),\(y($0.recall20))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(index == 0 ? 3 : 1.8)\"/>\n"
            for point in points {
                out += "<circle cx=\"\(x(point.budget!))\" cy=\"\(y(point.recall20))\" r=\"4\" fill=\"\(color)\"><title>\(escape(method)) \(point.budget!) B: \(String(format: "%.4f", point.recall20))</title></circle>\n"
            }
        }
        // Legend.
        var legendY = top + 8
        let legendX = left + plotWidth + 20
        for (index, method) in methods.enumerated() {
            let color = BenchPlot.palette[index % BenchPlot.palette.count]
            out += "<line x1=\"\(legendX)\" y1=\"\(legendY)\" x2=\"\(legendX + 22)\" y2=\"\(legendY)\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(legendX + 28)\" y=\"\(legendY + 4)\">\(escape(method))</text>\n"
            legendY += 20
        }
        for (index, run) in references.enumerated() {
            out += "<line x1=\"\(legendX)\" y1=\"\(legendY)\" x2=\"\(legendX + 22)\" y2=\"\(legendY)\" stroke=\"#555\" stroke-dasharray=\"\(index == 0 ? "6 4" : "2 3")\"/>\n"
            out += "<text x=\"\(legendX + 28)\" y=\"\(legendY + 4)\">\(escape(run.method)) (\(run.bytesPerItem) B): \(String(format: "%.4f", run.recall20))</text>\n"
            legendY += 20
        }
        out += "</svg>\n"
        return out
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
