/// Settings shared by dense and compressed ELSA training.
public struct TrainingConfiguration: Sendable, Equatable, Codable {
    /// Latent dimension d.
    public var dimension: Int = 256
    /// Epochs (for compressed ELSA: epochs per stage, E).
    public var epochs: Int = 10
    public var batchSize: Int = 1024
    /// Output columns per batch (items of the batch plus negatives); `Int.max` or >= items: all items.
    public var maxOutput: Int = Int.max
    public var optimizer = NadamConfiguration()
    public var activation: Activation = .relu6
    /// Threads for Dispatch kernels and BLAS (never both at once).
    public var threads: Int = 2
    public var seed: UInt64 = 42

    public init(dimension: Int = 256, epochs: Int = 10, batchSize: Int = 1024, maxOutput: Int = Int.max,
                optimizer: NadamConfiguration = NadamConfiguration(), activation: Activation = .relu6,
                threads: Int = 2, seed: UInt64 = 42) {
        self.dimension = dimension
        self.epochs = epochs
        self.batchSize = batchSize
        self.maxOutput = maxOutput
        self.optimizer = optimizer
        self.activation = activation
        self.threads = threads
        self.seed = seed
    }
}

/// What one epoch did; handed to progress observers and written to reports.
public struct EpochReport: Sendable, Equatable, Codable {
    /// 1-based epoch number over the whole run (all stages).
    public var epoch: Int
    /// Mean batch loss.
    public var loss: Double
    public var seconds: Double
    /// Nonzeros per row during the epoch (d for dense training).
    public var k: Int
    /// 0-based stage of the sparsification schedule (0 for dense training).
    public var stage: Int
    public var usersPerSecond: Double
    /// Metrics on the validation users after this epoch (`recall@20`, ...), when they were computed.
    public var validation: [String: Double]?

    public init(epoch: Int, loss: Double, seconds: Double, k: Int, stage: Int, usersPerSecond: Double,
                validation: [String: Double]? = nil) {
        self.epoch = epoch
        self.loss = loss
        self.seconds = seconds
        self.k = k
        self.stage = stage
        self.usersPerSecond = usersPerSecond
        self.validation = validation
    }
}

/// Receives progress while training runs.
public protocol TrainingObserver: AnyObject {
    /// Called after each batch with the number of batches done and the total of the epoch.
    func batchFinished(epoch: Int, batch: Int, of total: Int, loss: Double)
    /// Called after each epoch.
    func epochFinished(_ report: EpochReport)
}

extension TrainingObserver {
    public func batchFinished(epoch: Int, batch: Int, of total: Int, loss: Double) {}
}
