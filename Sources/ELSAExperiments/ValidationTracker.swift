import Foundation
import ELSAEvaluation
import ELSALinearAlgebra
import ELSAModels
import ELSATraining

/// Evaluates the model after each epoch on the validation users (held out of training apart
/// from the test users) and remembers the best epoch: for choosing the number of epochs
/// without looking at the test users.
public final class ValidationTracker {
    public let folds: EvaluationFolds
    public let itemIDs: [String]
    public let threads: Int
    public let keepBest: Bool
    /// The evaluated epoch with the highest validation Recall@20 (the earliest on ties); its model with `keepBest`.
    public private(set) var best: (epoch: Int, recall: Double, model: ELSAModel?)?
    /// The first evaluation that failed (rethrown when training ends).
    public private(set) var failure: Error?
    /// Seconds spent evaluating so far.
    public private(set) var seconds = 0.0

    public init(folds: EvaluationFolds, itemIDs: [String], threads: Int, keepBest: Bool) {
        self.folds = folds
        self.itemIDs = itemIDs
        self.threads = threads
        self.keepBest = keepBest
    }

    /// The best epoch so far as a dense checkpoint saves it (its normalized matrix when the model is kept and dense).
    public var keptEpoch: DenseELSATrainer.KeptEpoch? {
        guard let best else { return nil }
        var matrix: DenseMatrix?
        if let model = best.model, case .dense(let normalized) = model.embedding { matrix = normalized }
        return DenseELSATrainer.KeptEpoch(epoch: best.epoch, recall: best.recall, normalizedMatrix: matrix)
    }

    /// Continues a run resumed from a checkpoint: its best epoch before the interruption.
    public func restore(_ kept: DenseELSATrainer.KeptEpoch) {
        let model = keepBest ? kept.normalizedMatrix.map {
            ELSAModel(embedding: .dense($0), itemIDs: itemIDs, threads: threads, isNormalized: true)
        } : nil
        best = (kept.epoch, kept.recall, model)
    }

    /// Evaluates `model`, the weights after `epoch`; returns its metrics (nil if the evaluation failed).
    public func evaluate(_ model: ELSAModel, epoch: Int) -> [String: Double]? {
        let start = Date()
        defer { seconds += Date().timeIntervalSince(start) }
        do {
            let metrics = try Evaluator(threadCount: threads).evaluate(model, on: folds).metrics
            let recall = metrics["recall@20"] ?? 0
            if best == nil || recall > best!.recall { best = (epoch, recall, keepBest ? model : nil) }
            return metrics
        } catch {
            if failure == nil { failure = error }
            return nil
        }
    }
}
