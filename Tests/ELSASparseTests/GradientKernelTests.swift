import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

@Suite("Batch-transposed gradient kernels against dense BLAS references")
struct GradientKernelTests {
    @Test("output-side gradient: Gᵀ H sampled at the pattern, accumulated", arguments: kernelShapes.indices)
    func outputGradient(shape: Int) {
        let (users, dimension, k) = kernelShapes[shape]
        var generator = SeededGenerator(seed: 300 + UInt64(shape))
        let items = 60
        let embedding = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator)
        let outputs = randomOutputItems(count: 23, of: items, using: &generator)
        let upstreamTransposed = randomDense(rows: outputs.count, columns: users, using: &generator)
        let hiddenTransposed = randomDense(rows: dimension, columns: users, using: &generator)
        let start = (0..<embedding.values.count).map { _ in Float.random(in: -1...1, using: &generator) }

        // dL/dÂ_O = Gᵀ H (outputs x d): scatter its rows to the output items, sample at the pattern.
        let outputRows = BLAS.multiply(upstreamTransposed, hiddenTransposed, transposeB: .transpose)
        var full = DenseMatrix(rows: items, columns: dimension)
        for (o, item) in outputs.items.enumerated() {
            for c in 0..<dimension { full[Int(item), c] = outputRows[o, c] }
        }
        let expected = zip(start, sample(full, at: embedding)).map { $0 + $1 }

        var gradient = start
        embedding.accumulateOutputGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                           hiddenTransposed: hiddenTransposed, into: &gradient, threads: 1)
        #expect(relativeError(gradient, expected) <= 1e-5)
        // Items outside the outputs are untouched.
        for item in 0..<items where outputs.outputRowOfItem[item] < 0 {
            #expect(gradient[(item * k)..<((item + 1) * k)] == start[(item * k)..<((item + 1) * k)])
        }
        for threads in [2, 3] {
            var again = start
            embedding.accumulateOutputGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                               hiddenTransposed: hiddenTransposed, into: &again, threads: threads)
            #expect(again == gradient)
        }
    }

    @Test("hidden gradient (G Â_O)ᵀ = Â_Oᵀ Gᵀ", arguments: kernelShapes.indices)
    func hiddenGradient(shape: Int) {
        let (users, dimension, k) = kernelShapes[shape]
        var generator = SeededGenerator(seed: 400 + UInt64(shape))
        let items = 60
        let embedding = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator)
        for outputs in [randomOutputItems(count: 23, of: items, using: &generator), OutputItemSelection(allItemsOf: items)] {
            let upstreamTransposed = randomDense(rows: outputs.count, columns: users, using: &generator)
            let expected = BLAS.multiply(embedding.toDense().gatherRows(outputs.items), upstreamTransposed, transposeA: .transpose)
            var actual = DenseMatrix(rows: dimension, columns: users, repeating: 5)
            embedding.hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                     into: &actual, threads: 1)
            #expect(relativeError(actual, expected) <= 1e-5)
            for threads in [2, 3] {
                #expect(embedding.hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                                 threads: threads) == actual)
            }
        }
    }

    @Test("input-side gradient: xᵀ (G Â_O) sampled at the pattern, accumulated", arguments: kernelShapes.indices)
    func inputGradient(shape: Int) {
        let (users, dimension, k) = kernelShapes[shape]
        var generator = SeededGenerator(seed: 500 + UInt64(shape))
        let items = 70
        let embedding = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator)
        let batch = randomBatch(users: users, items: items, density: 0.1, using: &generator)
        let hiddenGradientTransposed = randomDense(rows: dimension, columns: users, using: &generator)
        let start = (0..<embedding.values.count).map { _ in Float.random(in: -1...1, using: &generator) }

        // xᵀ GA = xᵀ (GAᵀ)ᵀ: items x d.
        let full = BLAS.multiply(batch.toDense(), hiddenGradientTransposed, transposeA: .transpose, transposeB: .transpose)
        let expected = zip(start, sample(full, at: embedding)).map { $0 + $1 }

        var gradient = start
        embedding.accumulateInputGradient(batchTransposed: batch.transposed(), hiddenGradientTransposed: hiddenGradientTransposed,
                                          into: &gradient, threads: 1)
        #expect(relativeError(gradient, expected) <= 1e-5)
        for threads in [2, 3] {
            var again = start
            embedding.accumulateInputGradient(batchTransposed: batch.transposed(),
                                              hiddenGradientTransposed: hiddenGradientTransposed, into: &again, threads: threads)
            #expect(again == gradient)
        }
    }

    /// The kernels chained: for L = Σ G ⊙ P with P = x Â Â_Oᵀ, dL/dÂ at the stored entries is the output-side
    /// term plus the input-side term (items in both S and O get both), checked by central differences in double.
    @Test("chained kernels give the gradient of Σ G ⊙ (x Â Â_Oᵀ), by finite differences")
    func chainedGradient() {
        var generator = SeededGenerator(seed: 600)
        let items = 14, dimension = 11, k = 4, users = 9
        let embedding = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator)
        let batch = randomBatch(users: users, items: items, density: 0.3, using: &generator)
        let outputs = randomOutputItems(count: 8, of: items, using: &generator)
        let upstreamTransposed = randomDense(rows: outputs.count, columns: users, using: &generator)

        let hiddenTransposed = embedding.inputProduct(batch: batch, threads: 2)
        var gradient = [Float](repeating: 0, count: embedding.values.count)
        embedding.accumulateOutputGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                           hiddenTransposed: hiddenTransposed, into: &gradient, threads: 2)
        let hiddenGradientTransposed = embedding.hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                                                                threads: 2)
        embedding.accumulateInputGradient(batchTransposed: batch.transposed(), hiddenGradientTransposed: hiddenGradientTransposed,
                                          into: &gradient, threads: 2)

        // L(values) in double precision, straight from the definition.
        let x = batch.toDense()
        func loss(_ values: [Double]) -> Double {
            var weights = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: items)
            for p in values.indices { weights[p / k][Int(embedding.columnIndices[p])] = values[p] }
            var total = 0.0
            for u in 0..<users {
                var hidden = [Double](repeating: 0, count: dimension)
                for i in 0..<items where x[u, i] != 0 {
                    for c in 0..<dimension { hidden[c] += Double(x[u, i]) * weights[i][c] }
                }
                for (o, item) in outputs.items.enumerated() {
                    var prediction = 0.0
                    for c in 0..<dimension { prediction += hidden[c] * weights[Int(item)][c] }
                    total += Double(upstreamTransposed[o, u]) * prediction
                }
            }
            return total
        }
        let values = embedding.values.map(Double.init)
        let step = 1e-5
        for p in values.indices {
            var plus = values, minus = values
            plus[p] += step
            minus[p] -= step
            let numeric = (loss(plus) - loss(minus)) / (2 * step)
            #expect(abs(Double(gradient[p]) - numeric) <= 1e-4 * max(1, abs(numeric)), "entry \(p)")
        }
    }
}
