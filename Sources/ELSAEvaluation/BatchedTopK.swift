import ELSALinearAlgebra
import ELSASparse

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
        histories.rowOffsets.withUnsafeBufferPointer { offsetBuffer in
            histories.columnIndices.withUnsafeBufferPointer { indexBuffer in
                let offsets = SendableBuffer(buffer: offsetBuffer)
                let indices = SendableBuffer(buffer: indexBuffer)
                var batchStart = 0
                while batchStart < histories.rows {
                    let batchEnd = min(batchStart + batchSize, histories.rows)
                    let scores = recommender.scores(for: histories.selectingRows(batchStart..<batchEnd))
                    precondition(scores.rows == batchEnd - batchStart && scores.columns == itemCount,
                                 "the recommender returned \(scores.rows) x \(scores.columns) scores for a batch of "
                                 + "\(batchEnd - batchStart) rows over \(itemCount) items")
                    scores.storage.withUnsafeBufferPointer { scoreBuffer in
                        let scoreRows = SendableBuffer(buffer: scoreBuffer)
                        let start = batchStart
                        RowParallelism.forEachChunk(rowCount: batchEnd - batchStart, threadCount: threadCount) { chunk in
                            let selectedItems = UnsafeMutablePointer<Int32>.allocate(capacity: max(capacity, 1))
                            let selectedScores = UnsafeMutablePointer<Float>.allocate(capacity: max(capacity, 1))
                            defer { selectedItems.deallocate(); selectedScores.deallocate() }
                            for local in chunk {
                                let row = start + local
                                let seen = UnsafeBufferPointer(
                                    rebasing: indices.buffer[offsets.buffer[row]..<offsets.buffer[row + 1]])
                                let scoreRow = UnsafeBufferPointer(
                                    rebasing: scoreRows.buffer[(local * itemCount)..<((local + 1) * itemCount)])
                                let selected = TopKSelection.select(scores: scoreRow, excluding: seen, count: capacity,
                                                                    items: selectedItems, selectedScores: selectedScores)
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
}
