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
