import Dispatch
import ELSALinearAlgebra
import ELSASparse

/// A trained dense model whose predictions join the targets of another model's training
/// (knowledge distillation; not in the paper): for each batch, T = activation(x Â_t Â_tᵀ − x)
/// over the batch's outputs, in the batch-transposed layout of the training steps, with the
/// weight of its term in `NormalizedCosineLoss`.
///
/// Cost per batch: the teacher's own dense forward pass, nnz(x)·d_t plus one sgemm of
/// n_out x b x d_t (as much as the first product of a dense ELSA step at d_t).
public final class DistillationTeacher: @unchecked Sendable {
    /// The teacher's item matrix (items x d_t), rows normalized to unit length.
    public let items: DenseMatrix
    /// Weight w of the teacher's term: each row's loss is (1 − w) L(z, y) + w L(z, t).
    public let weight: Double
    public let activation: Activation
    public let threads: Int
    private var gathered = DenseMatrix(rows: 0, columns: 0)

    /// - Parameter itemMatrix: the teacher's item matrix, rows in the training data's item order
    ///   (normalized here; a zero row stays zero).
    public init(itemMatrix: DenseMatrix, weight: Double, activation: Activation, threads: Int) {
        precondition(weight >= 0 && weight <= 1, "the teacher's weight must be in [0, 1], got \(weight)")
        var normalized = itemMatrix
        let d = itemMatrix.columns
        normalized.storage.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<itemMatrix.rows {
                let start = buffer.baseAddress! + row * d
                let norm = BLAS.dot(count: d, start, start).squareRoot()
                if norm > 0 { BLAS.scale(count: d, alpha: 1 / norm, x: start) }
            }
        }
        self.items = normalized
        self.weight = weight
        self.activation = activation
        self.threads = threads
    }

    /// The teacher's targets for `batch` (outputs x users).
    /// - Precondition: the batch is over the teacher's items.
    public func targets(for batch: TrainingBatch) -> TeacherTargets {
        precondition(batch.rows.columns == items.rows, "the batch has \(batch.rows.columns) items, the teacher \(items.rows)")
        let d = items.columns, n = batch.outputs.count, b = batch.userCount
        let hidden = batch.inputRows.multiplied(by: items, threads: threads)   // b x d_t
        // Â_t over the output rows: the whole matrix when every item is an output (outputs are sorted).
        let allItems = n == items.rows
        if !allItems {
            if gathered.rows != n || gathered.columns != d { gathered = DenseMatrix(rows: n, columns: d) }
            items.storage.withUnsafeBufferPointer { source in
            gathered.storage.withUnsafeMutableBufferPointer { target in
                for (o, item) in batch.outputs.items.enumerated() {
                    (target.baseAddress! + o * d).update(from: source.baseAddress! + Int(item) * d, count: d)
                }
            }}
        }
        var predictions = DenseMatrix(rows: n, columns: b)
        (allItems ? items : gathered).storage.withUnsafeBufferPointer { a in
        hidden.storage.withUnsafeBufferPointer { h in
        predictions.storage.withUnsafeMutableBufferPointer { p in
            BLAS.gemm(.none, .transpose, m: n, n: b, k: d, a: a.baseAddress!, lda: d,
                      b: h.baseAddress!, ldb: d, c: p.baseAddress!, ldc: b)            // Tᵀ before the activation: n x b
        }}}
        // − x, then the activation.
        let input = batch.inputTargetRows
        for user in 0..<b {
            for q in input.rowOffsets[user]..<input.rowOffsets[user + 1] {
                predictions.storage[Int(input.columnIndices[q]) * b + user] -= 1
            }
        }
        let activation = self.activation
        predictions.storage.withUnsafeMutableBufferPointer { p in
            let base = UncheckedPointer(p.baseAddress!)
            let count = p.count, pieces = max(1, min(threads, count / 65_536))
            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                for i in (count * piece / pieces)..<(count * (piece + 1) / pieces) {
                    base.pointer[i] = activation.apply(base.pointer[i]).value
                }
            }
        }
        return TeacherTargets(predictions: predictions, weight: weight)
    }
}

private struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
