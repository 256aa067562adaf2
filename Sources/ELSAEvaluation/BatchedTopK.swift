import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// The driver shared by ``Evaluator`` and ``recommend(_:histories:count:batchSize:threadCount:)``:
/// scores the rows of `histories` in batches with the recommender and selects each
/// row's top items in parallel, excluding the row's own history.
enum BatchedTopK {
    /// Checks what every batched top-K call needs from its arguments.
    static func validate(itemCount: Int, histories: CSRMatrix, batchSize: Int, threadCount: Int) throws {
        guard itemCount == histories.columns else {
            throw EvaluationError.itemCountMismatch(recommenderItems: itemCount, dataItems: histories.columns)
        }
        guard batchSize >= 1 else {
            throw EvaluationError.invalidArgument("batchSize must be >= 1, got \(batchSize)")
        }
        guard threadCount >= 1 else {
            throw EvaluationError.invalidArgument("threadCount must be >= 1, got \(threadCount)")
        }
        for row in 0..<histories.rows {
            let columns = histories.columns(ofRow: row)
            guard zip(columns, columns.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw EvaluationError.invalidArgument("history row \(row) has unsorted or repeated column indices")
            }
        }
    }

    /// For every row `r` of `histories`, calls `consume(r, items, scores)` exactly once, from
    /// some worker thread, with the row's best `min(count, unseen items)` items, best first.
    /// The buffers are valid only during the call. Batches are scored one at a time on the
    /// calling thread (the recommender may use BLAS threads then); selection runs on at most
    /// `threadCount` threads. Arguments must have passed ``validate(itemCount:histories:batchSize:threadCount:)``.
    /// - Precondition: the recommender returns a `batch rows x itemCount` score matrix.
    static func run<Model: Recommender>(
        _ recommender: Model, histories: CSRMatrix, count: Int, batchSize: Int, threadCount: Int,
        consume: @Sendable (_ row: Int, _ items: UnsafeBufferPointer<Int32>, _ scores: UnsafeBufferPointer<Float>) -> Void
    ) {
        let itemCount = histories.columns
        let capacity = min(count, itemCount)
        if let rowScoring = recommender as? any RowScoringRecommender, rowScoring.makeRowScorer() != nil {
            runRowByRow(rowScoring, histories: histories, count: capacity, threadCount: threadCount, consume: consume)
            return
        }
        histories.rowOffsets.withUnsafeBufferPointer { offsetBuffer in
            histories.columnIndices.withUnsafeBufferPointer { indexBuffer in
                let offsets = UncheckedSendable(offsetBuffer)
                let indices = UncheckedSendable(indexBuffer)
                var batchStart = 0
                while batchStart < histories.rows {
                    let batchEnd = min(batchStart + batchSize, histories.rows)
                    var scores = recommender.scores(for: histories.selectingRows(batchStart..<batchEnd))
                    precondition(scores.rows == batchEnd - batchStart && scores.columns == itemCount,
                                 "the recommender returned \(scores.rows) x \(scores.columns) scores for a batch of "
                                 + "\(batchEnd - batchStart) rows over \(itemCount) items")
                    // The batch's score matrix is ours: selection may overwrite it (excluded items, NaN).
                    scores.storage.withUnsafeMutableBufferPointer { scoreBuffer in
                        let scoreRows = UncheckedSendable(scoreBuffer)
                        let start = batchStart
                        ParallelFor.chunks(count: batchEnd - batchStart, threads: threadCount) { chunk in
                            let selectedItems = UnsafeMutablePointer<Int32>.allocate(capacity: max(capacity, 1))
                            let selectedScores = UnsafeMutablePointer<Float>.allocate(capacity: max(capacity, 1))
                            let scratch = TopKSelection.Scratch(itemCount: itemCount)
                            defer { selectedItems.deallocate(); selectedScores.deallocate() }
                            for local in chunk {
                                let row = start + local
                                let seen = UnsafeBufferPointer(
                                    rebasing: indices.value[offsets.value[row]..<offsets.value[row + 1]])
                                // An empty score matrix may have no storage address; nothing to select then.
                                let selected = itemCount == 0 ? 0 : TopKSelection.selectOverwriting(
                                    scores: scoreRows.value.baseAddress! + local * itemCount, itemCount: itemCount,
                                    excluding: seen, count: capacity, items: selectedItems, selectedScores: selectedScores,
                                    scratch: scratch)
                                consume(row, UnsafeBufferPointer(start: selectedItems, count: selected),
                                        UnsafeBufferPointer(start: selectedScores, count: selected))
                            }
                        }
                    }
                    batchStart = batchEnd
                }
            }
        }
    }

    /// Fused scoring and selection, user by user: each worker scores a history into one
    /// `itemCount` row (which stays in cache) and selects from it at once.
    private static func runRowByRow(
        _ recommender: any RowScoringRecommender, histories: CSRMatrix, count capacity: Int, threadCount: Int,
        consume: @Sendable (_ row: Int, _ items: UnsafeBufferPointer<Int32>, _ scores: UnsafeBufferPointer<Float>) -> Void
    ) {
        let itemCount = histories.columns
        histories.rowOffsets.withUnsafeBufferPointer { offsetBuffer in
        histories.columnIndices.withUnsafeBufferPointer { indexBuffer in
        histories.values.withUnsafeBufferPointer { valueBuffer in
            let offsets = UncheckedSendable(offsetBuffer)
            let indices = UncheckedSendable(indexBuffer)
            let values = UncheckedSendable(valueBuffer)
            ParallelFor.chunks(count: histories.rows, threads: threadCount) { chunk in
                guard let scorer = recommender.makeRowScorer() else { preconditionFailure("the row scorer disappeared") }
                let scoreRow = UnsafeMutablePointer<Float>.allocate(capacity: max(itemCount, 1))
                let selectedItems = UnsafeMutablePointer<Int32>.allocate(capacity: max(capacity, 1))
                let selectedScores = UnsafeMutablePointer<Float>.allocate(capacity: max(capacity, 1))
                let scratch = TopKSelection.Scratch(itemCount: itemCount)
                defer { scoreRow.deallocate(); selectedItems.deallocate(); selectedScores.deallocate() }
                for row in chunk {
                    let range = offsets.value[row]..<offsets.value[row + 1]
                    let seen = UnsafeBufferPointer(rebasing: indices.value[range])
                    scorer.scoreRow(items: seen, values: UnsafeBufferPointer(rebasing: values.value[range]), into: scoreRow)
                    let selected = TopKSelection.selectOverwriting(scores: scoreRow, itemCount: itemCount,
                                                                   excluding: seen, count: capacity, items: selectedItems,
                                                                   selectedScores: selectedScores, scratch: scratch)
                    consume(row, UnsafeBufferPointer(start: selectedItems, count: selected),
                            UnsafeBufferPointer(start: selectedScores, count: selected))
                }
            }
        }}}
    }
}
