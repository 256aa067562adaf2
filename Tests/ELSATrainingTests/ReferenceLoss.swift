import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining

/// ELSA's batch loss computed directly from its definition in Double, for finite differences.
/// A: items x d (raw); rows: b x items, the targets; inputRows: the input (default `rows`);
/// outputs: the output items; relu6 or relu. With `teacher` (a raw items x d_t matrix and a weight w), each
/// user's loss is (1 − w) L(z, y) + w L(z, t) with t the teacher's activated prediction.
func referenceLoss(parameters a: [Double], items: Int, dimension d: Int, rows: CSRMatrix, inputRows: CSRMatrix? = nil,
                   outputs: [Int], activation: Activation, teacher: (parameters: [Double], dimension: Int, weight: Double)? = nil) -> Double {
    var total = 0.0
    for u in 0..<rows.rows {
        let history = Set(rows.columns(ofRow: u).map(Int.init))
        let input = Set((inputRows ?? rows).columns(ofRow: u).map(Int.init))
        let z = referencePredictions(parameters: a, items: items, dimension: d, input: input, outputs: outputs, activation: activation)
        let y = outputs.map { history.contains($0) ? 1.0 : 0.0 }
        var loss = unitDistanceSquared(z, y) / Double(outputs.count)
        if let teacher {
            let t = referencePredictions(parameters: teacher.parameters, items: items, dimension: teacher.dimension, input: input,
                                         outputs: outputs, activation: activation)
            loss = (1 - teacher.weight) * loss + teacher.weight * unitDistanceSquared(z, t) / Double(outputs.count)
        }
        total += loss
    }
    return total / Double(rows.rows)
}

/// One user's activated predictions activation(x Â Âᵀ − x) over `outputs`, in Double (A raw, items x d).
func referencePredictions(parameters a: [Double], items: Int, dimension d: Int, input: Set<Int>, outputs: [Int],
                          activation: Activation) -> [Double] {
    var normalized = a
    for i in 0..<items {
        var s = 0.0
        for j in 0..<d { s += a[i * d + j] * a[i * d + j] }
        let n = s.squareRoot()
        for j in 0..<d { normalized[i * d + j] = n > 0 ? a[i * d + j] / n : 0 }
    }
    var h = [Double](repeating: 0, count: d)
    for i in input { for j in 0..<d { h[j] += normalized[i * d + j] } }
    return outputs.map { o in
        var p = 0.0
        for j in 0..<d { p += h[j] * normalized[o * d + j] }
        if input.contains(o) { p -= 1 }   // P = x Â Âᵀ − x
        return activation == .relu ? max(p, 0) : min(max(p, 0), 6)
    }
}

/// ‖z/‖z‖ − y/‖y‖‖² with each norm guarded as √max(Σ², 1e-12).
private func unitDistanceSquared(_ z: [Double], _ y: [Double]) -> Double {
    let zNorm = max(z.reduce(0) { $0 + $1 * $1 }, 1e-12).squareRoot()
    let yNorm = max(y.reduce(0) { $0 + $1 * $1 }, 1e-12).squareRoot()
    var loss = 0.0
    for j in z.indices { let diff = z[j] / zNorm - y[j] / yNorm; loss += diff * diff }
    return loss
}
