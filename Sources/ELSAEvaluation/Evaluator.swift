import Foundation
import ELSASparse
import _ELSASupport

/// Scores (user, fold) rows with a ``Recommender`` and averages ranking metrics (SPEC §5).
///
/// Rows are scored in batches of ``batchSize`` with `recommender.scores(for:)` on
/// the calling thread; for each row the input (seen) items are excluded, the top
/// `max K` items are selected without a full sort (``TopKSelection``) on up to
/// ``threadCount`` threads, and every metric is computed from that one ranking.
/// Per-row values are summed in row order afterwards, so the result does not depend
/// on ``threadCount`` or ``batchSize`` (as long as the recommender's scores do not:
/// BLAS-backed models should fix their BLAS thread count). The evaluator never sets
/// BLAS threads; selection does not overlap with scoring.
public struct Evaluator: Sendable {
    /// The metrics to compute; defaults to recall@20, recall@50, ndcg@100.
    public var metrics: [RankingMetric]
    /// Rows scored per `scores(for:)` call (a batch x items dense matrix is allocated).
    public var batchSize: Int
    /// Threads used for top-K selection and metrics.
    public var threadCount: Int

    /// The default thread count: the number of active processors.
    public static var defaultThreadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public init(metrics: [RankingMetric] = RankingMetric.defaults, batchSize: Int = 1024,
                threadCount: Int = Evaluator.defaultThreadCount) {
        self.metrics = metrics
        self.batchSize = batchSize
        self.threadCount = threadCount
    }

    /// Evaluates `recommender` on the (user, fold) rows of `folds`.
    /// - Throws: see ``evaluate(_:inputs:targets:)``.
    public func evaluate<Model: Recommender>(_ recommender: Model, on folds: EvaluationFolds) throws -> EvaluationResult {
        try evaluate(recommender, inputs: folds.inputs, targets: folds.targets)
    }

    /// Evaluates `recommender` on rows `inputs` (histories) against `targets` (held-out items), both rows x items.
    /// - Throws: `EvaluationError.itemCountMismatch` if the recommender's item count is not the data's;
    ///   `EvaluationError.invalidArgument` if there are no metrics, a cutoff is below 1, `batchSize` or
    ///   `threadCount` is below 1, the two matrices differ in shape, a target row is empty, or a row's
    ///   column indices are unsorted; `EvaluationError.nothingToEvaluate` if there are no rows.
    public func evaluate<Model: Recommender>(_ recommender: Model, inputs: CSRMatrix, targets: CSRMatrix)
        throws -> EvaluationResult {
        let clock = ContinuousClock()
        let started = clock.now
        guard !metrics.isEmpty else { throw EvaluationError.invalidArgument("no metrics to compute") }
        for metric in metrics where metric.cutoff < 1 {
            throw EvaluationError.invalidArgument("\(metric) needs a cutoff >= 1")
        }
        guard inputs.rows == targets.rows && inputs.columns == targets.columns else {
            throw EvaluationError.invalidArgument("inputs are \(inputs.rows) x \(inputs.columns) but targets are "
                                                  + "\(targets.rows) x \(targets.columns)")
        }
        guard inputs.rows > 0 else { throw EvaluationError.nothingToEvaluate }
        try BatchedTopK.validate(itemCount: recommender.itemCount, histories: inputs, batchSize: batchSize,
                                 threadCount: threadCount)
        try BatchedTopK.validate(itemCount: recommender.itemCount, histories: targets, batchSize: batchSize,
                                 threadCount: threadCount)
        for row in 0..<targets.rows where targets.count(ofRow: row) == 0 {
            throw EvaluationError.invalidArgument("target row \(row) is empty")
        }

        let metrics = self.metrics
        let metricCount = metrics.count
        let maximumCutoff = metrics.map(\.cutoff).max()!
        var perRow = [Double](repeating: 0, count: inputs.rows * metricCount)
        perRow.withUnsafeMutableBufferPointer { perRowBuffer in
            targets.rowOffsets.withUnsafeBufferPointer { offsetBuffer in
                targets.columnIndices.withUnsafeBufferPointer { indexBuffer in
                    let perRow = UncheckedSendable(perRowBuffer)
                    let targetOffsets = UncheckedSendable(offsetBuffer)
                    let targetIndices = UncheckedSendable(indexBuffer)
                    BatchedTopK.run(recommender, histories: inputs, count: maximumCutoff, batchSize: batchSize,
                                    threadCount: threadCount) { row, items, _ in
                        let target = UnsafeBufferPointer(
                            rebasing: targetIndices.value[targetOffsets.value[row]..<targetOffsets.value[row + 1]])
                        withUnsafeTemporaryAllocation(of: Bool.self, capacity: max(items.count, 1)) { hits in
                            for position in 0..<items.count {
                                hits[position] = Self.sortedContains(target, items[position])
                            }
                            let hitRow = UnsafeBufferPointer(rebasing: hits[0..<items.count])
                            for (index, metric) in metrics.enumerated() {
                                perRow.value[row * metricCount + index] = metric.value(hits: hitRow,
                                                                                        targetCount: target.count)
                            }
                        }
                    }
                }
            }
        }

        var sums = [Double](repeating: 0, count: metricCount)
        for row in 0..<inputs.rows {
            for index in 0..<metricCount { sums[index] += perRow[row * metricCount + index] }
        }
        var named: [String: Double] = [:]
        for (index, metric) in metrics.enumerated() { named[metric.description] = sums[index] / Double(inputs.rows) }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return EvaluationResult(metrics: named, evaluatedCount: inputs.rows, seconds: seconds)
    }

    /// Binary search in a sorted CSR row.
    @inline(__always)
    private static func sortedContains(_ row: UnsafeBufferPointer<Int32>, _ item: Int32) -> Bool {
        var low = 0, high = row.count
        while low < high {
            let middle = (low + high) / 2
            if row[middle] < item { low = middle + 1 } else { high = middle }
        }
        return low < row.count && row[low] == item
    }
}
