import Foundation
import Testing
import ELSALinearAlgebra
import ELSASparse
@testable import ELSAEvaluation

/// Recall@K = hits / |test| and binary NDCG@K, checked against fractions worked out by hand.
@Test func publishedMetricsMatchHandComputedValues() {
    let ranked = [3, 7, 1, 9, 4], relevant: Set<Int> = [7, 4, 8]
    #expect(PublishedSplitMetrics.recall(ranked: ranked, relevant: relevant, k: 1) == 0)
    #expect(PublishedSplitMetrics.recall(ranked: ranked, relevant: relevant, k: 2) == 1.0 / 3)
    #expect(PublishedSplitMetrics.recall(ranked: ranked, relevant: relevant, k: 5) == 2.0 / 3)  // not capped by K
    // Hits at positions 2 and 5: DCG = 1/log2(3) + 1/log2(6); ideal DCG of min(5, 3) = 3 hits.
    let ndcg5 = (1 / log2(3.0) + 1 / log2(6.0)) / (1 + 1 / log2(3.0) + 1 / log2(4.0))
    #expect(abs(PublishedSplitMetrics.ndcg(ranked: ranked, relevant: relevant, k: 5) - ndcg5) < 1e-12)
    let ndcg2 = (1 / log2(3.0)) / (1 + 1 / log2(3.0))
    #expect(abs(PublishedSplitMetrics.ndcg(ranked: ranked, relevant: relevant, k: 2) - ndcg2) < 1e-12)
    #expect(PublishedSplitMetrics.recall(ranked: ranked, relevant: [], k: 5) == 0)
}

/// Scores every user the same: item i scores `scores[i]`.
struct FixedScores: Recommender {
    let scores: [Float]
    var itemCount: Int { scores.count }
    func scores(for histories: CSRMatrix) -> DenseMatrix {
        DenseMatrix(rows: histories.rows, columns: scores.count, storage: (0..<histories.rows).flatMap { _ in scores })
    }
}

@Test func publishedEvaluationRanksAllButTrainingItemsOverUsersWithTestItems() throws {
    // Items score 3, 2, 1, 0. User 0 trained on {0}: ranks 1, 2, 3, test {2} is second. User 1 trained on {0, 1}:
    // ranks 2, 3, test {3} is second. User 2 has no test item and is not counted.
    let train = CSRMatrix(rows: 3, columns: 4, binaryRows: [[0], [0, 1], [0, 1, 2]])
    let test = CSRMatrix(rows: 3, columns: 4, binaryRows: [[2], [3], []])
    let (metrics, users) = try PublishedSplitMetrics.evaluate(FixedScores(scores: [3, 2, 1, 0]), train: train, test: test,
                                                              cutoffs: [1, 2], threadCount: 2)
    #expect(users == 2)
    #expect(metrics["recall@1"] == 0 && metrics["recall@2"] == 1)
    #expect(abs(metrics["ndcg@2"]! - 1 / log2(3.0)) < 1e-12)
}
