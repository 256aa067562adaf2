import Foundation
import ELSALinearAlgebra
import _ELSASupport

/// Checkpoints of dense ELSA between epochs: the weights, both Nadam moments with the step
/// counter and momentum product, and the history, so an interrupted run continues where it
/// stopped and ends with the same weights, bit for bit, as one never interrupted (epochs
/// shuffle by seed and epoch number).
///
/// The file is a `SectionFile` ("ELSADENS", version 1): a JSON header, then four sections
/// (weights, momentum, velocity, and the model a validation run keeps, empty without one).
/// At d = 4096 on 25k items a checkpoint holds about 1.2 GB (2.4 GB with a kept model).
extension DenseELSATrainer {
    static let checkpointMagic = "ELSADENS"
    static let checkpointVersion: UInt32 = 1

    /// The best epoch so far of a run choosing its epoch on validation users, saved with the
    /// checkpoint so that `--keep-best` survives a resume.
    public struct KeptEpoch: Equatable {
        public var epoch: Int
        /// Validation Recall@20 of that epoch.
        public var recall: Double
        /// The row-normalized item matrix of that epoch (nil when only the epoch is tracked).
        public var normalizedMatrix: DenseMatrix?

        public init(epoch: Int, recall: Double, normalizedMatrix: DenseMatrix?) {
            self.epoch = epoch
            self.recall = recall
            self.normalizedMatrix = normalizedMatrix
        }
    }

    struct DenseCheckpointHeader: CheckpointIdentity {
        /// The caller's description of the run (data, split, ...), compared on resume.
        var run: String
        var configuration: TrainingConfiguration
        var itemCount: Int
        var history: [EpochReport]
        var optimizerIterations: Int
        var optimizerMomentumProduct: Double
        var keptEpoch: Int?
        var keptRecall: Double?
        /// The recipe of the run that wrote the checkpoint (JSON), for the reader; not compared on resume.
        var recipe: String?
    }

    /// Writes the trainer's state (and `kept`) to `path` atomically. `run` describes what the
    /// trainer trains on (data, split); `resume` refuses a checkpoint whose `run` differs.
    /// - Throws: `DataError.cannotWrite` naming `path`.
    /// `recipe`: the run's recipe as JSON, kept in the header for whoever reads the file.
    public func writeCheckpoint(to path: String, run: String, kept: KeptEpoch? = nil, recipe: String? = nil) throws {
        let header = DenseCheckpointHeader(
            run: run, configuration: configuration, itemCount: parameters.rows, history: history,
            optimizerIterations: optimizer.iterations, optimizerMomentumProduct: optimizer.momentumProduct,
            keptEpoch: kept?.epoch, keptRecall: kept?.recall, recipe: recipe)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        let keptValues = kept?.normalizedMatrix?.storage ?? []
        let momentum = optimizer.momentum, velocity = optimizer.velocity
        try parameters.storage.withUnsafeBytes { w in
        try momentum.withUnsafeBytes { mo in
        try velocity.withUnsafeBytes { ve in
        try keptValues.withUnsafeBytes { k in
            try SectionFile.write(path, magic: Self.checkpointMagic, version: Self.checkpointVersion, header: json,
                                  sections: [w, mo, ve, k])
        }}}}
    }

    /// A trainer continuing from the checkpoint at `path`, and the kept epoch saved with it.
    /// `run`, `configuration` (threads aside) and `itemCount` must be those of the run that wrote it.
    /// - Throws: `DataError.cannotRead` (missing, unreadable, damaged or not a dense checkpoint),
    ///   `CheckpointError.otherRun` when it belongs to another run, `CheckpointError.corrupt`.
    public static func resume(from path: String, run: String, configuration: TrainingConfiguration,
                              itemCount: Int) throws -> (trainer: DenseELSATrainer, kept: KeptEpoch?) {
        let (contents, header) = try openCheckpoint(path, magic: checkpointMagic, version: checkpointVersion,
                                                    header: DenseCheckpointHeader.self, run: run, configuration: configuration)
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(file: path, reason: reason) }
        guard header.itemCount == itemCount else {
            throw CheckpointError.otherRun(file: path, reason: "\(header.itemCount) items, this run has \(itemCount)")
        }
        guard contents.sections.count == 4 else { throw corrupt("\(contents.sections.count) sections, expected 4") }
        let count = itemCount * configuration.dimension
        let weights = try contents.array(0, of: Float.self, file: path)
        let momentum = try contents.array(1, of: Float.self, file: path)
        let velocity = try contents.array(2, of: Float.self, file: path)
        let keptValues = try contents.array(3, of: Float.self, file: path)
        guard weights.count == count, momentum.count == count, velocity.count == count else {
            throw corrupt("\(weights.count) weights and moments of \(momentum.count) and \(velocity.count) values for "
                          + "\(itemCount) items x d = \(configuration.dimension)")
        }
        guard header.history.count <= configuration.epochs, header.optimizerIterations >= 0 else {
            throw corrupt("\(header.history.count) epochs done of \(configuration.epochs), optimizer step \(header.optimizerIterations)")
        }
        try requireFiniteState(weights: [("weights", weights), ("kept matrix", keptValues)], momentum: momentum,
                               velocity: velocity, file: path)
        var kept: KeptEpoch?
        switch (header.keptEpoch, header.keptRecall) {
        case (nil, nil):
            guard keptValues.isEmpty else { throw corrupt("a kept matrix without a kept epoch") }
        case let (epoch?, recall?):
            guard epoch >= 1, epoch <= header.history.count, keptValues.isEmpty || keptValues.count == count else {
                throw corrupt("kept epoch \(epoch) of \(header.history.count) with \(keptValues.count) values")
            }
            kept = KeptEpoch(epoch: epoch, recall: recall, normalizedMatrix: keptValues.isEmpty ? nil
                             : DenseMatrix(rows: itemCount, columns: configuration.dimension, storage: keptValues))
        default:
            throw corrupt("a kept epoch without its recall, or a recall without its epoch")
        }
        let optimizer = Nadam(configuration: configuration.optimizer, momentum: momentum, velocity: velocity,
                              iterations: header.optimizerIterations, momentumProduct: header.optimizerMomentumProduct)
        let trainer = DenseELSATrainer(parameters: DenseMatrix(rows: itemCount, columns: configuration.dimension, storage: weights),
                                       configuration: configuration, optimizer: optimizer)
        trainer.history = header.history
        return (trainer, kept)
    }
}
