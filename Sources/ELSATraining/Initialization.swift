import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// How the item matrix starts before training (a field of the training configuration).
///
/// The authors' experiment script takes one Nadam step, with a fresh optimizer, on the first batch
/// before training, on a layer that shares memory with its Xavier matrix: that step rewrites the
/// matrix in place, and every model after it starts from (and every restart rewinds to) the
/// rewritten matrix with a fresh optimizer. `warmSteps(1)` is that procedure; it is the default
/// because the paper's numbers come from it (docs/warm-start.md has the evidence).
public enum Initialization: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Xavier-uniform U(−r, r), r = √(6 / (items + d)), seeded, trained as it is.
    case xavier
    /// Xavier-uniform, then this many Nadam steps with one fresh optimizer on the first batches of
    /// the first epoch's order (with wrap-around); training then starts with a fresh optimizer.
    case warmSteps(Int)

    /// The reference's procedure: one warm step.
    public static let `default` = Initialization.warmSteps(1)

    /// `xavier`, `warm-step` (one step) or `warm-steps:N`.
    public var description: String {
        switch self {
        case .xavier: return "xavier"
        case .warmSteps(1): return "warm-step"
        case .warmSteps(let n): return "warm-steps:\(n)"
        }
    }

    /// The most warm steps accepted (each costs one dense batch step).
    public static let maximumWarmSteps = 1000

    /// Parses `description`'s forms; nil for anything else (including a step count outside 1...1000).
    public init?(_ text: String) {
        switch text {
        case "xavier": self = .xavier
        case "warm-step": self = .warmSteps(1)
        default:
            guard text.hasPrefix("warm-steps:"), let n = Int(text.dropFirst("warm-steps:".count)),
                  (1...Self.maximumWarmSteps).contains(n) else { return nil }
            self = .warmSteps(n)
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Initialization(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "initialization must be xavier, warm-step or warm-steps:N (N in 1...\(Self.maximumWarmSteps)), got '\(text)'"))
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The starting item matrix of a run.
public enum InitialMatrix {
    /// The matrix `configuration.initialization` asks for, for the items of `interactions` (users x items):
    /// Xavier-uniform seeded with `configuration.seed`, then the warm steps, if any, on the batches that
    /// epoch 1 visits first (the same users, in the same order, as `EpochRunner` gives epoch 1; their
    /// sampled negatives come from a stream of their own).
    public static func make(for interactions: CSRMatrix, configuration: TrainingConfiguration) -> DenseMatrix {
        var matrix = XavierInitializer.matrix(rows: interactions.columns, columns: configuration.dimension, seed: configuration.seed)
        guard case .warmSteps(let steps) = configuration.initialization, steps > 0, interactions.nonzeroCount > 0 else {
            return matrix
        }
        let batches = EpochRunner.leadingBatches(steps, epoch: 1, of: interactions, configuration: configuration, stream: 0x3A73_0000)
        let optimizer = Nadam(parameterCount: matrix.storage.count, configuration: configuration.optimizer)
        let step = DenseTrainingStep(threads: configuration.threads)
        BLASThreads.with(configuration.threads) {
            for batch in batches {
                _ = step.run(batch: batch, parameters: &matrix, optimizer: optimizer, activation: configuration.activation)
            }
        }
        return matrix
    }
}

extension InitialMatrix {
    /// The initial values of a compressed run: Xavier rows drawn when they are needed (`InitialValues.xavier`, never
    /// stored as a whole), or the warm-started matrix. In an item-sharded run, this process's rows of the matrix
    /// `make(for:configuration:)` gives, the warm steps run sharded.
    public static func values(for interactions: CSRMatrix, configuration: TrainingConfiguration, shard: ItemShard? = nil) -> InitialValues {
        let xavier = InitialValues.xavier(seed: configuration.seed, rows: shard?.items ?? 0..<interactions.columns,
                                          totalRows: interactions.columns, columns: configuration.dimension)
        guard case .warmSteps(let steps) = configuration.initialization, steps > 0, interactions.nonzeroCount > 0 else { return xavier }
        guard let shard else { return .matrix(make(for: interactions, configuration: configuration)) }
        var matrix = xavier.dense()
        let batches = EpochRunner.leadingBatches(steps, epoch: 1, of: interactions, configuration: configuration, stream: 0x3A73_0000)
        let optimizer = Nadam(parameterCount: matrix.storage.count, configuration: configuration.optimizer)
        let step = DenseTrainingStep(threads: configuration.threads)
        BLASThreads.with(configuration.threads) {
            for batch in batches {
                _ = step.run(batch: batch.restricted(to: shard.items), parameters: &matrix, optimizer: optimizer,
                             activation: configuration.activation, communicator: shard.communicator)
            }
        }
        return .matrix(matrix)
    }
}

extension InitialMatrix {
    /// How far a warm start moved the matrix from Xavier: the entries' mean and largest change, and the
    /// rows' mean L2 norm before and after.
    public struct Movement: Sendable, Equatable {
        public var meanChange: Double
        public var largestChange: Double
        public var meanRowNormBefore: Double
        public var meanRowNormAfter: Double
    }

    /// How far `matrix` (a warm-started initial matrix) lies from the Xavier matrix of `seed` and its shape.
    /// The Xavier values are drawn again one at a time, not stored: no second items x d matrix.
    public static func movement(of matrix: DenseMatrix, fromXavierSeed seed: UInt64) -> Movement {
        let d = matrix.columns
        var sum = 0.0, largest = 0.0, normBefore = 0.0, normAfter = 0.0
        var before = 0.0, after = 0.0
        XavierInitializer.forEachValue(rows: matrix.rows, columns: d, seed: seed) { index, drawn in
            let a = Double(drawn), b = Double(matrix.storage[index])
            sum += abs(b - a)
            largest = max(largest, abs(b - a))
            before += a * a
            after += b * b
            if index % d == d - 1 {  // the row's last entry
                normBefore += before.squareRoot()
                normAfter += after.squareRoot()
                before = 0
                after = 0
            }
        }
        let rows = Double(max(1, matrix.rows))
        return Movement(meanChange: sum / Double(max(1, matrix.storage.count)), largestChange: largest,
                        meanRowNormBefore: normBefore / rows, meanRowNormAfter: normAfter / rows)
    }
}

extension EpochRunner {
    /// The negatives of `TrainingConfiguration.preStageStep`'s batches.
    static let preStageStream: UInt64 = 0x9E57_0000

    /// The first `count` non-empty batches that epoch `epoch` visits, in its order (wrapping around when the
    /// epoch has fewer), with their negatives drawn from a generator of `stream` (not the epoch's own).
    static func leadingBatches(_ count: Int, epoch: Int, of interactions: CSRMatrix, configuration: TrainingConfiguration,
                               stream: UInt64) -> [TrainingBatch] {
        let schedule = BatchSchedule(users: interactions.rows, batchSize: configuration.batchSize, seed: configuration.seed, epoch: epoch)
        let nonEmpty = Array(schedule.batches.lazy.map { (users: $0, rows: interactions.selectingRows($0)) }
            .filter { $0.rows.nonzeroCount > 0 }.prefix(count))
        guard !nonEmpty.isEmpty else { return [] }
        var generator = SeededGenerator(seed: configuration.seed, stream: stream &+ UInt64(epoch))
        return (0..<count).map { index in
            let chosen = nonEmpty[index % nonEmpty.count]
            var batch = TrainingBatch(rows: chosen.rows, maxOutput: configuration.maxOutput, generator: &generator)
            batch.users = chosen.users
            return batch
        }
    }
}
