import ELSATraining
import ELSAEvaluation
import ELSALinearAlgebra
import ELSASparse

/// EASE (Steck 2019): the closed-form item-item model B = −P / diag(P), diag(B) = 0,
/// with P = (XᵀX + λI)⁻¹. Scores for a history x are x · B.
public struct EASE: Recommender {
    /// items x items weights; row i holds what item i contributes to every other item.
    public let weights: DenseMatrix
    public let lambda: Float
    public var itemCount: Int { weights.rows }
    /// Threads used when scoring batches.
    public var threads: Int

    /// Fits EASE on `interactions` (users x items).
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` if XᵀX + λI is not (λ <= 0 on rank-deficient data).
    public init(interactions: CSRMatrix, lambda: Float, threads: Int = 2) throws {
        var p = GramMatrix.compute(interactions, threads: threads)
        let n = p.rows
        for i in 0..<n { p[i, i] += lambda }
        try BLASThreads.with(threads) {
            try Cholesky.invertSymmetricPositiveDefinite(&p)
        }
        // B_ij = −P_ij / P_jj, diag 0: scale column j by −1/P_jj.
        var inverseDiagonal = [Float](repeating: 0, count: n)
        for j in 0..<n { inverseDiagonal[j] = -1 / p[j, j] }
        p.storage.withUnsafeMutableBufferPointer { b in
            for i in 0..<n {
                let row = i * n
                for j in 0..<n { b[row + j] *= inverseDiagonal[j] }
                b[row + i] = 0
            }
        }
        self.weights = p
        self.lambda = lambda
        self.threads = threads
    }

    /// Wraps given weights (for tests and loaded models).
    public init(weights: DenseMatrix, lambda: Float, threads: Int = 2) {
        precondition(weights.rows == weights.columns, "EASE weights must be square, got \(weights.rows) x \(weights.columns)")
        self.weights = weights
        self.lambda = lambda
        self.threads = threads
    }

    public func scores(for histories: CSRMatrix) -> DenseMatrix {
        histories.multiplied(by: weights, threads: threads)
    }

    /// EASE with each row of B pruned to its `nonzerosPerRow` entries of largest magnitude.
    public func pruned(nonzerosPerRow: Int) -> SparseItemItemModel {
        SparseItemItemModel(weights: CSRMatrix.topK(dense: weights, k: nonzerosPerRow, threads: threads), threads: threads)
    }
}
