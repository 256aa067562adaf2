import ELSASparse
import _ELSASupport

/// The top `count` unseen items for every row of `histories` (users x items), best first.
///
/// Each row gets `min(count, items not in its history)` pairs; ties go to the lower item
/// index, NaN scores rank last (reported as `-infinity`). Rows are scored in batches of
/// `batchSize` with one `scores(for:)` call each, and selection runs on up to `threadCount`
/// threads: much faster than scoring users one at a time. The result does not depend on
/// `threadCount` or `batchSize` if the recommender's scores do not.
/// - Throws: `EvaluationError.itemCountMismatch` if `histories.columns != recommender.itemCount`;
///   `EvaluationError.invalidArgument` if `count < 0`, `batchSize < 1`, `threadCount < 1`, or a
///   history row has unsorted column indices.
public func recommend<Model: Recommender>(
    _ recommender: Model, histories: CSRMatrix, count: Int, batchSize: Int = 1024,
    threadCount: Int = Evaluator.defaultThreadCount
) throws -> [[(item: Int, score: Float)]] {
    guard count >= 0 else { throw EvaluationError.invalidArgument("count must be >= 0, got \(count)") }
    try BatchedTopK.validate(itemCount: recommender.itemCount, histories: histories, batchSize: batchSize,
                             threadCount: threadCount)
    let width = min(count, histories.columns)
    var items = [Int32](repeating: 0, count: histories.rows * width)
    var scores = [Float](repeating: 0, count: histories.rows * width)
    var lengths = [Int](repeating: 0, count: histories.rows)
    items.withUnsafeMutableBufferPointer { itemBuffer in
        scores.withUnsafeMutableBufferPointer { scoreBuffer in
            lengths.withUnsafeMutableBufferPointer { lengthBuffer in
                let items = UncheckedSendable(itemBuffer)
                let scores = UncheckedSendable(scoreBuffer)
                let lengths = UncheckedSendable(lengthBuffer)
                BatchedTopK.run(recommender, histories: histories, count: width, batchSize: batchSize,
                                threadCount: threadCount) { row, selectedItems, selectedScores in
                    for position in 0..<selectedItems.count {
                        items.value[row * width + position] = selectedItems[position]
                        scores.value[row * width + position] = selectedScores[position]
                    }
                    lengths.value[row] = selectedItems.count
                }
            }
        }
    }
    return (0..<histories.rows).map { row in
        (0..<lengths[row]).map { position in
            (item: Int(items[row * width + position]), score: scores[row * width + position])
        }
    }
}
