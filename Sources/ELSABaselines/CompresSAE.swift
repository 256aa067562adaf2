import ELSATraining
import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// CompresSAE (Kasalický et al., "The Future is Sparse", RecSys 2025): a top-k sparse
/// autoencoder that compresses a trained dense item matrix after training.
///
///     e  = TopK(x̃ W_enc + b, k),   x̃ = x / ‖x‖        (input x: one row of Â, items x input)
///     x̂  = e Ŵ_dec,                Ŵ_dec = rownorm(W_dec)  (unit-norm decoder rows)
///     loss 1 − cos(x, x̂)           (plus `auxiliaryWeight` · (1 − cos(x, x̂₄ₖ)), see the configuration)
///
/// The sparse codes e (items x hidden, exactly k nonzeros per row) are the compressed item
/// vectors: wrapped as `ELSAModel(embedding: .sparse(codes), itemIDs:)` they are
/// row-normalized and score x Ê Êᵀ − x like compressed ELSA, at 8 bytes per nonzero.
///
/// TopK keeps the k activations of largest magnitude with their sign, no ReLU: this is
/// what the authors' released code does (`topk(abs(e))`, values times `sign(e)`), and a
/// signed code uses both directions of every decoder row, so k nonzeros describe an item
/// about as well as 2k non-negative ones. Ties go to the lower latent index.
///
/// Training is minibatch Nadam over a seeded shuffle of the items, the gradient written
/// out by hand (see `CompresSAEKernel`); the raw decoder rows are rescaled to unit norm
/// after every update, as the authors' `normalize_decoder` does (outputs depend only on
/// their directions). All work runs on `configuration.threads` threads; results are
/// bit-identical for a fixed seed and thread count.
public final class CompresSAE {
    public let inputDimension: Int
    public let configuration: CompresSAEConfiguration
    /// Nadam state over `[W_encᵀ | b | W_dec]`.
    public let optimizer: Nadam
    /// One report per epoch trained so far (`usersPerSecond` counts items).
    public private(set) var history: [EpochReport] = []
    private let kernel: CompresSAEKernel

    /// Seconds spent in the encoder's sgemm so far (training, encoding and losses), for benchmarks.
    public var gemmSeconds: Double { kernel.gemmSeconds }
    /// Seconds per phase of training so far (and of `encode`/`loss` calls), for benchmarks.
    public var phaseSeconds: CompresSAEPhases { kernel.phaseSeconds }

    /// A fresh autoencoder: W_enc and W_dec Xavier-uniform from seeds derived from
    /// `configuration.seed`, decoder rows scaled to unit norm, b = 0.
    /// - Precondition: `inputDimension >= 1` and the configuration's settings in range
    ///   (1 <= nonzeros <= hiddenDimension, batchSize >= 1, threads >= 1, learningRate > 0).
    public convenience init(inputDimension: Int, configuration: CompresSAEConfiguration = CompresSAEConfiguration()) {
        let h = configuration.hiddenDimension
        var seeds = SeededGenerator(seed: configuration.seed, stream: 0xC0_5AE)
        let encoder = XavierInitializer.matrix(rows: h, columns: inputDimension, seed: seeds.next())
        var decoder = XavierInitializer.matrix(rows: h, columns: inputDimension, seed: seeds.next())
        for j in 0..<h {
            var sum: Float = 0
            for i in 0..<inputDimension { sum += decoder[j, i] * decoder[j, i] }
            let norm = sum.squareRoot()
            if norm > 0 { for i in 0..<inputDimension { decoder[j, i] /= norm } }
        }
        self.init(encoderWeights: encoder, encoderBias: [Float](repeating: 0, count: h), decoderWeights: decoder,
                  configuration: configuration)
    }

    /// An autoencoder with given parameters (kept as given: decoder rows need not have unit norm).
    /// - Parameters:
    ///   - encoderWeights: W_encᵀ, hidden x input (row j holds the weights of latent unit j).
    ///   - encoderBias: b, hidden values.
    ///   - decoderWeights: W_dec, hidden x input, raw rows (normalized when used).
    /// - Precondition: shapes agree with `configuration.hiddenDimension` and each other.
    public init(encoderWeights: DenseMatrix, encoderBias: [Float], decoderWeights: DenseMatrix,
                configuration: CompresSAEConfiguration) {
        configuration.validate()
        let h = configuration.hiddenDimension, d = encoderWeights.columns
        precondition(d >= 1, "CompresSAE needs an input dimension >= 1, got \(d)")
        precondition(encoderWeights.rows == h && encoderBias.count == h && decoderWeights.rows == h && decoderWeights.columns == d,
                     "CompresSAE parameters need W_encᵀ and W_dec of \(h) x \(d) and \(h) biases, got "
                     + "\(encoderWeights.rows) x \(d), \(decoderWeights.rows) x \(decoderWeights.columns) and \(encoderBias.count)")
        self.inputDimension = d
        self.configuration = configuration
        self.kernel = CompresSAEKernel(inputDimension: d, configuration: configuration)
        self.optimizer = Nadam(parameterCount: kernel.parameterCount,
                               configuration: NadamConfiguration(learningRate: configuration.learningRate))
        encoderWeights.storage.withUnsafeBufferPointer { kernel.encoder.update(from: $0.baseAddress!, count: h * d) }
        encoderBias.withUnsafeBufferPointer { kernel.bias.update(from: $0.baseAddress!, count: h) }
        decoderWeights.storage.withUnsafeBufferPointer { kernel.decoder.update(from: $0.baseAddress!, count: h * d) }
    }

    /// W_encᵀ, hidden x input (a copy).
    public var encoderWeights: DenseMatrix { copy(kernel.encoder, rows: configuration.hiddenDimension) }

    /// b, hidden values (a copy).
    public var encoderBias: [Float] { Array(UnsafeBufferPointer(start: kernel.bias, count: configuration.hiddenDimension)) }

    /// W_dec as stored, hidden x input (a copy; rows have unit norm after any training step).
    public var decoderWeights: DenseMatrix { copy(kernel.decoder, rows: configuration.hiddenDimension) }

    // MARK: - Training

    /// Trains `epochs` epochs (default: the configuration's) on `items` (items x input,
    /// e.g. the trained dense Â). Each epoch shuffles the items with a generator seeded
    /// from the seed and the epoch number and takes one Nadam step per batch; the
    /// reported loss is the mean of 1 − cos(x, x̂) over the epoch's nonzero rows, each
    /// measured before its step. Rows that are zero are skipped (they have no direction).
    /// - Precondition: `items.columns == inputDimension`, `items.rows >= 1`.
    public func train(_ items: DenseMatrix, epochs: Int? = nil, observer: TrainingObserver? = nil) {
        precondition(items.columns == inputDimension, "items have \(items.columns) columns, the autoencoder \(inputDimension)")
        precondition(items.rows >= 1, "CompresSAE training needs at least one item")
        let total = epochs ?? configuration.epochs
        precondition(total >= 0, "epochs must be >= 0, got \(total)")
        let d = inputDimension
        BLASThreads.with(configuration.threads) {
            items.storage.withUnsafeBufferPointer { source in
                for _ in 0..<total {
                    let epoch = history.count + 1
                    let start = ContinuousClock.now
                    let schedule = BatchSchedule(users: items.rows, batchSize: configuration.batchSize,
                                                 seed: configuration.seed, epoch: epoch)
                    var lossSum = 0.0, counted = 0
                    for (index, batch) in schedule.batches.enumerated() {
                        for (position, item) in batch.enumerated() {
                            (kernel.batchInput + position * d).update(from: source.baseAddress! + item * d, count: d)
                        }
                        let result = updateStep(kernel.batchInput, rows: batch.count)
                        lossSum += result.loss
                        counted += result.counted
                        observer?.batchFinished(epoch: epoch, batch: index + 1, of: schedule.batches.count,
                                                loss: counted == 0 ? 0 : lossSum / Double(counted))
                    }
                    let elapsed = seconds(since: start)
                    let report = EpochReport(epoch: epoch, loss: counted == 0 ? 0 : lossSum / Double(counted),
                                             seconds: elapsed, k: configuration.nonzeros, stage: 0,
                                             usersPerSecond: Double(items.rows) / max(elapsed, 1e-9))
                    history.append(report)
                    observer?.epochFinished(report)
                }
            }
        }
    }

    /// One Nadam step on `batch` (rows x input); returns its loss, the mean of 1 − cos(x, x̂)
    /// over its nonzero rows before the step (0 when all rows are zero).
    /// - Precondition: `batch.columns == inputDimension`, `batch.rows <= configuration.batchSize`.
    @discardableResult
    public func step(_ batch: DenseMatrix) -> Double {
        checkBatch(batch)
        if batch.rows == 0 { return 0 }
        let result = BLASThreads.with(configuration.threads) {
            batch.storage.withUnsafeBufferPointer { updateStep($0.baseAddress!, rows: batch.rows) }
        }
        return result.counted == 0 ? 0 : result.loss / Double(result.counted)
    }

    /// The loss, objective and gradient of `batch` (rows x input) without changing anything.
    /// All-zero batches give zero loss and gradient.
    /// - Precondition: `batch.columns == inputDimension`, `batch.rows <= configuration.batchSize`.
    public func gradient(_ batch: DenseMatrix) -> CompresSAEGradient {
        checkBatch(batch)
        let h = configuration.hiddenDimension, d = inputDimension
        var encoder = DenseMatrix(rows: h, columns: d), decoder = DenseMatrix(rows: h, columns: d)
        var bias = [Float](repeating: 0, count: h)
        if batch.rows == 0 {
            return CompresSAEGradient(loss: 0, objective: 0, encoderWeights: encoder, encoderBias: bias, decoderWeights: decoder)
        }
        let result = BLASThreads.with(configuration.threads) {
            batch.storage.withUnsafeBufferPointer { input in
                encoder.storage.withUnsafeMutableBufferPointer { e in
                    bias.withUnsafeMutableBufferPointer { b in
                        decoder.storage.withUnsafeMutableBufferPointer { w in
                            kernel.step(input.baseAddress!, rows: batch.rows, update: nil,
                                        sink: .init(encoder: e.baseAddress!, bias: b.baseAddress!, decoder: w.baseAddress!))
                        }
                    }
                }
            }
        }
        let rows = Double(max(1, result.counted))
        return CompresSAEGradient(loss: result.loss / rows, objective: result.objective / rows,
                                  encoderWeights: encoder, encoderBias: bias, decoderWeights: decoder)
    }

    // MARK: - Compression

    /// The sparse codes of `items` (items x input): items x hidden with exactly `nonzeros`
    /// entries per row, column indices ascending, values the signed pre-activations
    /// x̃ W_enc + b of the kept units (largest magnitudes; ties to the lower unit). A zero
    /// row still gets `nonzeros` entries (those of b). Ready for `ELSAModel(embedding: .sparse(codes), ...)`.
    /// - Precondition: `items.columns == inputDimension`.
    public func encode(_ items: DenseMatrix) -> CSRMatrix {
        precondition(items.columns == inputDimension, "items have \(items.columns) columns, the autoencoder \(inputDimension)")
        let h = configuration.hiddenDimension, k = configuration.nonzeros, stride = kernel.selectedCount
        var columnIndices = [Int32](repeating: 0, count: items.rows * k)
        var values = [Float](repeating: 0, count: items.rows * k)
        BLASThreads.with(configuration.threads) {
            items.storage.withUnsafeBufferPointer { source in
                for start in Swift.stride(from: 0, to: items.rows, by: kernel.capacity) {
                    let rows = min(kernel.capacity, items.rows - start)
                    kernel.forward(source.baseAddress! + start * inputDimension, rows: rows, selecting: k)
                    for b in 0..<rows {
                        let kept = UnsafeBufferPointer(start: kernel.selected + b * stride, count: k).sorted()
                        for (s, j) in kept.enumerated() {
                            columnIndices[(start + b) * k + s] = j
                            values[(start + b) * k + s] = kernel.preactivations[b * h + Int(j)]
                        }
                    }
                }
            }
        }
        return CSRMatrix(rows: items.rows, columns: h, rowOffsets: (0...items.rows).map { $0 * k },
                         columnIndices: columnIndices, values: values)
    }

    /// x̂ = codes Ŵ_dec: rows x input. The reconstruction approximates the direction of x
    /// (the loss is a cosine), not its length.
    /// - Precondition: `codes.columns == hiddenDimension`.
    public func decode(_ codes: CSRMatrix) -> DenseMatrix {
        precondition(codes.columns == configuration.hiddenDimension,
                     "codes have \(codes.columns) columns, the autoencoder \(configuration.hiddenDimension)")
        kernel.refreshUnitDecoder()
        let unitDecoder = copy(kernel.unitDecoder, rows: configuration.hiddenDimension)
        return codes.multiplied(by: unitDecoder, threads: configuration.threads)
    }

    /// `decode(encode(items))`: the reconstruction from the k kept activations, items x input.
    public func reconstruct(_ items: DenseMatrix) -> DenseMatrix {
        decode(encode(items))
    }

    /// Mean of 1 − cos(x, x̂) over the nonzero rows of `items` (0 when there are none).
    /// - Precondition: `items.columns == inputDimension`.
    public func loss(_ items: DenseMatrix) -> Double {
        precondition(items.columns == inputDimension, "items have \(items.columns) columns, the autoencoder \(inputDimension)")
        var sum = 0.0, counted = 0
        kernel.refreshUnitDecoder()
        BLASThreads.with(configuration.threads) {
            items.storage.withUnsafeBufferPointer { source in
                for start in Swift.stride(from: 0, to: items.rows, by: kernel.capacity) {
                    let rows = min(kernel.capacity, items.rows - start)
                    kernel.forward(source.baseAddress! + start * inputDimension, rows: rows, selecting: configuration.nonzeros)
                    let part = kernel.evaluate(rows: rows)
                    sum += part.sum
                    counted += part.counted
                }
            }
        }
        return counted == 0 ? 0 : sum / Double(counted)
    }

    // MARK: - Helpers

    private func updateStep(_ input: UnsafePointer<Float>, rows: Int) -> (loss: Double, objective: Double, counted: Int) {
        if rows == 0 { return (0, 0, 0) }
        let coefficients = optimizer.beginStep()
        return optimizer.withMoments { momentum, velocity in
            kernel.step(input, rows: rows,
                        update: .init(coefficients: coefficients, momentum: momentum, velocity: velocity), sink: nil)
        }
    }

    private func checkBatch(_ batch: DenseMatrix) {
        precondition(batch.columns == inputDimension, "batch has \(batch.columns) columns, the autoencoder \(inputDimension)")
        precondition(batch.rows <= configuration.batchSize,
                     "a batch holds at most batchSize = \(configuration.batchSize) rows, got \(batch.rows)")
    }

    private func copy(_ pointer: UnsafePointer<Float>, rows: Int) -> DenseMatrix {
        DenseMatrix(rows: rows, columns: inputDimension,
                    storage: Array(UnsafeBufferPointer(start: pointer, count: rows * inputDimension)))
    }
}
