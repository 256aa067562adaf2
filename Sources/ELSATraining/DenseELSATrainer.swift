import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse

/// Trains dense ELSA: A (items x d) with Nadam on the normalized-cosine loss.
public final class DenseELSATrainer {
    public let configuration: TrainingConfiguration
    /// The raw (unnormalized) item matrix being trained.
    public private(set) var parameters: DenseMatrix
    public private(set) var optimizer: Nadam
    public internal(set) var history: [EpochReport] = []
    private let step: DenseTrainingStep

    /// Seconds spent in sgemm calls so far.
    public var gemmSeconds: Double { step.gemmSeconds }

    /// Starts from a Xavier-uniform matrix seeded with `configuration.seed`.
    public init(itemCount: Int, configuration: TrainingConfiguration) {
        precondition(itemCount > 0 && configuration.dimension > 0,
                     "training needs items and a dimension, got \(itemCount) items and d = \(configuration.dimension)")
        self.configuration = configuration
        self.parameters = XavierInitializer.matrix(rows: itemCount, columns: configuration.dimension, seed: configuration.seed)
        self.optimizer = Nadam(parameterCount: itemCount * configuration.dimension, configuration: configuration.optimizer)
        self.step = DenseTrainingStep(threads: configuration.threads)
    }

    /// Starts from given parameters (items x d).
    public convenience init(parameters: DenseMatrix, configuration: TrainingConfiguration) {
        self.init(parameters: parameters, configuration: configuration,
                  optimizer: Nadam(parameterCount: parameters.storage.count, configuration: configuration.optimizer))
    }

    /// Starts from given parameters and optimizer state (a checkpoint's).
    init(parameters: DenseMatrix, configuration: TrainingConfiguration, optimizer: Nadam) {
        self.configuration = configuration
        self.parameters = parameters
        self.optimizer = optimizer
        self.step = DenseTrainingStep(threads: configuration.threads)
    }

    /// Runs one gradient step on a prepared batch (for tests and benchmarks).
    @discardableResult
    public func step(_ batch: TrainingBatch) -> Double {
        BLASThreads.with(configuration.threads) {
            step.run(batch: batch, parameters: &parameters, optimizer: optimizer, activation: configuration.activation)
        }
    }

    /// Trains `epochs` epochs (default: the configuration's) on `interactions` (users x items).
    /// `afterEpoch` runs after each epoch with its number (the trainer holds that epoch's weights);
    /// metrics it returns are stored as the epoch's `validation` before the observer hears of the epoch.
    public func train(_ interactions: CSRMatrix, epochs: Int? = nil, observer: TrainingObserver? = nil,
                      afterEpoch: ((Int) -> [String: Double]?)? = nil) {
        precondition(interactions.columns == parameters.rows,
                     "data has \(interactions.columns) items, the model \(parameters.rows)")
        let total = epochs ?? configuration.epochs
        BLASThreads.with(configuration.threads) {
            for _ in 0..<total {
                let epoch = history.count + 1
                let report = EpochRunner.run(epoch: epoch, interactions: interactions, configuration: configuration,
                                             k: parameters.columns, stage: 0, observer: observer) { batch in
                    step.run(batch: batch, parameters: &parameters, optimizer: optimizer, activation: configuration.activation)
                }
                var finished = report
                finished.validation = afterEpoch?(report.epoch)  // before `history` is touched: the hook may read it
                history.append(finished)
                observer?.epochFinished(finished)
            }
        }
    }

    /// The trained model (row-normalized item matrix).
    public func model(itemIDs: [String]) -> ELSAModel {
        ELSAModel(embedding: .dense(parameters), itemIDs: itemIDs, threads: configuration.threads)
    }
}

/// One pass over the users in seeded batches, shared by dense and sparse trainers.
enum EpochRunner {
    static func run(epoch: Int, interactions: CSRMatrix, configuration: TrainingConfiguration, k: Int, stage: Int,
                    observer: TrainingObserver?, step: (TrainingBatch) -> Double) -> EpochReport {
        let start = ContinuousClock.now
        let schedule = BatchSchedule(users: interactions.rows, batchSize: configuration.batchSize,
                                     seed: configuration.seed, epoch: epoch)
        var generator = SeededGenerator(seed: configuration.seed, stream: 0xBA7C4 &+ UInt64(epoch))
        // A stream of its own, so that runs without dropout draw exactly what they drew before it existed.
        var dropoutGenerator = SeededGenerator(seed: configuration.seed, stream: 0xD80F_0000 &+ UInt64(epoch))
        var lossSum = 0.0
        var counted = 0
        for (index, users) in schedule.batches.enumerated() {
            let rows = interactions.selectingRows(users)
            if rows.nonzeroCount == 0 { continue }
            let input = configuration.inputDropout > 0
                ? TrainingBatch.droppingEntries(of: rows, probability: configuration.inputDropout, generator: &dropoutGenerator)
                : nil
            var batch = TrainingBatch(rows: rows, inputRows: input, maxOutput: configuration.maxOutput, generator: &generator)
            batch.users = users
            lossSum += step(batch)
            counted += 1
            observer?.batchFinished(epoch: epoch, batch: index + 1, of: schedule.batches.count, loss: lossSum / Double(counted))
        }
        let elapsed = seconds(since: start)
        return EpochReport(epoch: epoch, loss: counted == 0 ? 0 : lossSum / Double(counted), seconds: elapsed,
                           k: k, stage: stage, usersPerSecond: Double(interactions.rows) / max(elapsed, 1e-9))
    }
}
