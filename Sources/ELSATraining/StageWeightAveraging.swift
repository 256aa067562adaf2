import Foundation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse

/// Weight averaging within a stage (stochastic weight averaging, Izmailov et al., UAI 2018; not in the
/// paper): a sparse stage of several epochs ends on the mean of the row-normalized weights after each
/// of its last `epochs` epochs (all of them in a shorter stage), on the stage's final pattern, instead of
/// its last epoch's weights. With regrowth an entry counts as 0 in the epochs before it last joined the
/// pattern, as a grown entry joins at 0. Stages of one epoch (all but the target in the exponential
/// schedule) and the full pattern (k = d) are left alone.
public struct StageWeightAveraging: Sendable, Equatable, Codable {
    /// How many of a stage's last epochs are averaged, at least 2.
    public var epochs: Int

    public init(epochs: Int) {
        if let problem = Self.problem(epochs: epochs) { preconditionFailure(problem) }
        self.epochs = epochs
    }

    /// Decodes a stored averaging (a checkpoint's), refusing a count `init` would not take.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let epochs = try container.decode(Int.self, forKey: .epochs)
        if let problem = Self.problem(epochs: epochs) {
            throw DecodingError.dataCorruptedError(forKey: .epochs, in: container, debugDescription: problem)
        }
        self.init(epochs: epochs)
    }

    private static func problem(epochs: Int) -> String? {
        epochs >= 2 ? nil : "weight averaging needs at least 2 epochs, got \(epochs)"
    }

    /// Whether the weights after epoch `epoch` (0-based) of a stage of `stageEpochs` join the average.
    public func includes(epoch: Int, of stageEpochs: Int) -> Bool {
        stageEpochs > 1 && epoch >= stageEpochs - epochs
    }
}
