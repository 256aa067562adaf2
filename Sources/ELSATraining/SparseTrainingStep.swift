import _ELSASupport
import ELSALinearAlgebra
import ELSASparse

/// The gradient step of compressed ELSA on a fixed CSR pattern with k entries per row.
///
/// The same computation as `DenseTrainingStep`, restricted to the stored entries, in the
/// batch-transposed layout of the ELSASparse kernels (every cost is proportional to k):
///
///     Â = rownorm(W)                              (n·k)
///     Hᵀ = (x Â)ᵀ                                 (d x b; nnz(x)·k)
///     Pᵀ = Â_O Hᵀ                                 (n_out x b; n_out·k·b)
///     Gᵀ = dL/dPᵀ                                 (NormalizedCosineLoss)
///     dÂ at stored (O, c) += Gᵀ H                 (sampled product; n_out·k·b)
///     (dL/dH)ᵀ = Â_Oᵀ Gᵀ                          (d x b; n_out·k·b)
///     dÂ at stored (S, c) += xᵀ (dL/dH)           (nnz(x)·k)
///     dW = row-normalization backward             (n·k)
///
/// then Nadam on the stored values of the output rows.
public final class SparseTrainingStep: @unchecked Sendable {
    public let threads: Int
    private var gradient: [Float] = []
    private var hidden = DenseMatrix(rows: 0, columns: 0)
    private var predictions = DenseMatrix(rows: 0, columns: 0)
    private var hiddenGradient = DenseMatrix(rows: 0, columns: 0)
    /// Seconds spent in each phase of the steps run so far (for benchmarks; costs a clock read per phase).
    public private(set) var phaseSeconds = SparseStepPhases()

    /// Zeroes `phaseSeconds` (benchmarks: after untimed warm-up steps).
    public func resetPhaseSeconds() { phaseSeconds = SparseStepPhases() }

    public init(threads: Int) {
        precondition(threads >= 1, "threads must be at least 1, got \(threads)")
        self.threads = threads
    }

    /// The loss of `batch` and dL/dW at the stored entries (aligned with `weights.values`), without updating.
    public func gradient(batch: TrainingBatch, weights: FixedPatternEmbedding, activation: Activation,
                         teacher: TeacherTargets? = nil) -> (loss: Double, gradient: [Float]) {
        var copy = weights
        let loss = run(batch: batch, weights: &copy, optimizer: nil, activation: activation, teacher: teacher)
        return (loss, gradient)
    }

    /// One step; returns the batch loss. With `optimizer == nil` only the gradient is computed.
    /// `teacher`: a teacher's targets mixed into the loss (see `NormalizedCosineLoss`).
    /// Item-sharded (`communicator`): as `DenseTrainingStep`'s, Hᵀ and (dL/dH)ᵀ (d x b each) and the loss's per-user
    /// sums are summed across the processes.
    public func run(batch: TrainingBatch, weights: inout FixedPatternEmbedding, optimizer: Nadam?,
                    activation: Activation, teacher: TeacherTargets? = nil, communicator: ShardCommunicator? = nil) -> Double {
        var clock = PhaseClock()
        let (normalized, norms) = weights.normalizedRows(threads: threads)
        phaseSeconds.normalization += clock.lap()
        let b = batch.userCount, n = batch.outputs.count, d = weights.dimension
        // Workspaces kept between steps: every element is overwritten by the kernels.
        if hidden.rows != d || hidden.columns != b { hidden = DenseMatrix(rows: d, columns: b) }
        if predictions.rows != n || predictions.columns != b { predictions = DenseMatrix(rows: n, columns: b) }
        if hiddenGradient.rows != d || hiddenGradient.columns != b { hiddenGradient = DenseMatrix(rows: d, columns: b) }
        phaseSeconds.workspaces += clock.lap()
        normalized.inputProduct(batch: batch.inputRows, into: &hidden, threads: threads)                             // d x b
        if let communicator { hidden.storage.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        phaseSeconds.inputProduct += clock.lap()
        normalized.outputProduct(outputs: batch.outputs, hiddenTransposed: hidden, into: &predictions, threads: threads)  // n_out x b
        phaseSeconds.outputProduct += clock.lap()
        let loss = NormalizedCosineLoss.gradient(predictions: &predictions, targetRows: batch.targetRows,
                                                 inputRows: batch.inputTargetRows, teacher: teacher, activation: activation,
                                                 threads: threads, communicator: communicator,
                                                 outputCount: batch.outputCountOfAllShards)
        if gradient.count != weights.values.count {
            gradient = [Float](repeating: 0, count: weights.values.count)
        } else {
            gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        phaseSeconds.loss += clock.lap()
        normalized.accumulateOutputGradient(outputs: batch.outputs, upstreamTransposed: predictions,
                                            hiddenTransposed: hidden, into: &gradient, threads: threads)
        phaseSeconds.outputGradient += clock.lap()
        normalized.hiddenGradient(outputs: batch.outputs, upstreamTransposed: predictions, into: &hiddenGradient, threads: threads)
        if let communicator { hiddenGradient.storage.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        phaseSeconds.hiddenGradient += clock.lap()
        normalized.accumulateInputGradient(batchTransposed: batch.inputRows.transposed(), hiddenGradientTransposed: hiddenGradient,
                                           into: &gradient, threads: threads)
        phaseSeconds.inputGradient += clock.lap()
        normalized.backpropagateRowNormalization(gradient: &gradient, norms: norms, threads: threads)
        phaseSeconds.normalization += clock.lap()
        guard let optimizer else { return loss }
        defer { phaseSeconds.optimizer += clock.lap() }
        let coefficients = optimizer.beginStep()
        let k = weights.nonzerosPerRow
        weights.values.withUnsafeMutableBufferPointer { values in
        gradient.withUnsafeBufferPointer { g in
        batch.outputs.items.withUnsafeBufferPointer { items in
        optimizer.withMoments { momentum, velocity in
            let s = UpdatePointers(values: values.baseAddress!, gradient: g.baseAddress!, items: items.baseAddress!,
                                   momentum: momentum, velocity: velocity)
            let n = items.count
            let slots = max(1, min(threads, n / 64))
            DispatchQueueRunner.run(slots) { slot in
                for o in (n * slot / slots)..<(n * (slot + 1) / slots) {
                    let offset = Int(s.items[o]) * k
                    Nadam.kernel(parameters: s.values + offset, gradient: s.gradient + offset, momentum: s.momentum + offset,
                                 velocity: s.velocity + offset, count: k, coefficients: coefficients)
                }
            }
        }}}}
        return loss
    }
}

/// Seconds per phase of `SparseTrainingStep` (normalization counts the forward and the backward pass).
public struct SparseStepPhases: Sendable, Equatable {
    public var normalization = 0.0, workspaces = 0.0, inputProduct = 0.0, outputProduct = 0.0, loss = 0.0
    public var outputGradient = 0.0, hiddenGradient = 0.0, inputGradient = 0.0, optimizer = 0.0
    public init() {}
    public var total: Double {
        normalization + workspaces + inputProduct + outputProduct + loss + outputGradient + hiddenGradient + inputGradient + optimizer
    }
    /// `name seconds` pairs in step order.
    public var named: [(String, Double)] {
        [("normalization", normalization), ("workspaces", workspaces), ("input product", inputProduct), ("output product", outputProduct), ("loss", loss),
         ("output gradient", outputGradient), ("hidden gradient", hiddenGradient), ("input gradient", inputGradient),
         ("optimizer", optimizer)]
    }
}

private struct UpdatePointers: @unchecked Sendable {
    let values: UnsafeMutablePointer<Float>
    let gradient: UnsafePointer<Float>
    let items: UnsafePointer<Int32>
    let momentum: UnsafeMutablePointer<Float>
    let velocity: UnsafeMutablePointer<Float>
}

import Dispatch

/// `concurrentPerform` over `slots`, or a plain call for one slot.
enum DispatchQueueRunner {
    static func run(_ slots: Int, _ body: @Sendable (Int) -> Void) {
        if slots <= 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: slots, execute: body)
    }
}
