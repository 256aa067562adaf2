import ELSABaselines
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
@testable import ELSATraining
import _ELSASupport

/// CompresSAE's losses from their definition, in Double: x̃ = x/‖x‖, p = x̃ W_enc + b,
/// top `nonzeros` (and top `auxiliaryNonzeros`) of |p| with ties to the lower unit,
/// x̂ = Σ p_j W_dec,j / ‖W_dec,j‖, means of 1 − cos over the nonzero rows.
private func referenceLosses(encoder: [Double], bias: [Double], decoder: [Double], batch: DenseMatrix,
                             nonzeros k: Int, auxiliaryNonzeros auxiliaryK: Int,
                             auxiliaryWeight: Double) -> (loss: Double, objective: Double) {
    let d = batch.columns, h = bias.count
    var unit = decoder
    for j in 0..<h {
        let norm = (0..<d).reduce(0.0) { $0 + decoder[j * d + $1] * decoder[j * d + $1] }.squareRoot()
        for i in 0..<d { unit[j * d + i] = decoder[j * d + i] / norm }
    }
    func cosine(_ x: [Double], _ y: [Double]) -> Double {
        let xy = zip(x, y).reduce(0.0) { $0 + $1.0 * $1.1 }
        let xx = x.reduce(0.0) { $0 + $1 * $1 }, yy = y.reduce(0.0) { $0 + $1 * $1 }
        return xy / (xx * yy).squareRoot()
    }
    var loss = 0.0, auxiliary = 0.0, counted = 0
    for b in 0..<batch.rows {
        let x = batch.row(b).map(Double.init)
        let norm = x.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        if norm == 0 { continue }
        counted += 1
        let unitX = x.map { $0 / norm }
        let p = (0..<h).map { j in bias[j] + (0..<d).reduce(0.0) { $0 + unitX[$1] * encoder[j * d + $1] } }
        let order = (0..<h).sorted { abs(p[$0]) > abs(p[$1]) || (abs(p[$0]) == abs(p[$1]) && $0 < $1) }
        func decode(_ count: Int) -> [Double] {
            var xHat = [Double](repeating: 0, count: d)
            for j in order.prefix(count) { for i in 0..<d { xHat[i] += p[j] * unit[j * d + i] } }
            return xHat
        }
        loss += 1 - cosine(x, decode(k))
        auxiliary += 1 - cosine(x, decode(auxiliaryK))
    }
    loss /= Double(counted)
    auxiliary /= Double(counted)
    return (loss, auxiliaryWeight > 0 ? loss + auxiliaryWeight * auxiliary : loss)
}

/// A `rows x columns` matrix of uniform values in (−1, 1).
private func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> DenseMatrix {
    var generator = SeededGenerator(seed: seed)
    var m = DenseMatrix(rows: rows, columns: columns)
    for i in m.storage.indices { m.storage[i] = generator.nextUnitFloat() * 2 - 1 }
    return m
}

/// Items drawn as sparse combinations of a few dictionary atoms: each item is
/// `atomsPerItem` distinct atoms (random directions) with signed weights of size 0.5 to 1.5.
private func plantedItems(items: Int, dimension: Int, atoms: Int, atomsPerItem: Int, seed: UInt64) -> DenseMatrix {
    let dictionary = randomMatrix(rows: atoms, columns: dimension, seed: seed)
    var generator = SeededGenerator(seed: seed, stream: 1)
    var result = DenseMatrix(rows: items, columns: dimension)
    for r in 0..<items {
        var chosen = Array(0..<atoms)
        generator.shuffle(&chosen)
        for atom in chosen.prefix(atomsPerItem) {
            let weight = (generator.nextUnitFloat() + 0.5) * (generator.next() & 1 == 0 ? 1 : -1)
            for i in 0..<dimension { result[r, i] += weight * dictionary[atom, i] }
        }
    }
    return result
}

private func meanCosine(_ x: DenseMatrix, _ y: DenseMatrix) -> Double {
    var total = 0.0
    for r in 0..<x.rows {
        var xy = 0.0, xx = 0.0, yy = 0.0
        for i in 0..<x.columns {
            xy += Double(x[r, i]) * Double(y[r, i]); xx += Double(x[r, i]) * Double(x[r, i]); yy += Double(y[r, i]) * Double(y[r, i])
        }
        total += xy / max((xx * yy).squareRoot(), 1e-30)
    }
    return total / Double(x.rows)
}

@Test(arguments: [Float(0), 0.125])
func compresSAEGradientMatchesFiniteDifferences(auxiliaryWeight: Float) {
    let d = 6, h = 10
    let configuration = CompresSAEConfiguration(hiddenDimension: h, nonzeros: 3, batchSize: 8,
                                                auxiliaryWeight: auxiliaryWeight, auxiliaryNonzerosFactor: 2, threads: 2)
    let encoder = randomMatrix(rows: h, columns: d, seed: 1)
    let bias = randomMatrix(rows: 1, columns: h, seed: 2).storage.map { $0 * 0.3 }
    var decoder = randomMatrix(rows: h, columns: d, seed: 3)   // rows of norms far from 1
    for j in 0..<h { for i in 0..<d { decoder[j, i] *= 0.5 + Float(j) * 0.2 } }
    var batch = randomMatrix(rows: 5, columns: d, seed: 4)
    for i in 0..<d { batch[2, i] = 0 }                           // a zero row: no loss, no gradient
    let autoencoder = CompresSAE(encoderWeights: encoder, encoderBias: bias, decoderWeights: decoder,
                                 configuration: configuration)
    let gradient = autoencoder.gradient(batch)

    let auxiliaryK = configuration.selectedNonzeros
    var parameters = (encoder.storage + bias + decoder.storage).map(Double.init)
    let encoderCount = h * d
    func objective(_ values: [Double]) -> (loss: Double, objective: Double) {
        referenceLosses(encoder: Array(values[0..<encoderCount]), bias: Array(values[encoderCount..<(encoderCount + h)]),
                        decoder: Array(values[(encoderCount + h)...]), batch: batch, nonzeros: 3,
                        auxiliaryNonzeros: auxiliaryK, auxiliaryWeight: Double(auxiliaryWeight))
    }
    let reference = objective(parameters)
    #expect(abs(gradient.loss - reference.loss) < 1e-5, "loss \(gradient.loss) against \(reference.loss)")
    #expect(abs(gradient.objective - reference.objective) < 1e-5, "objective \(gradient.objective) against \(reference.objective)")
    if auxiliaryWeight == 0 { #expect(gradient.objective == gradient.loss) } else { #expect(gradient.objective > gradient.loss) }

    let analytic = (gradient.encoderWeights.storage + gradient.encoderBias + gradient.decoderWeights.storage).map(Double.init)
    #expect(analytic.count == parameters.count)
    let step = 1e-6
    var differenceSquared = 0.0, normSquared = 0.0
    for index in parameters.indices {
        let saved = parameters[index]
        parameters[index] = saved + step
        let plus = objective(parameters).objective
        parameters[index] = saved - step
        let minus = objective(parameters).objective
        parameters[index] = saved
        let numeric = (plus - minus) / (2 * step)
        differenceSquared += (analytic[index] - numeric) * (analytic[index] - numeric)
        normSquared += numeric * numeric
    }
    #expect(normSquared > 1e-6, "the check needs a nonzero gradient")
    let relativeError = (differenceSquared / normSquared).squareRoot()
    #expect(relativeError < 1e-3, "relative error \(relativeError)")
}

@Test func compresSAEEncodeKeepsTheLargestMagnitudesWithTheirSign() {
    let d = 8, h = 32, k = 5
    let configuration = CompresSAEConfiguration(hiddenDimension: h, nonzeros: k, batchSize: 16, threads: 2, seed: 3)
    let autoencoder = CompresSAE(inputDimension: d, configuration: configuration)
    var items = randomMatrix(rows: 40, columns: d, seed: 8)
    for i in 0..<d { items[7, i] = 0 }
    let codes = autoencoder.encode(items)
    #expect(codes.rows == 40 && codes.columns == h && codes.nonzeroCount == 40 * k)

    let encoder = autoencoder.encoderWeights, bias = autoencoder.encoderBias
    var sawNegative = false
    for r in 0..<items.rows {
        #expect(codes.count(ofRow: r) == k)
        let columns = Array(codes.columns(ofRow: r)), values = Array(codes.values(ofRow: r))
        #expect(columns == columns.sorted() && Set(columns).count == k)
        // Direct computation of the pre-activations in Double.
        let x = items.row(r).map(Double.init)
        let norm = x.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        let p = (0..<h).map { j in
            Double(bias[j]) + (0..<d).reduce(0.0) { $0 + (norm > 0 ? x[$1] / norm : 0) * Double(encoder[j, $1]) }
        }
        let expected = (0..<h).sorted { abs(p[$0]) > abs(p[$1]) }.prefix(k).sorted()
        #expect(columns.map(Int.init) == expected)
        for (column, value) in zip(columns, values) {
            #expect(abs(Double(value) - p[Int(column)]) < 1e-5)
            if value < 0 { sawNegative = true }
        }
    }
    #expect(sawNegative, "signed codes: negative activations are kept")

    // The codes are a compressed ELSA item matrix: k nonzeros, 8 bytes each.
    let model = ELSAModel(embedding: .sparse(codes), itemIDs: (0..<40).map(String.init), threads: 1)
    #expect(model.embedding.nonzerosPerRow == k && model.embedding.bytesPerItem == 8 * k)

    // reconstruct = codes · rownorm(W_dec), computed directly.
    let reconstruction = autoencoder.reconstruct(items)
    let decoder = autoencoder.decoderWeights
    for r in 0..<items.rows {
        for i in 0..<d {
            var expected = 0.0
            for (column, value) in zip(codes.columns(ofRow: r), codes.values(ofRow: r)) {
                let j = Int(column)
                let rowNorm = (0..<d).reduce(0.0) { $0 + Double(decoder[j, $1]) * Double(decoder[j, $1]) }.squareRoot()
                expected += Double(value) * Double(decoder[j, i]) / rowNorm
            }
            #expect(abs(Double(reconstruction[r, i]) - expected) < 1e-5)
        }
    }
    // loss(_:) is the mean of 1 − cos over the nonzero rows.
    let nonzeroItems = items.gatherRows((0..<40).filter { $0 != 7 })
    let nonzeroReconstruction = reconstruction.gatherRows((0..<40).filter { $0 != 7 })
    #expect(abs(autoencoder.loss(items) - (1 - meanCosine(nonzeroItems, nonzeroReconstruction))) < 1e-5)
}

@Test func compresSAELearnsAPlantedDictionary() {
    let items = plantedItems(items: 512, dimension: 32, atoms: 24, atomsPerItem: 3, seed: 21)
    let configuration = CompresSAEConfiguration(hiddenDimension: 48, nonzeros: 4, epochs: 20, batchSize: 64,
                                                learningRate: 1e-2, threads: 2, seed: 5)
    let autoencoder = CompresSAE(inputDimension: 32, configuration: configuration)
    let before = meanCosine(items, autoencoder.reconstruct(items))
    autoencoder.train(items)
    let after = meanCosine(items, autoencoder.reconstruct(items))
    let losses = autoencoder.history.map(\.loss)
    #expect(autoencoder.history.count == 20)
    #expect(losses.last! < 0.5 * losses.first!, "losses \(losses)")
    #expect(after > 0.9, "mean cosine \(before) before training, \(after) after")
    #expect(abs(autoencoder.loss(items) - (1 - after)) < 1e-4)
    // Decoder rows are kept at unit norm.
    let decoder = autoencoder.decoderWeights
    for j in 0..<decoder.rows {
        let norm = (0..<decoder.columns).reduce(Float(0)) { $0 + decoder[j, $1] * decoder[j, $1] }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }
}

@Test func compresSAEIsDeterministicForASeed() {
    let items = plantedItems(items: 200, dimension: 32, atoms: 16, atomsPerItem: 2, seed: 4)
    func trained(threads: Int, seed: UInt64) -> CompresSAE {
        let configuration = CompresSAEConfiguration(hiddenDimension: 48, nonzeros: 4, epochs: 3, batchSize: 64,
                                                    learningRate: 1e-2, threads: threads, seed: seed)
        let autoencoder = CompresSAE(inputDimension: 32, configuration: configuration)
        autoencoder.train(items)
        return autoencoder
    }
    let first = trained(threads: 2, seed: 9), second = trained(threads: 2, seed: 9)
    #expect(first.encoderWeights == second.encoderWeights && first.encoderBias == second.encoderBias
            && first.decoderWeights == second.decoderWeights)
    #expect(first.history.map(\.loss) == second.history.map(\.loss))
    #expect(first.encode(items) == second.encode(items))
    // The Dispatch kernels write each value from one thread in a fixed order; at these
    // sizes (64 x 48 x 32) OpenBLAS runs its sgemm on one thread, so 1 and 2 threads agree.
    let single = trained(threads: 1, seed: 9)
    #expect(single.decoderWeights == first.decoderWeights && single.encoderWeights == first.encoderWeights)
    let other = trained(threads: 2, seed: 10)
    #expect(other.encoderWeights != first.encoderWeights)
}

@Test func compresSAENadamKernelMatchesNadamBitForBit() {
    let count = 37   // four SIMD8 blocks and a scalar tail
    var generator = SeededGenerator(seed: 12)
    func values(_ scale: Float) -> [Float] { (0..<count).map { _ in (generator.nextUnitFloat() * 2 - 1) * scale } }
    let parameters = values(1), momentum = values(0.1), velocity = values(0.01).map(abs)
    let optimizer = Nadam(parameterCount: count, configuration: NadamConfiguration(learningRate: 0.01))
    for _ in 0..<3 {
        let coefficients = optimizer.beginStep()
        let gradient = values(0.5)
        var expected = (parameters, momentum, velocity), actual = (parameters, momentum, velocity)
        Nadam.scalarKernel(parameters: &expected.0, gradient: gradient, momentum: &expected.1, velocity: &expected.2,
                     count: count, coefficients: coefficients)
        Nadam.simdKernel(parameters: &actual.0, gradient: gradient, momentum: &actual.1, velocity: &actual.2,
                         count: count, coefficients: coefficients)
        #expect(actual.0 == expected.0 && actual.1 == expected.1 && actual.2 == expected.2)
        #expect(actual.0 != parameters)
    }
}
