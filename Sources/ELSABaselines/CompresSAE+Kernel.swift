import ELSATraining
import Dispatch
import ELSALinearAlgebra
import _ELSASupport

private typealias VectorMath = CompresSAEVectorMath

/// The parameters of a CompresSAE and its forward and backward passes on raw pointers.
///
/// Parameters live in one array laid out as Nadam sees them:
/// `[W_encᵀ (hidden x input) | b (hidden) | W_dec (hidden x input, raw rows)]`.
/// For a batch X (rows x input), with x̃ = rownorm(X) and Ŵ = rownorm(W_dec):
///
///     P   = x̃ W_enc + b                        (sgemm rows x hidden x input)
///     S_b = the K largest |P[b, ·]| (K = k, or the auxiliary count; the first k are the top k)
///     x̂_b = Σ_{j ∈ top k} P[b, j] Ŵ_j           (k gathered rows; x̂ᴬ with all K)
///     L   = mean_b (1 − cos(x_b, x̂_b)) + w · mean_b (1 − cos(x_b, x̂ᴬ_b))
///     G_b = dL/dx̂_b + dL/dx̂ᴬ_b, Gᴬ_b = dL/dx̂ᴬ_b,    dL/dx̂ = −(x̃ − x̂̂ (x̂̂·x̃)) / ‖x̂‖ / rows
///     q_bj = Ŵ_j · (G_b or Gᴬ_b)                (dL/dP on the selected entries; zero elsewhere)
///     dŴ_j = Σ_b P[b, j] (G_b or Gᴬ_b),  dW_dec,j = (dŴ_j − Ŵ_j (Ŵ_j·dŴ_j)) / ‖W_dec,j‖
///     dW_encᵀ_j = Σ_b q_bj x̃_b,          db_j = Σ_b q_bj
///
/// The sums over b run per latent unit j over the entries that selected j (a counting
/// sort of the batch's selections), so each gradient row is written by one thread in a
/// fixed order and Nadam is applied to it right away. Only the sgemm depends on the
/// thread count. Rows of X that are zero have no direction: they get no loss and no
/// gradient, and the means run over the other rows.
final class CompresSAEKernel: @unchecked Sendable {
    let inputDimension: Int
    let hiddenDimension: Int
    let nonzeros: Int
    /// K: activations selected per row in training.
    let selectedCount: Int
    let auxiliaryWeight: Float
    /// Rows per forward pass (the batch size).
    let capacity: Int
    let threads: Int
    /// Seconds spent in the encoder sgemm so far.
    var gemmSeconds: Double { phaseSeconds.encoderProduct }
    /// Seconds per phase of the forward and training passes so far (benchmarks).
    var phaseSeconds = CompresSAEPhases()

    let parameterCount: Int
    let parameters: UnsafeMutablePointer<Float>
    var encoder: UnsafeMutablePointer<Float> { parameters }
    var bias: UnsafeMutablePointer<Float> { parameters + hiddenDimension * inputDimension }
    var decoder: UnsafeMutablePointer<Float> { parameters + hiddenDimension * inputDimension + hiddenDimension }

    /// Workspace, sized for `capacity` rows.
    let batchInput: UnsafeMutablePointer<Float>            // capacity x input (gathered batch rows)
    let normalized: UnsafeMutablePointer<Float>            // capacity x input
    let inputNorms: UnsafeMutablePointer<Float>            // capacity
    let preactivations: UnsafeMutablePointer<Float>        // capacity x hidden
    let selected: UnsafeMutablePointer<Int32>              // capacity x K
    let selectedValues: UnsafeMutablePointer<Float>        // capacity x K: P at the selected entries
    let reconstruction: UnsafeMutablePointer<Float>        // capacity x input
    let auxiliaryReconstruction: UnsafeMutablePointer<Float>
    let reconstructionGradient: UnsafeMutablePointer<Float>           // G
    let auxiliaryReconstructionGradient: UnsafeMutablePointer<Float>  // Gᴬ
    let codeGradient: UnsafeMutablePointer<Float>          // capacity x K
    let rowLosses: UnsafeMutablePointer<Float>             // capacity x 2
    let unitDecoder: UnsafeMutablePointer<Float>           // hidden x input
    let decoderNorms: UnsafeMutablePointer<Float>          // hidden
    let hiddenOffsets: UnsafeMutablePointer<Int>           // hidden + 1
    let hiddenCursor: UnsafeMutablePointer<Int>            // hidden
    let hiddenEntries: UnsafeMutablePointer<Int32>         // capacity x K
    let scratch: UnsafeMutablePointer<Float>               // threads x 2 input
    let heaps: UnsafeMutablePointer<UInt64>                // threads x K

    init(inputDimension: Int, configuration: CompresSAEConfiguration) {
        let d = inputDimension, h = configuration.hiddenDimension
        self.inputDimension = d
        self.hiddenDimension = h
        self.nonzeros = configuration.nonzeros
        self.selectedCount = configuration.selectedNonzeros
        self.auxiliaryWeight = configuration.auxiliaryWeight
        self.capacity = configuration.batchSize
        self.threads = configuration.threads
        let rows = capacity, k = selectedCount
        parameterCount = 2 * h * d + h
        parameters = .allocate(parameterCount, repeating: 0)
        batchInput = .allocate(rows * d, repeating: 0)
        normalized = .allocate(rows * d, repeating: 0)
        inputNorms = .allocate(rows, repeating: 0)
        preactivations = .allocate(rows * h, repeating: 0)
        selected = .allocate(rows * k, repeating: 0)
        selectedValues = .allocate(rows * k, repeating: 0)
        reconstruction = .allocate(rows * d, repeating: 0)
        auxiliaryReconstruction = .allocate(rows * d, repeating: 0)
        reconstructionGradient = .allocate(rows * d, repeating: 0)
        auxiliaryReconstructionGradient = .allocate(rows * d, repeating: 0)
        codeGradient = .allocate(rows * k, repeating: 0)
        rowLosses = .allocate(rows * 2, repeating: 0)
        unitDecoder = .allocate(h * d, repeating: 0)
        decoderNorms = .allocate(h, repeating: 0)
        hiddenOffsets = .allocate(h + 1, repeating: 0)
        hiddenCursor = .allocate(h, repeating: 0)
        hiddenEntries = .allocate(rows * k, repeating: 0)
        scratch = .allocate(threads * 2 * d, repeating: 0)
        heaps = .allocate(threads * k, repeating: 0)
    }

    deinit {
        parameters.deallocate(); batchInput.deallocate(); normalized.deallocate(); inputNorms.deallocate()
        preactivations.deallocate(); selected.deallocate(); selectedValues.deallocate(); reconstruction.deallocate()
        auxiliaryReconstruction.deallocate(); reconstructionGradient.deallocate()
        auxiliaryReconstructionGradient.deallocate(); codeGradient.deallocate(); rowLosses.deallocate()
        unitDecoder.deallocate(); decoderNorms.deallocate(); hiddenOffsets.deallocate(); hiddenCursor.deallocate()
        hiddenEntries.deallocate(); scratch.deallocate(); heaps.deallocate()
    }

    // MARK: - Forward

    /// Ŵ = rownorm(W_dec) and the raw row norms (zero rows stay zero).
    func refreshUnitDecoder() {
        let d = inputDimension
        parallelRanges(hiddenDimension) { _, lower, upper in
            for j in lower..<upper {
                self.decoderNorms[j] = VectorMath.copyNormalized(d, from: self.decoder + j * d, to: self.unitDecoder + j * d)
            }
        }
    }

    /// Normalizes `rows` rows at `input`, computes P = x̃ W_enc + b and selects the
    /// `count` largest-magnitude activations of each row (by decreasing magnitude) into
    /// `selected` and their values into `selectedValues` (both with row stride K).
    /// Runs BLAS with the caller's BLAS thread count.
    func forward(_ input: UnsafePointer<Float>, rows: Int, selecting count: Int) {
        precondition(rows <= capacity, "a forward pass takes at most \(capacity) rows, got \(rows)")
        let d = inputDimension, h = hiddenDimension, k = selectedCount
        let source = UncheckedSendable(input)
        var clock = PhaseClock()
        parallelRanges(rows) { _, lower, upper in
            for b in lower..<upper {
                self.inputNorms[b] = VectorMath.copyNormalized(d, from: source.value + b * d, to: self.normalized + b * d)
                (self.preactivations + b * h).update(from: self.bias, count: h)
            }
        }
        BLAS.gemm(.none, .transpose, m: rows, n: h, k: d, a: normalized, lda: d, b: encoder, ldb: d,
                  beta: 1, c: preactivations, ldc: h)
        phaseSeconds.encoderProduct += clock.lap()
        defer { phaseSeconds.selection += clock.lap() }
        parallelRanges(rows) { slot, lower, upper in
            for b in lower..<upper {
                let row = self.preactivations + b * h
                CompresSAETopK.select(row: row, count: h, k: count, heap: self.heaps + slot * k, into: self.selected + b * k)
                for s in 0..<count { self.selectedValues[b * k + s] = row[Int(self.selected[b * k + s])] }
            }
        }
    }

    /// x̂_b = Σ_{s < count} P[b, S_bs] Ŵ_{S_bs} into `target` (input wide).
    @inline(__always)
    func decodeRow(_ b: Int, from first: Int, to last: Int, into target: UnsafeMutablePointer<Float>) {
        let d = inputDimension, k = selectedCount
        for s in first..<last {
            let j = Int(selected[b * k + s])
            VectorMath.axpy(d, selectedValues[b * k + s], unitDecoder + j * d, target)
        }
    }

    /// Mean over the nonzero rows of 1 − cos(x, x̂ from the top `nonzeros`) after `forward`
    /// and `refreshUnitDecoder`, as (sum of losses, nonzero rows).
    func evaluate(rows: Int) -> (sum: Double, counted: Int) {
        let d = inputDimension
        parallelRanges(rows) { _, lower, upper in
            for b in lower..<upper {
                let xHat = self.reconstruction + b * d
                xHat.initialize(repeating: 0, count: d)
                self.decodeRow(b, from: 0, to: self.nonzeros, into: xHat)
                self.rowLosses[b] = VectorMath.cosineLoss(d, unit: self.normalized + b * d, xHat)
            }
        }
        var sum = 0.0, counted = 0
        for b in 0..<rows where inputNorms[b] > 0 { sum += Double(rowLosses[b]); counted += 1 }
        return (sum, counted)
    }

    // MARK: - Training step

    /// Where `step` writes the full gradient instead of updating (tests and checks).
    struct GradientSink: @unchecked Sendable {
        let encoder: UnsafeMutablePointer<Float>
        let bias: UnsafeMutablePointer<Float>
        let decoder: UnsafeMutablePointer<Float>
    }

    /// Nadam state for an update: the coefficients of this step and the moment arrays.
    struct Update: @unchecked Sendable {
        let coefficients: Nadam.StepCoefficients
        let momentum: UnsafeMutablePointer<Float>
        let velocity: UnsafeMutablePointer<Float>
    }

    /// One forward and backward pass over `rows` rows at `input`; with `update` applies
    /// Nadam to every parameter (untouched ones with a zero gradient, as Keras does) and
    /// rescales the decoder rows to unit norm; with `sink` writes the gradient there.
    /// Returns the loss and objective sums and the number of nonzero rows.
    func step(_ input: UnsafePointer<Float>, rows: Int, update: Update?, sink: GradientSink?)
        -> (loss: Double, objective: Double, counted: Int) {
        let d = inputDimension, h = hiddenDimension, k = selectedCount, top = nonzeros
        var clock = PhaseClock()
        refreshUnitDecoder()
        phaseSeconds.decoderNormalization += clock.lap()
        forward(input, rows: rows, selecting: k)
        _ = clock.lap()
        var counted = 0
        for b in 0..<rows where inputNorms[b] > 0 { counted += 1 }
        if counted == 0 && update == nil {
            if let sink {
                sink.encoder.initialize(repeating: 0, count: h * d)
                sink.bias.initialize(repeating: 0, count: h)
                sink.decoder.initialize(repeating: 0, count: h * d)
            }
            return (0, 0, 0)
        }
        let auxiliary = auxiliaryWeight > 0
        let mainScale = counted == 0 ? 0 : 1 / Float(counted)
        let auxiliaryScale = auxiliaryWeight * mainScale

        // Reconstructions, dL/dx̂ and dL/dP on the selected entries, per row.
        parallelRanges(rows) { _, lower, upper in
            for b in lower..<upper {
                let unit = self.normalized + b * d
                let xHat = self.reconstruction + b * d, gradient = self.reconstructionGradient + b * d
                let auxiliaryGradient = self.auxiliaryReconstructionGradient + b * d
                let codes = self.codeGradient + b * k
                xHat.initialize(repeating: 0, count: d)
                self.decodeRow(b, from: 0, to: top, into: xHat)
                if self.inputNorms[b] == 0 {
                    gradient.initialize(repeating: 0, count: d)
                    auxiliaryGradient.initialize(repeating: 0, count: d)
                    codes.initialize(repeating: 0, count: k)
                    self.rowLosses[2 * b] = 0
                    self.rowLosses[2 * b + 1] = 0
                    continue
                }
                self.rowLosses[2 * b] = VectorMath.cosineLossGradient(d, unit: unit, xHat, scale: mainScale, into: gradient)
                if auxiliary {
                    let xHatAuxiliary = self.auxiliaryReconstruction + b * d
                    xHatAuxiliary.update(from: xHat, count: d)
                    self.decodeRow(b, from: top, to: k, into: xHatAuxiliary)
                    self.rowLosses[2 * b + 1] = VectorMath.cosineLossGradient(
                        d, unit: unit, xHatAuxiliary, scale: auxiliaryScale, into: auxiliaryGradient)
                    VectorMath.axpy(d, 1, auxiliaryGradient, gradient)
                } else {
                    self.rowLosses[2 * b + 1] = 0
                }
                for s in 0..<k {
                    let j = Int(self.selected[b * k + s])
                    codes[s] = VectorMath.dot(d, self.unitDecoder + j * d, s < top ? gradient : auxiliaryGradient)
                }
            }
        }
        phaseSeconds.reconstruction += clock.lap()
        var lossSum = 0.0, auxiliarySum = 0.0
        for b in 0..<rows where inputNorms[b] > 0 {
            lossSum += Double(rowLosses[2 * b])
            auxiliarySum += Double(rowLosses[2 * b + 1])
        }

        // The entries of each latent unit, in row order (counting sort).
        hiddenOffsets.initialize(repeating: 0, count: h + 1)
        for b in 0..<rows where inputNorms[b] > 0 {
            for s in 0..<k { hiddenOffsets[Int(selected[b * k + s]) + 1] += 1 }
        }
        for j in 0..<h { hiddenOffsets[j + 1] += hiddenOffsets[j] }
        hiddenCursor.update(from: hiddenOffsets, count: h)
        for b in 0..<rows where inputNorms[b] > 0 {
            for s in 0..<k {
                let j = Int(selected[b * k + s])
                hiddenEntries[hiddenCursor[j]] = Int32(b * k + s)
                hiddenCursor[j] += 1
            }
        }

        phaseSeconds.grouping += clock.lap()
        defer { phaseSeconds.gradientAndUpdate += clock.lap() }
        // Gradient rows per latent unit, then Nadam on them.
        let encoderCount = h * d
        parallelRanges(h) { slot, lower, upper in
            let encoderGradient = self.scratch + slot * 2 * d, decoderGradient = encoderGradient + d
            for j in lower..<upper {
                encoderGradient.initialize(repeating: 0, count: d)
                decoderGradient.initialize(repeating: 0, count: d)
                var biasGradient: Float = 0
                for position in self.hiddenOffsets[j]..<self.hiddenOffsets[j + 1] {
                    let entry = Int(self.hiddenEntries[position])
                    let b = entry / k, s = entry - b * k
                    let q = self.codeGradient[entry]
                    biasGradient += q
                    VectorMath.axpy(d, q, self.normalized + b * d, encoderGradient)
                    let upstream = s < top ? self.reconstructionGradient : self.auxiliaryReconstructionGradient
                    VectorMath.axpy(d, self.selectedValues[entry], upstream + b * d, decoderGradient)
                }
                let norm = self.decoderNorms[j], unit = self.unitDecoder + j * d
                if norm > 0 {
                    let projection = VectorMath.dot(d, unit, decoderGradient)
                    let inverse = 1 / norm
                    for i in 0..<d { decoderGradient[i] = (decoderGradient[i] - unit[i] * projection) * inverse }
                } else {
                    decoderGradient.initialize(repeating: 0, count: d)
                }
                if let sink {
                    (sink.encoder + j * d).update(from: encoderGradient, count: d)
                    sink.bias[j] = biasGradient
                    (sink.decoder + j * d).update(from: decoderGradient, count: d)
                }
                guard let update else { continue }
                let encoderOffset = j * d, biasOffset = encoderCount + j, decoderOffset = encoderCount + h + j * d
                Nadam.simdKernel(parameters: self.parameters + encoderOffset, gradient: encoderGradient,
                             momentum: update.momentum + encoderOffset, velocity: update.velocity + encoderOffset,
                             count: d, coefficients: update.coefficients)
                withUnsafePointer(to: biasGradient) { gradient in
                    Nadam.kernel(parameters: self.parameters + biasOffset, gradient: gradient,
                                 momentum: update.momentum + biasOffset, velocity: update.velocity + biasOffset,
                                 count: 1, coefficients: update.coefficients)
                }
                let row = self.parameters + decoderOffset
                Nadam.simdKernel(parameters: row, gradient: decoderGradient,
                             momentum: update.momentum + decoderOffset, velocity: update.velocity + decoderOffset,
                             count: d, coefficients: update.coefficients)
                let rowNorm = VectorMath.dot(d, row, row).squareRoot()
                if rowNorm > 0 { VectorMath.scale(d, 1 / rowNorm, row) }
            }
        }
        return (lossSum, lossSum + Double(auxiliaryWeight) * auxiliarySum, counted)
    }

    // MARK: - Threads

    /// Splits `0..<count` into one contiguous range per thread: `body(slot, lower, upper)`.
    func parallelRanges(_ count: Int, _ body: @Sendable (Int, Int, Int) -> Void) {
        ParallelFor.contiguous(count, threads: threads) { slot, range in body(slot, range.lowerBound, range.upperBound) }
    }
}

/// Seconds per phase of CompresSAE's passes, summed over calls.
public struct CompresSAEPhases: Sendable {
    /// W_dec rows scaled to unit norm (once per step).
    public var decoderNormalization = 0.0
    /// The encoder sgemm P = x̃ W_enc + b (with the input normalization before it).
    public var encoderProduct = 0.0
    /// Top-K of every row of P.
    public var selection = 0.0
    /// Reconstructions x̂, x̂ᴬ, their loss gradients and dL/dP at the selected entries.
    public var reconstruction = 0.0
    /// Counting sort of the selections by latent unit.
    public var grouping = 0.0
    /// Gradient rows per latent unit and Nadam on all parameters.
    public var gradientAndUpdate = 0.0

    /// `name seconds` pairs in step order (as `SparseStepPhases.named`).
    public var named: [(String, Double)] {
        [("decoder norms", decoderNormalization), ("encoder sgemm", encoderProduct), ("top-K", selection),
         ("reconstruction", reconstruction), ("grouping", grouping), ("gradient + Nadam", gradientAndUpdate)]
    }
}

private extension UnsafeMutablePointer {
    static func allocate(_ count: Int, repeating value: Pointee) -> UnsafeMutablePointer<Pointee> {
        let pointer = UnsafeMutablePointer<Pointee>.allocate(capacity: max(1, count))
        pointer.initialize(repeating: value, count: max(1, count))
        return pointer
    }
}
