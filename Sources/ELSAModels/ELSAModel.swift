import ELSAEvaluation
import ELSALinearAlgebra
import ELSASparse

/// A trained ELSA model: predictions x Â Âᵀ − x with Â the row-normalized item matrix.
///
/// Dense models score with two BLAS products; sparse ones (compressed ELSA) with an
/// inverted index per latent dimension, so scoring costs about nnz(x)·k plus the
/// inverted lists touched, not items·d.
public struct ELSAModel: RowScoringRecommender {
    /// Row-normalized item matrix Â, items x d.
    public let embedding: ItemEmbedding
    /// Original item ids (column order of the training data).
    public let itemIDs: [String]
    /// Threads used when scoring.
    public var threads: Int
    private let sparseScorer: SparseScorer?

    /// - Parameters:
    ///   - embedding: the item matrix; it is row-normalized here unless `isNormalized`.
    ///   - isNormalized: the rows already have unit norm (a loaded model): keep the values bit for bit.
    public init(embedding: ItemEmbedding, itemIDs: [String], threads: Int = 2, isNormalized: Bool = false) {
        precondition(itemIDs.count == embedding.itemCount, "\(itemIDs.count) item ids for \(embedding.itemCount) items")
        let normalized = isNormalized ? embedding : embedding.rowNormalized()
        self.embedding = normalized
        self.itemIDs = itemIDs
        self.threads = threads
        if case .sparse(let matrix) = normalized { sparseScorer = SparseScorer(embedding: matrix) } else { sparseScorer = nil }
    }

    public var itemCount: Int { embedding.itemCount }

    public func scores(for histories: CSRMatrix) -> DenseMatrix {
        precondition(histories.columns == itemCount, "histories have \(histories.columns) items, the model \(itemCount)")
        switch embedding {
        case .dense(let a):
            let hidden = histories.multiplied(by: a, threads: threads)            // b x d
            var scores = BLASThreads.with(threads) {
                BLAS.multiply(hidden, a, transposeB: .transpose)                  // b x items
            }
            for u in 0..<histories.rows {
                for p in histories.rowOffsets[u]..<histories.rowOffsets[u + 1] {
                    scores[u, Int(histories.columnIndices[p])] -= histories.values[p]
                }
            }
            return scores
        case .sparse:
            var scores = DenseMatrix(rows: histories.rows, columns: itemCount)
            sparseScorer!.scores(histories: histories, into: &scores, threads: threads)
            return scores
        }
    }

    /// Sparse models score user by user (inverted index into one cached row); dense ones in batches on BLAS.
    public func makeRowScorer() -> (any RowScorer)? {
        guard let sparseScorer else { return nil }
        return SparseRowScorer(scorer: sparseScorer, workspace: sparseScorer.makeWorkspace())
    }
}

/// One thread's scorer of a sparse ELSA model.
private struct SparseRowScorer: RowScorer {
    let scorer: SparseScorer
    let workspace: SparseScorer.Workspace

    func scoreRow(items: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Float>, into row: UnsafeMutablePointer<Float>) {
        scorer.scoreRow(items: items, values: values, into: row, workspace: workspace)
    }
}
