import ELSAEvaluation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse

/// Segment-level recommendations of an ELSA model: segment scores x Â B̂ᵀ, the top
/// segments of a user, and homepages (SPEC §4).
public struct SegmentRecommender: Sendable {
    public let model: ELSAModel
    public let segmentation: Segmentation
    /// B̂ of `segmentation`.
    public let segmentMatrix: SegmentMatrix
    private let embedding: CSRMatrix

    /// - Throws: `SegmentationError.itemCountMismatch` when the segmentation is not of the
    ///   model's items; `.invalidArgument` when its dimension differs from the model's.
    public init(model: ELSAModel, segmentation: Segmentation) throws {
        guard segmentation.itemCount == model.itemCount else {
            throw SegmentationError.itemCountMismatch(expected: model.itemCount, got: segmentation.itemCount, what: "the segmentation")
        }
        guard segmentation.dimension == model.embedding.dimension else {
            throw SegmentationError.invalidArgument("the segmentation has d = \(segmentation.dimension), the model d = \(model.embedding.dimension)")
        }
        self.model = model
        self.segmentation = segmentation
        self.segmentMatrix = SegmentMatrix(segmentation)
        self.embedding = model.embedding.sparseMatrix
    }

    /// Segments the model with `options` and wraps both.
    /// - Throws: `SegmentationError.invalidArgument` for bad options.
    public init(model: ELSAModel, options: SegmentationOptions = SegmentationOptions()) throws {
        try self.init(model: model, segmentation: try Segmentation(model: model, options: options))
    }

    /// x Â B̂ᵀ for each row of `histories` (users x items): users x segments.
    /// - Throws: `SegmentationError.itemCountMismatch` when `histories.columns` is not the model's item count.
    public func segmentScores(histories: CSRMatrix) throws -> DenseMatrix {
        try segmentMatrix.scores(histories: histories, embedding: embedding)
    }

    /// The best `count` segments of one score row (segment ids), best first, ties to the lower id.
    /// With `positiveOnly`, segments with a score of 0 or less (or NaN) are left out.
    public static func topSegments(scores: [Float], count: Int, positiveOnly: Bool) -> [Int] {
        let candidates = scores.indices.filter { !positiveOnly || scores[$0] > 0 }
        let ranked = candidates.sorted { a, b in
            let sa = scores[a].isNaN ? -Float.infinity : scores[a], sb = scores[b].isNaN ? -Float.infinity : scores[b]
            return sa != sb ? sa > sb : a < b
        }
        return Array(ranked.prefix(max(0, count)))
    }

    /// One homepage per row of `histories` (users x items, the model's item order).
    ///
    /// The "for you" row holds the `forYouCount` best unseen items by x Â Âᵀ − x. Segment rows
    /// come from the segments with a positive segment score, best first (ties: lower id); each
    /// shows the segment's unseen items ranked by the same item scores (ties: lower item index),
    /// at most `itemsPerRow`. A segment with nothing left to show (all seen, or all shown
    /// before with `distinctItems`) is skipped and the next one is taken, up to `rows` rows;
    /// fewer rows come back when fewer segments qualify. Items a user has are never shown.
    /// - Throws: `SegmentationError.invalidArgument` for a bad layout;
    ///   `.itemCountMismatch` when `histories.columns` is not the model's item count.
    public func homepages(histories: CSRMatrix, layout: HomepageLayout, batchSize: Int = 256) throws -> [Homepage] {
        if let problem = layout.problem { throw SegmentationError.invalidArgument(problem) }
        guard batchSize >= 1 else { throw SegmentationError.invalidArgument("batchSize must be at least 1, got \(batchSize)") }
        guard histories.columns == model.itemCount else {
            throw SegmentationError.itemCountMismatch(expected: model.itemCount, got: histories.columns, what: "the histories")
        }
        let segments = segmentation.segments
        var pages: [Homepage] = []
        pages.reserveCapacity(histories.rows)
        var start = 0
        while start < histories.rows {
            let batch = histories.selectingRows(start..<min(histories.rows, start + batchSize))
            let itemScores = model.scores(for: batch)
            let segmentScores = try segmentScores(histories: batch)
            for row in 0..<batch.rows {
                let seen = batch.columns(ofRow: row)
                let scores: [Float] = itemScores.row(row).map { (score: Float) -> Float in score.isNaN ? -Float.infinity : score }
                var shown = Set<Int>()
                let selected: [(item: Int, score: Float)] = TopKSelection.select(scores: scores, count: layout.forYouCount, excluding: seen)
                let forYou: [Homepage.RankedItem] = selected.map { Homepage.RankedItem(item: $0.item, score: $0.score) }
                if layout.distinctItems { shown.formUnion(forYou.map { (ranked: Homepage.RankedItem) -> Int in ranked.item }) }
                let seenSet = Set(seen.map(Int.init))
                var rows: [Homepage.SegmentRow] = []
                let ranked = Self.topSegments(scores: segmentScores.row(row), count: segments.count, positiveOnly: true)
                for segment in ranked where rows.count < layout.rows {
                    let unseen: [Int] = segments[segment].items.filter { (item: Int) -> Bool in
                        !seenSet.contains(item) && !shown.contains(item)
                    }
                    let byScore: [Int] = unseen.sorted { (a: Int, b: Int) -> Bool in
                        let scoreA: Float = scores[a], scoreB: Float = scores[b]
                        return scoreA != scoreB ? scoreA > scoreB : a < b
                    }
                    let items: ArraySlice<Int> = byScore.prefix(layout.itemsPerRow)
                    if items.isEmpty { continue }
                    if layout.distinctItems { shown.formUnion(items) }
                    rows.append(Homepage.SegmentRow(segment: segment, score: segmentScores[row, segment],
                                                    items: items.map { Homepage.RankedItem(item: $0, score: scores[$0]) }))
                }
                pages.append(Homepage(forYou: forYou, segmentRows: rows))
            }
            start += batchSize
        }
        return pages
    }
}
