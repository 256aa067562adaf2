import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining

/// ELSA's batch loss computed directly from its definition in Double, for finite differences.
/// A: items x d (raw); rows: b x items, the targets; inputRows: the input (default `rows`);
/// outputs: the output items; relu6 or relu.
func referenceLoss(parameters a: [Double], items: Int, dimension d: Int, rows: CSRMatrix, inputRows: CSRMatrix? = nil,
                   outputs: [Int], activation: Activation) -> Double {
    var normalized = a
    for i in 0..<items {
        var s = 0.0
        for j in 0..<d { s += a[i * d + j] * a[i * d + j] }
        let n = s.squareRoot()
        for j in 0..<d { normalized[i * d + j] = n > 0 ? a[i * d + j] / n : 0 }
    }
    var total = 0.0
    for u in 0..<rows.rows {
        let history = Set(rows.columns(ofRow: u).map(Int.init))
        let input = Set((inputRows ?? rows).columns(ofRow: u).map(Int.init))
        var h = [Double](repeating: 0, count: d)
        for i in input { for j in 0..<d { h[j] += normalized[i * d + j] } }
        var z = [Double](), y = [Double]()
        for o in outputs {
            var p = 0.0
            for j in 0..<d { p += h[j] * normalized[o * d + j] }
            let target = history.contains(o) ? 1.0 : 0.0
            if input.contains(o) { p -= 1 }   // P = x Â Âᵀ − x
            let activated = activation == .relu ? max(p, 0) : min(max(p, 0), 6)
            z.append(activated)
            y.append(target)
        }
        let zNorm = max(z.reduce(0) { $0 + $1 * $1 }, 1e-12).squareRoot()
        let yNorm = max(y.reduce(0) { $0 + $1 * $1 }, 1e-12).squareRoot()
        var loss = 0.0
        for j in z.indices { let diff = z[j] / zNorm - y[j] / yNorm; loss += diff * diff }
        total += loss / Double(outputs.count)
    }
    return total / Double(rows.rows)
}
