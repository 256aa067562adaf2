import Foundation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse

/// Prune-and-regrow between the epochs of a stage (after RigL, Evci et al., ICML 2020; not in the paper):
/// after epoch t of a stage of T epochs (t < T) each row of a sparse-path pattern swaps up to
/// `fraction · (1 + cos(π t / T)) / 2 · k` entries: those of smallest magnitude leave, the latents
/// outside the pattern with the largest dense gradient (summed over `batches` batches) join at zero,
/// with fresh optimizer moments. The update fraction decays to zero at the stage's end, as RigL's does.
public struct PatternRegrowth: Sendable, Equatable, Codable {
    /// Fraction of k swapped after a stage's first epoch, in (0, 1].
    public var fraction: Double
    /// Batches of users whose dense gradient scores the candidates.
    public var batches: Int
    /// `batches` when a command does not set it.
    public static let defaultBatches = 4

    public init(fraction: Double, batches: Int) {
        if let problem = Self.problem(fraction: fraction, batches: batches) { preconditionFailure(problem) }
        self.fraction = fraction
        self.batches = batches
    }

    /// Decodes a stored regrowth (a checkpoint's), refusing values `init` would not take.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fraction = try container.decode(Double.self, forKey: .fraction), batches = try container.decode(Int.self, forKey: .batches)
        if let problem = Self.problem(fraction: fraction, batches: batches) {
            throw DecodingError.dataCorruptedError(forKey: .fraction, in: container, debugDescription: problem)
        }
        self.init(fraction: fraction, batches: batches)
    }

    private static func problem(fraction: Double, batches: Int) -> String? {
        if !(fraction > 0 && fraction <= 1) { return "the regrowth fraction must be in (0, 1], got \(fraction)" }
        if batches < 1 { return "regrowth needs at least one batch, got \(batches)" }
        return nil
    }

    /// Entries per row to swap after epoch `epoch` (1-based) of a stage of `epochs` with `k` of `dimension`
    /// (nil after the stage's last epoch, when nothing is left to swap, or when the pattern is full).
    public func count(k: Int, dimension: Int, after epoch: Int, of epochs: Int) -> Int? {
        guard epoch < epochs, k < dimension else { return nil }
        let decay = (1 + cos(Double.pi * Double(epoch) / Double(epochs))) / 2
        let count = Int((fraction * decay * Double(k)).rounded())
        return count > 0 ? count : nil
    }
}
