import Foundation
import ELSATraining

/// One finished run of a compression study; one JSON file per run makes a study resumable.
public struct BenchRun: Codable, Sendable, Equatable {
    /// Stable id, also the file name: e.g. `exponential-restart-k16`.
    public var id: String
    /// The method (a row of the table), e.g. `Compressed ELSA (exponential, restart)`.
    public var method: String
    /// The nominal byte budget (nil for the uncompressed references).
    public var budget: Int?
    public var bytesPerItem: Int
    /// Nonzeros per row (sparse) or dimension (dense).
    public var k: Int?
    public var dimension: Int?
    public var metrics: [String: Double]
    public var trainSeconds: Double
    public var epochs: [EpochReport]
    /// Bytes the item representation takes in memory.
    public var modelBytes: Int
    /// Top-100 recommendation latency per user (µs), batched.
    public var latencyMicroseconds: Double
    /// The epoch whose model was kept, chosen on validation users (nil: the last epoch, or no epochs).
    public var selectedEpoch: Int?
    /// The recipe that trained the run (`elsa train --recipe` reads it from this file); nil for the fitted
    /// baselines and for runs recorded before recipes.
    public var recipe: TrainingRecipe? = nil

    public var recall20: Double { metrics["recall@20"] ?? .nan }
}
