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
    /// Why training stopped early (a non-finite loss or weight), or nil. Once set, `train` does nothing: the
    /// weights are those of the failed step, and no model should be saved from them.
    public internal(set) var failure: TrainingFailure?
    private let step: DenseTrainingStep

    /// Seconds spent in sgemm calls so far.
    public var gemmSeconds: Double { step.gemmSeconds }

    /// Starts from the matrix `configuration.initialization` asks for on the items of `interactions`
    /// (users x items): by default Xavier followed by the reference's warm step on epoch 1's first batch.
    public convenience init(initializingOn interactions: CSRMatrix, configuration: TrainingConfiguration) {
        precondition(interactions.columns > 0 && configuration.dimension > 0,
                     "training needs items and a dimension, got \(interactions.columns) items and d = \(configuration.dimension)")
        self.init(parameters: InitialMatrix.make(for: interactions, configuration: configuration), configuration: configuration)
    }

    /// Starts from a Xavier-uniform matrix seeded with `configuration.seed`, whatever
    /// `configuration.initialization` says (a warm start needs the data: `init(initializingOn:configuration:)`).
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
    /// A non-finite loss or weight stops the training and sets `failure` (the failed epoch is not in `history`).
    public func train(_ interactions: CSRMatrix, epochs: Int? = nil, observer: TrainingObserver? = nil,
                      afterEpoch: ((Int) -> [String: Double]?)? = nil) {
        precondition(interactions.columns == parameters.rows,
                     "data has \(interactions.columns) items, the model \(parameters.rows)")
        let total = epochs ?? configuration.epochs
        BLASThreads.with(configuration.threads) {
            if configuration.preStageStep, history.isEmpty, optimizer.iterations == 0, total > 0,
               let first = EpochRunner.leadingBatches(1, epoch: 1, of: interactions, configuration: configuration,
                                                      stream: EpochRunner.preStageStream).first {
                _ = step.run(batch: first, parameters: &parameters, optimizer: optimizer, activation: configuration.activation)
            }
            for _ in 0..<total where failure == nil {
                let epoch = history.count + 1
                if configuration.optimizerResetEpochs > 0, epoch > 1, (epoch - 1) % configuration.optimizerResetEpochs == 0 {
                    optimizer.reset()
                }
                let (report, failed) = EpochRunner.run(epoch: epoch, interactions: interactions, configuration: configuration,
                                                       k: parameters.columns, stage: 0, observer: observer) { batch in
                    let loss = step.run(batch: batch, parameters: &parameters, optimizer: optimizer, activation: configuration.activation)
                    return (loss, parameters.storage.withUnsafeBufferPointer { BLAS.allFinite(count: $0.count, $0.baseAddress!) })
                }
                if let failed {
                    failure = failed
                    return
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
