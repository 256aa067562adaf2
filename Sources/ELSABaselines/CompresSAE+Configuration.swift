import ELSATraining
import ELSALinearAlgebra

/// Settings of a CompresSAE (the top-k sparse autoencoder that compresses a trained dense item matrix).
public struct CompresSAEConfiguration: Sendable, Equatable, Codable {
    /// Width h of the sparse code (number of latent units); the code of an item has `nonzeros` of them active.
    public var hiddenDimension: Int = 4096
    /// Nonzeros k kept per code: the compressed item vector costs 8k bytes (value + index per nonzero).
    public var nonzeros: Int = 16
    public var epochs: Int = 50
    /// Items per gradient step.
    public var batchSize: Int = 1024
    /// Nadam step size (the other Nadam settings are Keras 3's defaults). On a planted
    /// dictionary (5,000 items, 256 inputs, h = 1024, k = 8) 1e-3 converged several times
    /// slower than 3e-3 and 1e-2, which ended within 10% of each other.
    public var learningRate: Float = 3e-3
    /// Weight of the auxiliary loss 1 − cos(x, x̂₄ₖ), where x̂₄ₖ decodes the
    /// `auxiliaryNonzerosFactor · nonzeros` largest activations. The authors' released
    /// code trains on `cos_k + cos_4k / 8`; it keeps more latent units alive. 0 trains on
    /// 1 − cos(x, x̂) alone.
    public var auxiliaryWeight: Float = 0.125
    /// The auxiliary code keeps `auxiliaryNonzerosFactor · nonzeros` activations (at most `hiddenDimension`).
    public var auxiliaryNonzerosFactor: Int = 4
    /// Threads for the Dispatch kernels and for BLAS (never both at once).
    public var threads: Int = 2
    public var seed: UInt64 = 42

    public init(hiddenDimension: Int = 4096, nonzeros: Int = 16, epochs: Int = 50, batchSize: Int = 1024,
                learningRate: Float = 3e-3, auxiliaryWeight: Float = 0.125, auxiliaryNonzerosFactor: Int = 4,
                threads: Int = 2, seed: UInt64 = 42) {
        self.hiddenDimension = hiddenDimension
        self.nonzeros = nonzeros
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.auxiliaryWeight = auxiliaryWeight
        self.auxiliaryNonzerosFactor = auxiliaryNonzerosFactor
        self.threads = threads
        self.seed = seed
    }

    /// Activations selected per row during training: `nonzeros`, or the auxiliary count when that loss is on.
    public var selectedNonzeros: Int {
        auxiliaryWeight > 0 ? min(hiddenDimension, max(1, auxiliaryNonzerosFactor) * nonzeros) : nonzeros
    }

    /// Traps with a message naming the first setting out of range.
    func validate() {
        precondition(hiddenDimension >= 1, "CompresSAE needs hiddenDimension >= 1, got \(hiddenDimension)")
        precondition(nonzeros >= 1 && nonzeros <= hiddenDimension,
                     "CompresSAE needs 1 <= nonzeros <= hiddenDimension (\(hiddenDimension)), got \(nonzeros)")
        precondition(hiddenDimension < Int(Int32.max), "CompresSAE hiddenDimension must fit Int32, got \(hiddenDimension)")
        precondition(epochs >= 0, "CompresSAE needs epochs >= 0, got \(epochs)")
        precondition(batchSize >= 1, "CompresSAE needs batchSize >= 1, got \(batchSize)")
        precondition(learningRate.isFinite && learningRate > 0, "CompresSAE needs a positive finite learningRate, got \(learningRate)")
        precondition(auxiliaryWeight.isFinite && auxiliaryWeight >= 0,
                     "CompresSAE needs a finite auxiliaryWeight >= 0, got \(auxiliaryWeight)")
        precondition(auxiliaryNonzerosFactor >= 1, "CompresSAE needs auxiliaryNonzerosFactor >= 1, got \(auxiliaryNonzerosFactor)")
        precondition(threads >= 1, "CompresSAE needs threads >= 1, got \(threads)")
    }
}

/// The loss of one batch and its gradient with respect to every parameter of a CompresSAE.
public struct CompresSAEGradient: Sendable, Equatable {
    /// Mean of 1 − cos(x, x̂) over the batch rows that are not zero (x̂ from the k largest activations).
    public var loss: Double
    /// The training objective: `loss` plus `auxiliaryWeight` times the auxiliary loss (equal to `loss` when that is off).
    public var objective: Double
    /// d objective / d W_encᵀ, hidden x input.
    public var encoderWeights: DenseMatrix
    /// d objective / d b, hidden.
    public var encoderBias: [Float]
    /// d objective / d W_dec with respect to the raw (unnormalized) decoder rows, hidden x input.
    public var decoderWeights: DenseMatrix
}
