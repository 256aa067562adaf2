import ELSALinearAlgebra
import ELSASparse

/// Anything that scores all items for a batch of user histories.
///
/// Implemented once per model (EASE, popularity, dense and sparse ELSA);
/// evaluation and `recommend` are written once against it.
public protocol Recommender: Sendable {
    /// Number of items (columns of the histories and of the scores).
    var itemCount: Int { get }
    /// Scores for each row of `histories` (a users x items binary batch): a
    /// `histories.rows x itemCount` matrix, higher is better. Seen items may get
    /// any score; callers exclude them.
    func scores(for histories: CSRMatrix) -> DenseMatrix
}

/// A recommender that can also score one user at a time into a caller's buffer.
///
/// Batched top-K (``recommend(_:histories:count:batchSize:threadCount:)`` and the
/// ``Evaluator``) then scores and selects user by user on each thread, with one
/// `itemCount` row that stays in cache, instead of materializing a users x items
/// matrix. The scores must equal the rows of ``Recommender/scores(for:)``.
public protocol RowScoringRecommender: Recommender {
    /// A scorer for one thread, or `nil` when this model scores better in batches
    /// (a dense model whose batch products run on BLAS).
    func makeRowScorer() -> (any RowScorer)?
}

/// Scores single user histories; one instance is used by one thread at a time.
public protocol RowScorer {
    /// Writes the `itemCount` scores of the history (`items` sorted ascending, with their
    /// interaction `values`) into `row`, overwriting every element.
    func scoreRow(items: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Float>, into row: UnsafeMutablePointer<Float>)
}
