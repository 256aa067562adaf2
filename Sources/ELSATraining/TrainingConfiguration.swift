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
    /// Probability with which each (user, item) of a batch's input is dropped (the targets keep
    /// every item): a denoising regularizer, not in the paper (0: off, the paper's training).
    public var inputDropout: Double = 0
    /// How the item matrix starts (`InitialMatrix.make`): by default the reference's warm step.
    public var initialization: Initialization = .default
    /// One extra step before each stage (a dense run's one stage), with the stage's fresh optimizer, on the first
    /// batch of the stage's first epoch, which that epoch then visits again: what the authors' script does before
    /// every `fit`. On by default, as in the reference (docs/warm-start.md measures it).
    public var preStageStep: Bool = true
    /// Dense ELSA: a fresh optimizer every this many epochs (0: never, one optimizer for the run). Nadam's first
    /// steps after a reset move every weight by about the learning rate (docs/warm-start.md).
    public var optimizerResetEpochs: Int = 0

    public init(dimension: Int = 256, epochs: Int = 10, batchSize: Int = 1024, maxOutput: Int = Int.max,
                optimizer: NadamConfiguration = NadamConfiguration(), activation: Activation = .relu6,
                threads: Int = 2, seed: UInt64 = 42, inputDropout: Double = 0, initialization: Initialization = .default,
                preStageStep: Bool = true, optimizerResetEpochs: Int = 0) {
        precondition(inputDropout >= 0 && inputDropout < 1, "input dropout must be in [0, 1), got \(inputDropout)")
        self.dimension = dimension
        self.epochs = epochs
        self.batchSize = batchSize
        self.maxOutput = maxOutput
        self.optimizer = optimizer
        self.activation = activation
        self.threads = threads
        self.seed = seed
        self.inputDropout = inputDropout
        self.initialization = initialization
        self.preStageStep = preStageStep
        self.optimizerResetEpochs = optimizerResetEpochs
    }

    private enum CodingKeys: String, CodingKey {
        case dimension, epochs, batchSize, maxOutput, optimizer, activation, threads, seed, inputDropout, initialization, preStageStep, optimizerResetEpochs
    }

    /// Decodes configurations written before `inputDropout` existed as having none, and those written before
    /// `initialization` and `preStageStep` existed as Xavier without the step (what they trained with).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dimension = try container.decode(Int.self, forKey: .dimension)
        epochs = try container.decode(Int.self, forKey: .epochs)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        maxOutput = try container.decode(Int.self, forKey: .maxOutput)
        optimizer = try container.decode(NadamConfiguration.self, forKey: .optimizer)
        activation = try container.decode(Activation.self, forKey: .activation)
        threads = try container.decode(Int.self, forKey: .threads)
        seed = try container.decode(UInt64.self, forKey: .seed)
        inputDropout = try container.decodeIfPresent(Double.self, forKey: .inputDropout) ?? 0
        initialization = try container.decodeIfPresent(Initialization.self, forKey: .initialization) ?? .xavier
        preStageStep = try container.decodeIfPresent(Bool.self, forKey: .preStageStep) ?? false
        optimizerResetEpochs = try container.decodeIfPresent(Int.self, forKey: .optimizerResetEpochs) ?? 0
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
    /// Stored entries replaced by pattern regrowth after this epoch (compressed ELSA with regrowth; nil: none ran).
    public var regrown: Int?
    /// The learning rate of this epoch when a schedule changed it (compressed ELSA with a learning-rate decay).
    public var learningRate: Double?
    /// The process's resident set at the end of the epoch and the most it held so far, in bytes (nil in
    /// reports written before they were measured).
    public var residentBytes: Int?
    public var peakResidentBytes: Int?
    /// The largest resident set during the epochs of this epoch's stage so far (from the end of the switch to its pattern),
    /// in bytes (nil where it cannot be measured).
    public var stagePeakResidentBytes: Int?
    /// In an item-sharded run, each process's `peakResidentBytes`, by rank (nil: one process).
    public var rankPeakResidentBytes: [Int]?
    /// In an item-sharded run, each process's `stagePeakResidentBytes`, by rank (nil: one process).
    public var rankStagePeakResidentBytes: [Int]?
    /// In an item-sharded run, the bytes this process handed to the collective sums during the epoch (its batches'
    /// hidden layers, loss sums and hidden-layer gradients), and the batches that sent them.
    public var bytesSummed: Int?
    public var batches: Int?

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
