import ELSATraining
import ELSAEvaluation
import ELSALinearAlgebra
import ELSASparse

/// An item-item model whose weight matrix is sparse (e.g. EASE pruned per row). Scores are x · B.
public struct SparseItemItemModel: Recommender {
    /// items x items, row i holds what item i contributes to others.
    public let weights: CSRMatrix
    public var threads: Int
    public var itemCount: Int { weights.rows }

    public init(weights: CSRMatrix, threads: Int = 2) {
        precondition(weights.rows == weights.columns, "item-item weights must be square, got \(weights.rows) x \(weights.columns)")
        self.weights = weights
        self.threads = threads
    }

    public func scores(for histories: CSRMatrix) -> DenseMatrix {
        var result = DenseMatrix(rows: histories.rows, columns: itemCount)
        for u in 0..<histories.rows {
            for p in histories.rowOffsets[u]..<histories.rowOffsets[u + 1] {
                let i = Int(histories.columnIndices[p])
                let x = histories.values[p]
                for q in weights.rowOffsets[i]..<weights.rowOffsets[i + 1] {
                    result.storage[u * itemCount + Int(weights.columnIndices[q])] += x * weights.values[q]
                }
            }
        }
        return result
    }
}
