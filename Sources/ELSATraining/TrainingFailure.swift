/// Training that went wrong in a way no model should be saved from.
public struct TrainingFailure: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// A batch's loss was NaN or infinite.
        case nonFiniteLoss(Double)
        /// The weights held a NaN or an infinity after a batch's step.
        case nonFiniteWeights
        /// Every epoch ended on the same loss: nothing was learned.
        case lossNeverMoved(Double)
    }

    public let kind: Kind
    /// 1-based epoch of the run, and batch within it (nil for `lossNeverMoved`).
    public let epoch: Int?
    public let batch: Int?
    public let learningRate: Float

    public var description: String {
        let place = epoch.map { "epoch \($0)" + (batch.map { ", batch \($0)" } ?? "") + ": " } ?? ""
        let hint = " (learning rate \(learningRate); a smaller one may train)"
        switch kind {
        case .nonFiniteLoss(let loss): return "training failed at \(place)the loss is \(loss)" + hint
        case .nonFiniteWeights: return "training failed at \(place)the weights hold NaN or infinite values after the step" + hint
        case .lossNeverMoved(let loss): return "training failed: every epoch ended on the same loss \(loss); nothing was learned" + hint
        }
    }

    /// The failure of a run whose epochs (at least two) all ended on one loss, or nil.
    public static func stalled(_ history: [EpochReport], learningRate: Float) -> TrainingFailure? {
        guard history.count >= 2, let first = history.first?.loss, history.allSatisfy({ $0.loss == first }) else { return nil }
        return TrainingFailure(kind: .lossNeverMoved(first), epoch: nil, batch: nil, learningRate: learningRate)
    }
}
