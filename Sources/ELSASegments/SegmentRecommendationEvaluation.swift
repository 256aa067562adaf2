import ELSAEvaluation
import ELSASparse

/// Segment recommendation on the evaluation protocol's folds (SPEC §5).
///
/// For every (user, fold) row, the user's input items score the segments (x Â B̂ᵀ) and the
/// R best segments (ties: lower id, whatever the sign of the score, so always R of them)
/// are recommended. The row's hit share is the fraction of its held-out items whose segment
/// is among them (held-out items in no segment count as misses). The baseline recommends
/// the same R segments to everyone: the segments of largest training popularity, the sum
/// over their items of the number of training users who have the item (ties: lower id).
/// Both shares are means over the rows, each row weighing the same.
public enum SegmentRecommendationEvaluation {
    /// - Parameters:
    ///   - recommender: the model and its segmentation.
    ///   - folds: the test users' folds (their items are the model's columns).
    ///   - training: the training users' interactions (users x items), for segment popularity.
    ///   - rows: R, the number of segments recommended to each user (1 ... segment count).
    /// - Throws: `SegmentationError.invalidArgument` when `rows` is out of range or there are no
    ///   folds; `.itemCountMismatch` when the folds or the training data have another item count.
    public static func evaluate(_ recommender: SegmentRecommender, folds: EvaluationFolds, training: CSRMatrix,
                                rows: Int) throws -> SegmentHitRates {
        let segmentation = recommender.segmentation
        let segmentCount = segmentation.segments.count
        guard rows >= 1 && rows <= segmentCount else {
            throw SegmentationError.invalidArgument("rows must be in 1...\(segmentCount) (the number of segments), got \(rows)")
        }
        guard folds.count > 0 else { throw SegmentationError.invalidArgument("there are no evaluation folds") }
        guard folds.inputs.columns == segmentation.itemCount else {
            throw SegmentationError.itemCountMismatch(expected: segmentation.itemCount, got: folds.inputs.columns, what: "the folds")
        }
        guard training.columns == segmentation.itemCount else {
            throw SegmentationError.itemCountMismatch(expected: segmentation.itemCount, got: training.columns, what: "the training data")
        }
        let popular = popularSegments(segmentation, training: training, count: rows)
        var popularSet = [Bool](repeating: false, count: segmentCount)
        for segment in popular { popularSet[segment] = true }

        let scores = try recommender.segmentScores(histories: folds.inputs)
        var modelTotal = 0.0, popularityTotal = 0.0
        var chosen = [Bool](repeating: false, count: segmentCount)
        for row in 0..<folds.count {
            let top = SegmentRecommender.topSegments(scores: scores.row(row), count: rows, positiveOnly: false)
            for segment in top { chosen[segment] = true }
            let targets = folds.targets.columns(ofRow: row)
            var modelHits = 0, popularityHits = 0
            for item in targets {
                guard let segment = segmentation.itemSegments[Int(item)] else { continue }
                if chosen[segment] { modelHits += 1 }
                if popularSet[segment] { popularityHits += 1 }
            }
            for segment in top { chosen[segment] = false }
            modelTotal += Double(modelHits) / Double(targets.count)
            popularityTotal += Double(popularityHits) / Double(targets.count)
        }
        let count = Double(folds.count)
        return SegmentHitRates(rows: rows, evaluatedCount: folds.count, modelShare: modelTotal / count,
                               popularityShare: popularityTotal / count, popularSegments: popular)
    }

    /// The `count` segments whose items have the most training interactions in total, most first
    /// (ties: lower id).
    public static func popularSegments(_ segmentation: Segmentation, training: CSRMatrix, count: Int) -> [Int] {
        let itemCounts = training.columnCounts()
        let totals = segmentation.segments.map { segment in segment.items.reduce(0) { $0 + itemCounts[$1] } }
        let ranked = totals.indices.sorted { (a: Int, b: Int) -> Bool in totals[a] != totals[b] ? totals[a] > totals[b] : a < b }
        return Array(ranked.prefix(max(0, count)))
    }
}
