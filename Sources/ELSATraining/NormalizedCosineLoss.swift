import Dispatch
import ELSALinearAlgebra
import ELSASparse

/// ELSA's training loss: per user row, L = mean_j (ẑ_j − ŷ_j)² = (2 − 2 cos(z, y)) / n_out
/// with z = activation(P), averaged over the batch; and its gradient with respect to P.
///
/// Works in the batch-transposed layout of the training step: `predictions` holds
/// (x Â Âᵀ)ᵀ over the output rows (n_out x b, the batch dimension contiguous); the
/// kernel subtracts the targets (P = x Â Âᵀ − x) and overwrites it with
/// G = dL/dP (zero where the activation blocks the gradient). The targets are the
/// batch rows with their columns given as output rows (`targetRows`, b rows over n_out);
/// the input x is the same rows, or a subset of their entries under input dropout (`inputRows`).
///
/// With ‖z‖ guarded as √max(Σz², 1e-12) (as Keras's l2_normalize does):
/// dL/dz_u = (2 / (b n ‖z‖)) (ẑ (ẑ·ŷ) − ŷ) = α_u z − β_u y,
/// α_u = 2 (z·y) / (b n ‖z‖³ ‖y‖), β_u = 2 / (b n ‖z‖ ‖y‖).
///
/// Distillation (not in the paper): with a teacher's activated predictions t over the same
/// outputs and a weight w, each row's loss is (1 − w) L(z, y) + w L(z, t), the same cosine
/// loss against both targets, and G = ((1 − w) α_u + w α'_u) z − (1 − w) β_u y − w β'_u t with
/// α', β' the coefficients above for t (a row whose t is all zero adds ‖ẑ‖²/n and no gradient).
public enum NormalizedCosineLoss {
    /// Overwrites `predictions` (Pᵀ) with dL/dP and returns the batch's mean loss.
    /// Users are split into contiguous ranges per thread, so the result does not depend on `threads`.
    /// - Precondition: `targetRows.rows == predictions.columns`, `targetRows.columns == predictions.rows`,
    ///   and `inputRows` (default `targetRows`) has the same shape.
    /// With `teacher` (activated teacher predictions, `predictions`' shape), the loss mixes in the teacher's
    /// target with weight `teacher.weight` (see above).
    ///
    /// Item-sharded (`communicator`): `predictions` holds this process's outputs only and `outputCount` is the number of
    /// outputs over all processes; the per-user sums the loss needs (Σ z², z·y, |y|, and with a teacher z·t and Σ t²) are
    /// summed across the processes before the gradient is formed, and every process returns the same loss.
    public static func gradient(predictions: inout DenseMatrix, targetRows: CSRMatrix, inputRows: CSRMatrix? = nil,
                                teacher: TeacherTargets? = nil, activation: Activation, threads: Int,
                                communicator: ShardCommunicator? = nil, outputCount: Int? = nil) -> Double {
        let outputs = predictions.rows, users = predictions.columns
        if let teacher {
            precondition(teacher.predictions.rows == outputs && teacher.predictions.columns == users,
                         "teacher predictions must be \(outputs) x \(users), got \(teacher.predictions.rows) x \(teacher.predictions.columns)")
        }
        let teacherWeight = teacher?.weight ?? 0
        precondition(targetRows.rows == users && targetRows.columns == outputs,
                     "targets must be \(users) x \(outputs), got \(targetRows.rows) x \(targetRows.columns)")
        let inputRows = inputRows ?? targetRows
        precondition(inputRows.rows == users && inputRows.columns == outputs,
                     "inputs must be \(users) x \(outputs), got \(inputRows.rows) x \(inputRows.columns)")
        if users == 0 { return 0 }
        let allOutputs = Double(outputCount ?? outputs)
        let slots = max(1, min(threads, users / 8))
        var losses = [Double](repeating: 0, count: users)
        // Per user: Σ z², z·y, |y| and, with a teacher, z·t and Σ t² (summed across shards when sharded).
        let sums = teacher == nil ? 3 : 5
        var userSums = [Double](repeating: 0, count: sums * users)
        predictions.storage.withUnsafeMutableBufferPointer { p in
        losses.withUnsafeMutableBufferPointer { lossBuffer in
        userSums.withUnsafeMutableBufferPointer { sumBuffer in
        targetRows.rowOffsets.withUnsafeBufferPointer { offsets in
        targetRows.columnIndices.withUnsafeBufferPointer { targets in
        inputRows.rowOffsets.withUnsafeBufferPointer { inputOffsets in
        inputRows.columnIndices.withUnsafeBufferPointer { inputs in
        (teacher?.predictions.storage ?? []).withUnsafeBufferPointer { teacherBuffer in
            let shared = Shared(p: p.baseAddress!, losses: lossBuffer.baseAddress!, sums: sumBuffer.baseAddress!, offsets: offsets,
                                targets: targets, inputOffsets: inputOffsets, inputs: inputs,
                                t: teacher == nil ? nil : teacherBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: slots) { slot in
                let lower = users * slot / slots, upper = users * (slot + 1) / slots
                let width = upper - lower
                var squares = [Float](repeating: 0, count: width)
                // P = x Â Âᵀ − x: subtract the input's own items.
                for user in lower..<upper {
                    for q in shared.inputOffsets[user]..<shared.inputOffsets[user + 1] {
                        shared.p[Int(shared.inputs[q]) * users + user] -= 1
                    }
                }
                // z = activation(P) in place, Σ z² per user (eight users per SIMD vector; each
                // user's sum runs over the outputs in order, so it does not depend on the split).
                squares.withUnsafeMutableBufferPointer { squareBuffer in
                    let sums = squareBuffer.baseAddress!
                    for o in 0..<outputs {
                        let row = shared.p + o * users + lower
                        var u = 0
                        while u + 8 <= width {
                            let z = activate(load8(row + u), activation)
                            store8(z, row + u)
                            store8(load8(sums + u) + z * z, sums + u)
                            u += 8
                        }
                        while u < width {
                            let z = activation.apply(row[u]).value
                            row[u] = z
                            sums[u] += z * z
                            u += 1
                        }
                    }
                }
                // With a teacher: z·t and Σ t² per user (eight users per SIMD vector, in output order).
                var teacherDots = [Float](repeating: 0, count: shared.t == nil ? 0 : width)
                var teacherSquares = teacherDots
                if let t = shared.t {
                    teacherDots.withUnsafeMutableBufferPointer { dotBuffer in
                    teacherSquares.withUnsafeMutableBufferPointer { squareBuffer in
                        let dots = dotBuffer.baseAddress!, sums = squareBuffer.baseAddress!
                        for o in 0..<outputs {
                            let z = shared.p + o * users + lower, target = t + o * users + lower
                            var u = 0
                            while u + 8 <= width {
                                let tv = load8(target + u)
                                store8(load8(dots + u) + load8(z + u) * tv, dots + u)
                                store8(load8(sums + u) + tv * tv, sums + u)
                                u += 8
                            }
                            while u < width {
                                dots[u] += z[u] * target[u]
                                sums[u] += target[u] * target[u]
                                u += 1
                            }
                        }
                    }}
                }
                for u in 0..<width {
                    let user = lower + u
                    var zy: Double = 0
                    for q in shared.offsets[user]..<shared.offsets[user + 1] {
                        zy += Double(shared.p[Int(shared.targets[q]) * users + user])
                    }
                    shared.sums[user] = Double(squares[u])
                    shared.sums[users + user] = zy
                    shared.sums[2 * users + user] = Double(shared.offsets[user + 1] - shared.offsets[user])
                    if shared.t != nil {
                        shared.sums[3 * users + user] = Double(teacherDots[u])
                        shared.sums[4 * users + user] = Double(teacherSquares[u])
                    }
                }
            }
            communicator?.sum(sumBuffer)
            DispatchQueue.concurrentPerform(iterations: slots) { slot in
                let lower = users * slot / slots, upper = users * (slot + 1) / slots
                let width = upper - lower
                // G = α z − γ t − β y where the activation passes the gradient, else 0.
                var alpha = [Float](repeating: 0, count: width)
                var beta = [Float](repeating: 0, count: width)
                var gamma = [Float](repeating: 0, count: shared.t == nil ? 0 : width)
                let scale = 2 / (Double(users) * allOutputs)
                for u in 0..<width {
                    let user = lower + u
                    let squares = Float(shared.sums[user]), zy = shared.sums[users + user]
                    let count = shared.sums[2 * users + user]
                    let zNorm = Double(max(squares, 1e-12)).squareRoot()
                    let yNorm = count.squareRoot()
                    let zUnitSquared = Double(squares) / (zNorm * zNorm)
                    var loss: Double
                    if count == 0 {
                        // No positives among the outputs: ŷ = 0 (Keras's guarded normalization), L = ‖ẑ‖²/n,
                        // and ‖ẑ‖ is constant in z: no gradient.
                        loss = zUnitSquared / allOutputs
                    } else {
                        let cosine = zy / (zNorm * yNorm)
                        loss = (zUnitSquared - 2 * cosine + 1) / allOutputs
                        alpha[u] = Float(scale * zy / (zNorm * zNorm * zNorm * yNorm))
                        beta[u] = Float(scale / (zNorm * yNorm))
                    }
                    if !gamma.isEmpty {
                        // The same loss against t (t = 0: ‖ẑ‖²/n, no gradient, as above; z·t = 0 gives α' = 0).
                        let zt = shared.sums[3 * users + user], tSquared = Double(Float(shared.sums[4 * users + user]))
                        let tNorm = max(tSquared, 1e-12).squareRoot()
                        let teacherLoss = (zUnitSquared - 2 * zt / (zNorm * tNorm) + tSquared / (tNorm * tNorm)) / allOutputs
                        loss = (1 - teacherWeight) * loss + teacherWeight * teacherLoss
                        alpha[u] = Float((1 - teacherWeight) * Double(alpha[u]) + teacherWeight * scale * zt / (zNorm * zNorm * zNorm * tNorm))
                        beta[u] = Float((1 - teacherWeight) * Double(beta[u]))
                        gamma[u] = Float(teacherWeight * scale / (zNorm * tNorm))
                    }
                    shared.losses[user] = loss
                }
                // The target entries where the activation passes (found before z is overwritten below).
                var passingTargets: [Int] = []
                for u in 0..<width {
                    let user = lower + u
                    for q in shared.offsets[user]..<shared.offsets[user + 1] {
                        let index = Int(shared.targets[q]) * users + user
                        if activation.apply(shared.p[index]).passes { passingTargets.append(index) }
                    }
                }
                alpha.withUnsafeBufferPointer { alphaBuffer in
                gamma.withUnsafeBufferPointer { gammaBuffer in
                    let alphas = alphaBuffer.baseAddress!
                    for o in 0..<outputs {
                        let row = shared.p + o * users + lower
                        let target = shared.t.map { $0 + o * users + lower }
                        var u = 0
                        while u + 8 <= width {
                            let z = load8(row + u)
                            var g = load8(alphas + u) * z
                            if let target { g -= load8(gammaBuffer.baseAddress! + u) * load8(target + u) }
                            store8(keptWherePassing(g, z: z, activation), row + u)
                            u += 8
                        }
                        while u < width {
                            let z = row[u]
                            var g = alphas[u] * z
                            if let target { g -= gammaBuffer[u] * target[u] }
                            row[u] = activation.apply(z).passes ? g : 0
                            u += 1
                        }
                    }
                }}
                for index in passingTargets { shared.p[index] -= beta[index % users - lower] }
            }
        }}}}}}}}
        return losses.reduce(0, +) / Double(users)
    }

    @inline(__always)
    private static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func load8(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load8(UnsafePointer(pointer)) }

    @inline(__always)
    private static func store8(_ vector: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: SIMD8<Float>.self)
    }

    /// `Activation.apply(_:).value` on eight lanes (NaN stays NaN under ReLU6 and becomes 0 under ReLU, as in the scalar form).
    ///
    /// Written with in-place `replace(with:where:)` and strict comparisons: an earlier form
    /// (chained `replacing` calls with `.>=`) compiled to a lane-by-lane loop through the
    /// stack (seen in `perf annotate`) and made the loss 6x slower.
    @inline(__always)
    private static func activate(_ p: SIMD8<Float>, _ activation: Activation) -> SIMD8<Float> {
        let zero = SIMD8<Float>.zero
        var z = p
        switch activation {
        case .relu:
            z.replace(with: zero, where: .!(p .> zero))
        case .relu6:
            let six = SIMD8<Float>(repeating: 6)
            z.replace(with: zero, where: .!(p .> zero) .& (p .== p))   // p <= 0 (NaN excluded)
            z.replace(with: six, where: p .> six)
        }
        return z
    }

    /// `g` where the gradient passes the activation at the activated `z`, else 0.
    @inline(__always)
    private static func keptWherePassing(_ gradient: SIMD8<Float>, z: SIMD8<Float>, _ activation: Activation) -> SIMD8<Float> {
        let zero = SIMD8<Float>.zero
        var g = gradient
        g.replace(with: zero, where: .!(z .> zero))
        if case .relu6 = activation { g.replace(with: zero, where: .!(SIMD8<Float>(repeating: 6) .> z)) }
        return g
    }

    private struct Shared: @unchecked Sendable {
        let p: UnsafeMutablePointer<Float>
        let losses: UnsafeMutablePointer<Double>
        /// The per-user sums, `sums` blocks of `users` (see `gradient`).
        let sums: UnsafeMutablePointer<Double>
        let offsets: UnsafeBufferPointer<Int>
        let targets: UnsafeBufferPointer<Int32>
        let inputOffsets: UnsafeBufferPointer<Int>
        let inputs: UnsafeBufferPointer<Int32>
        /// The teacher's activated predictions (Tᵀ, the layout of `p`), or nil.
        let t: UnsafePointer<Float>?
    }
}

/// A teacher's activated predictions over a batch's outputs (n_out x b, the layout of the training step's
/// predictions) and the weight of their term in the loss (see `NormalizedCosineLoss`).
public struct TeacherTargets: Sendable {
    public var predictions: DenseMatrix
    public var weight: Double
    public init(predictions: DenseMatrix, weight: Double) {
        precondition(weight >= 0 && weight <= 1, "the teacher's weight must be in [0, 1], got \(weight)")
        self.predictions = predictions
        self.weight = weight
    }
}
