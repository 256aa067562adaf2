import Foundation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse

/// A learning rate that falls within each stage of several epochs (not in the paper): epoch e (0-based)
/// of a stage of E epochs trains at `floor + (1 − floor) · (1 + cos(π e / (E − 1))) / 2` times the
/// configured rate, from the full rate at the stage's first epoch to `floor` times it at its last.
/// Stages of one epoch (all but the target in the exponential schedule) keep the full rate.
public struct StageLearningRateDecay: Sendable, Equatable, Codable {
    /// The fraction of the learning rate at a stage's last epoch, in [0, 1).
    public var floor: Double

    public init(floor: Double) {
        if let problem = Self.problem(floor: floor) { preconditionFailure(problem) }
        self.floor = floor
    }

    /// Decodes a stored decay (a checkpoint's), refusing a floor `init` would not take.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let floor = try container.decode(Double.self, forKey: .floor)
        if let problem = Self.problem(floor: floor) {
            throw DecodingError.dataCorruptedError(forKey: .floor, in: container, debugDescription: problem)
        }
        self.init(floor: floor)
    }

    private static func problem(floor: Double) -> String? {
        floor >= 0 && floor < 1 ? nil : "the learning-rate floor must be in [0, 1), got \(floor)"
    }

    /// The factor on the learning rate in epoch `epoch` (0-based) of a stage of `epochs`.
    public func scale(epoch: Int, of epochs: Int) -> Double {
        guard epochs > 1 else { return 1 }
        return floor + (1 - floor) * (1 + cos(Double.pi * Double(epoch) / Double(epochs - 1))) / 2
    }
}
