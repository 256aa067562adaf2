import ELSATraining
import ELSAEvaluation
import ELSALinearAlgebra
import ELSASparse

/// Recommends the most popular training items to everyone.
public struct PopularityRecommender: Recommender {
    /// Number of training users per item.
    public let counts: [Float]
    public var itemCount: Int { counts.count }

    public init(interactions: CSRMatrix) {
        counts = interactions.columnCounts().map(Float.init)
    }

    public func scores(for histories: CSRMatrix) -> DenseMatrix {
        var result = DenseMatrix(rows: histories.rows, columns: itemCount)
        for u in 0..<histories.rows {
            result.storage.replaceSubrange((u * itemCount)..<((u + 1) * itemCount), with: counts)
        }
        return result
    }
}
