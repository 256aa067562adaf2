import Foundation
import ELSAData
import ELSAEvaluation
import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// A test-only recommender: scores = histories x itemWeights (items x items), by plain loops.
/// Its scores depend only on each row's history, so any batching gives the same numbers.
struct ItemWeightRecommender: Recommender {
    let itemWeights: DenseMatrix  // items x items
    var itemCount: Int { itemWeights.rows }

    func scores(for histories: CSRMatrix) -> DenseMatrix {
        var result = DenseMatrix(rows: histories.rows, columns: itemCount)
        for row in 0..<histories.rows {
            for position in histories.rowOffsets[row]..<histories.rowOffsets[row + 1] {
                let source = Int(histories.columnIndices[position])
                let value = histories.values[position]
                for item in 0..<itemCount { result[row, item] += value * itemWeights[source, item] }
            }
        }
        return result
    }
}

/// `ItemWeightRecommender` that also scores row by row (the fused path of batched top-K).
/// `rowsScored` counts the rows its row scorers wrote, so a test can tell which path ran.
final class RowScoringItemWeightRecommender: RowScoringRecommender, @unchecked Sendable {
    let batched: ItemWeightRecommender
    private let lock = NSLock()
    private var count = 0
    init(itemWeights: DenseMatrix) { batched = ItemWeightRecommender(itemWeights: itemWeights) }
    var itemCount: Int { batched.itemCount }
    var rowsScored: Int { lock.lock(); defer { lock.unlock() }; return count }
    func scores(for histories: CSRMatrix) -> DenseMatrix { batched.scores(for: histories) }
    func makeRowScorer() -> (any RowScorer)? { Scorer(owner: self) }

    struct Scorer: RowScorer {
        let owner: RowScoringItemWeightRecommender
        func scoreRow(items: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Float>, into row: UnsafeMutablePointer<Float>) {
            let weights = owner.batched.itemWeights
            for item in 0..<weights.rows { row[item] = 0 }
            for (source, value) in zip(items, values) {
                for item in 0..<weights.rows { row[item] += value * weights[Int(source), item] }
            }
            owner.lock.lock(); owner.count += 1; owner.lock.unlock()
        }
    }
}

/// A test-only recommender giving every user the same score vector.
struct ConstantScoreRecommender: Recommender {
    let itemScores: [Float]
    var itemCount: Int { itemScores.count }

    func scores(for histories: CSRMatrix) -> DenseMatrix {
        DenseMatrix(rows: histories.rows, columns: itemCount,
                    storage: Array((0..<histories.rows).map { _ in itemScores }.joined()))
    }
}

enum Fixtures {
    /// A random binary users x items matrix; user `u` gets between `minimumItems` and
    /// `maximumItems` distinct items.
    static func randomInteractions(users: Int, items: Int, minimumItems: Int, maximumItems: Int,
                                   seed: UInt64) -> CSRMatrix {
        var generator = SeededGenerator(seed: seed)
        let rows: [[Int32]] = (0..<users).map { _ in
            let count = minimumItems + generator.next(below: maximumItems - minimumItems + 1)
            var all = (0..<items).map(Int32.init)
            generator.shuffle(&all)
            return Array(all.prefix(count))
        }
        return CSRMatrix(rows: users, columns: items, binaryRows: rows)
    }

    /// Item weights drawn from a handful of values so that scores tie often.
    static func coarseItemWeights(items: Int, seed: UInt64) -> DenseMatrix {
        var generator = SeededGenerator(seed: seed)
        return DenseMatrix(rows: items, columns: items,
                           storage: (0..<(items * items)).map { _ in Float(generator.next(below: 5)) * 0.25 })
    }

    /// The reference ranking: every unseen item, fully sorted by score descending, then index ascending.
    static func fullSortRanking(scores: [Float], seen: Set<Int>) -> [(item: Int, score: Float)] {
        scores.indices.filter { !seen.contains($0) }
            .map { (item: $0, score: scores[$0]) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
    }

    static func itemSet(_ matrix: CSRMatrix, row: Int) -> Set<Int> {
        Set(matrix.columns(ofRow: row).map(Int.init))
    }
}
