import Dispatch
import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// The gradient step of dense ELSA, every large product a CBLAS call.
///
/// For a batch with output rows O (which contain the batch's items S):
///
///     Â_O = rownorm(A_O)                         (n_out x d)
///     H   = x Â_O                                (b x d; sparse rows, cost nnz(x)·d)
///     Pᵀ  = Â_O Hᵀ                               (sgemm n_out x b x d)
///     Gᵀ  = dL/dPᵀ                               (NormalizedCosineLoss)
///     dÂ_O  = Gᵀ H                               (sgemm n_out x d x b)
///     GA    = G Â_O                              (sgemm b x d x n_out)
///     dÂ_S += xᵀ GA                              (sparse, cost nnz(x)·d)
///     dA_O  = (dÂ − â (â·dÂ)) / ‖a‖              (row normalization backward)
///
/// then Nadam on the rows O only. Buffers are kept between steps.
public final class DenseTrainingStep: @unchecked Sendable {
    public let threads: Int
    private var normalized = DenseMatrix(rows: 0, columns: 0)
    private var gradient = DenseMatrix(rows: 0, columns: 0)
    private var norms: [Float] = []
    private var predictions = DenseMatrix(rows: 0, columns: 0)
    private var hiddenGradient = DenseMatrix(rows: 0, columns: 0)

    public init(threads: Int) {
        precondition(threads >= 1, "threads must be at least 1, got \(threads)")
        self.threads = threads
    }

    /// Seconds spent in the three sgemm calls (for the benchmark's overhead ratio).
    public private(set) var gemmSeconds: Double = 0

    /// The loss of `batch` and dL/dA (items x d, zero outside the output rows), without updating anything.
    public func gradient(batch: TrainingBatch, parameters: DenseMatrix, activation: Activation,
                         mask: [UInt8]? = nil, teacher: TeacherTargets? = nil) -> (loss: Double, gradient: DenseMatrix) {
        var full = DenseMatrix(rows: parameters.rows, columns: parameters.columns)
        var copy = parameters
        let loss = accumulateGradient(batch: batch, parameters: &copy, activation: activation, mask: mask,
                                      teacher: teacher, into: &full)
        return (loss, full)
    }

    /// Adds dL/dA of `batch` (nonzero in the output rows only) to `sum` (items x d) and returns the batch loss.
    /// `parameters` are not changed (they are `inout` only so that no copy of them is made).
    /// - Precondition: `sum` has the shape of `parameters`.
    @discardableResult
    public func accumulateGradient(batch: TrainingBatch, parameters: inout DenseMatrix, activation: Activation,
                                   mask: [UInt8]? = nil, teacher: TeacherTargets? = nil, into sum: inout DenseMatrix) -> Double {
        precondition(sum.rows == parameters.rows && sum.columns == parameters.columns,
                     "the gradient sum must be \(parameters.rows) x \(parameters.columns), got \(sum.rows) x \(sum.columns)")
        let loss = run(batch: batch, parameters: &parameters, optimizer: nil, activation: activation, mask: mask, teacher: teacher)
        let d = parameters.columns
        gradient.storage.withUnsafeBufferPointer { g in
        sum.storage.withUnsafeMutableBufferPointer { total in
            for (o, item) in batch.outputs.items.enumerated() {
                BLAS.axpy(count: d, alpha: 1, x: g.baseAddress! + o * d, y: total.baseAddress! + Int(item) * d)
            }
        }}
        return loss
    }

    /// Runs one step on `parameters` (items x d) and returns the batch loss.
    /// With `optimizer == nil` only the gradient is computed (left in the workspace).
    ///
    /// With a `mask` (items x d, 1 = kept) the step is the authors' masked dense training:
    /// gradients outside the mask are zeroed after the normalization backward, so entries
    /// that are zero stay zero (their moments must be zero too). `teacher`: a teacher's targets mixed into
    /// the loss (see `NormalizedCosineLoss`).
    ///
    /// Item-sharded (`communicator`): `parameters` are this process's rows and `batch` its part of the batch
    /// (`TrainingBatch.restricted(to:)`); H and GA (b x d each) and the loss's per-user sums are summed across the
    /// processes, and each process updates its own rows.
    public func run(batch: TrainingBatch, parameters: inout DenseMatrix, optimizer: Nadam?,
                    activation: Activation, mask: [UInt8]? = nil, teacher: TeacherTargets? = nil,
                    communicator: ShardCommunicator? = nil) -> Double {
        if let mask { precondition(mask.count == parameters.storage.count, "mask has \(mask.count) entries for \(parameters.storage.count) parameters") }
        let d = parameters.columns
        let outputs = batch.outputs
        let n = outputs.count, b = batch.userCount
        // 1. Gather and normalize the output rows.
        if normalized.rows != n || normalized.columns != d {
            normalized = DenseMatrix(rows: n, columns: d)
            gradient = DenseMatrix(rows: n, columns: d)
        }
        if norms.count != n { norms = [Float](repeating: 0, count: n) }
        parameters.storage.withUnsafeBufferPointer { a in
        normalized.storage.withUnsafeMutableBufferPointer { an in
        norms.withUnsafeMutableBufferPointer { normBuffer in
        outputs.items.withUnsafeBufferPointer { items in
            let s = StepPointers(a: UnsafeMutablePointer(mutating: a.baseAddress!), an: an.baseAddress!,
                                 norms: normBuffer.baseAddress!, items: items.baseAddress!)
            parallelRanges(n) { lower, upper in
                for o in lower..<upper {
                    let source = s.a + Int(s.items[o]) * d, target = s.an + o * d
                    target.update(from: source, count: d)
                    let norm = BLAS.dot(count: d, target, target).squareRoot()
                    s.norms[o] = norm
                    if norm > 0 { BLAS.scale(count: d, alpha: 1 / norm, x: target) }
                }
            }
        }}}}
        // 2. H = x Â_O (the input rows over output coordinates).
        var hidden = batch.inputTargetRows.multiplied(by: normalized, threads: threads)   // b x d
        if let communicator { hidden.storage.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        // 3. Pᵀ = Â_O Hᵀ.
        var clock = ContinuousClock.now
        if predictions.rows != n || predictions.columns != b { predictions = DenseMatrix(rows: n, columns: b) }
        if hiddenGradient.rows != b || hiddenGradient.columns != d { hiddenGradient = DenseMatrix(rows: b, columns: d) }
        normalized.storage.withUnsafeBufferPointer { an in
        hidden.storage.withUnsafeBufferPointer { h in
        predictions.storage.withUnsafeMutableBufferPointer { p in
            BLAS.gemm(.none, .transpose, m: n, n: b, k: d, a: an.baseAddress!, lda: d,
                      b: h.baseAddress!, ldb: d, c: p.baseAddress!, ldc: b)                // Pᵀ: n x b
        }}}
        gemmSeconds += seconds(since: clock)
        // 4. Gᵀ in place.
        let loss = NormalizedCosineLoss.gradient(predictions: &predictions, targetRows: batch.targetRows,
                                                 inputRows: batch.inputTargetRows, teacher: teacher, activation: activation,
                                                 threads: threads, communicator: communicator,
                                                 outputCount: batch.outputCountOfAllShards)
        clock = ContinuousClock.now
        // 5. dÂ_O = Gᵀ H and 6. GA = G Â_O.
        predictions.storage.withUnsafeBufferPointer { g in
        hidden.storage.withUnsafeBufferPointer { h in
        gradient.storage.withUnsafeMutableBufferPointer { da in
            BLAS.gemm(.none, .none, m: n, n: d, k: b, a: g.baseAddress!, lda: b,
                      b: h.baseAddress!, ldb: d, c: da.baseAddress!, ldc: d)
        }}}
        predictions.storage.withUnsafeBufferPointer { g in
        normalized.storage.withUnsafeBufferPointer { an in
        hiddenGradient.storage.withUnsafeMutableBufferPointer { ga in
            BLAS.gemm(.transpose, .none, m: b, n: d, k: n, a: g.baseAddress!, lda: b,
                      b: an.baseAddress!, ldb: d, c: ga.baseAddress!, ldc: d)               // GA = G Â_O: b x d
        }}}
        gemmSeconds += seconds(since: clock)
        if let communicator { hiddenGradient.storage.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        // 7. dÂ_S += xᵀ GA; 8. normalization backward; 9. Nadam on rows O.
        let coefficients = optimizer?.beginStep()
        let probe = Nadam(parameterCount: 1)  // unused stand-in when only the gradient is wanted
        let usersOfInput = batch.usersOfInput
        parameters.storage.withUnsafeMutableBufferPointer { a in
        normalized.storage.withUnsafeBufferPointer { an in
        gradient.storage.withUnsafeMutableBufferPointer { da in
        hiddenGradient.storage.withUnsafeBufferPointer { ga in
        norms.withUnsafeBufferPointer { normBuffer in
        outputs.items.withUnsafeBufferPointer { items in
        usersOfInput.rowOffsets.withUnsafeBufferPointer { userOffsets in
        usersOfInput.columnIndices.withUnsafeBufferPointer { users in
        (mask ?? []).withUnsafeBufferPointer { maskBuffer in
        (optimizer ?? probe).withMoments { momentum, velocity in
            let s = BackwardPointers(a: a.baseAddress!, an: an.baseAddress!, da: da.baseAddress!, ga: ga.baseAddress!,
                                     norms: normBuffer.baseAddress!, items: items.baseAddress!,
                                     userOffsets: userOffsets.baseAddress!, users: users.baseAddress!,
                                     momentum: momentum, velocity: velocity, mask: mask == nil ? nil : maskBuffer.baseAddress)
            parallelRanges(n) { lower, upper in
                for o in lower..<upper {
                    let g = s.da + o * d
                    for q in s.userOffsets[o]..<s.userOffsets[o + 1] {
                        BLAS.axpy(count: d, alpha: 1, x: s.ga + Int(s.users[q]) * d, y: g)
                    }
                    let norm = s.norms[o]
                    let unit = s.an + o * d
                    if norm > 0 {
                        let projection = BLAS.dot(count: d, unit, g)
                        let inverse = 1 / norm
                        for j in 0..<d { g[j] = (g[j] - unit[j] * projection) * inverse }
                    }
                    let offset = Int(s.items[o]) * d
                    if let mask = s.mask {
                        let rowMask = mask + offset
                        // Branch-free (a select the compiler vectorizes): a branch per entry
                        // mispredicts on half the entries of a random half-dense mask.
                        for j in 0..<d { g[j] = rowMask[j] == 0 ? 0 : g[j] }
                    }
                    guard let coefficients else { continue }
                    Nadam.kernel(parameters: s.a + offset, gradient: g, momentum: s.momentum + offset,
                                 velocity: s.velocity + offset, count: d, coefficients: coefficients)
                }
            }
        }}}}}}}}}}
        return loss
    }

    /// Splits 0..<count into contiguous ranges, one per thread.
    private func parallelRanges(_ count: Int, _ body: @escaping @Sendable (Int, Int) -> Void) {
        ParallelFor.contiguous(count, threads: threads) { _, range in body(range.lowerBound, range.upperBound) }
    }
}

private struct StepPointers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>
    let an: UnsafeMutablePointer<Float>
    let norms: UnsafeMutablePointer<Float>
    let items: UnsafePointer<Int32>
}

private struct BackwardPointers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>
    let an: UnsafePointer<Float>
    let da: UnsafeMutablePointer<Float>
    let ga: UnsafePointer<Float>
    let norms: UnsafePointer<Float>
    let items: UnsafePointer<Int32>
    let userOffsets: UnsafePointer<Int>
    let users: UnsafePointer<Int32>
    let momentum: UnsafeMutablePointer<Float>
    let velocity: UnsafeMutablePointer<Float>
    let mask: UnsafePointer<UInt8>?
}
