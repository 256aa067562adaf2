import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

/// More output rows than one staging chunk (128 rows), split across threads at
/// uneven points, so chunk and thread boundaries fall inside the output rows.
@Suite("Kernels with many output rows")
struct LargeOutputKernelTests {
    @Test("output product, output gradient and hidden gradient over 300 outputs")
    func manyOutputs() {
        var generator = SeededGenerator(seed: 800)
        let items = 331, dimension = 24, k = 7, users = 45
        let (normalized, _) = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator).normalizedRows(threads: 1)
        let outputs = randomOutputItems(count: 300, of: items, using: &generator)
        let hiddenTransposed = randomDense(rows: dimension, columns: users, using: &generator)
        let upstreamTransposed = randomDense(rows: outputs.count, columns: users, using: &generator)
        let outputWeights = normalized.toDense().gatherRows(outputs.items)

        let expectedPredictions = BLAS.multiply(outputWeights, hiddenTransposed)
        let predictions = normalized.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, threads: 1)
        #expect(relativeError(predictions, expectedPredictions) <= 1e-5)

        let outputRows = BLAS.multiply(upstreamTransposed, hiddenTransposed, transposeB: .transpose)
        var full = DenseMatrix(rows: items, columns: dimension)
        for (o, item) in outputs.items.enumerated() {
            for c in 0..<dimension { full[Int(item), c] = outputRows[o, c] }
        }
        var gradient = [Float](repeating: 0, count: normalized.values.count)
        normalized.accumulateOutputGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                            hiddenTransposed: hiddenTransposed, into: &gradient, threads: 1)
        #expect(relativeError(gradient, sample(full, at: normalized)) <= 1e-5)

        let expectedHiddenGradient = BLAS.multiply(outputWeights, upstreamTransposed, transposeA: .transpose)
        let hiddenGradient = normalized.hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed, threads: 1)
        #expect(relativeError(hiddenGradient, expectedHiddenGradient) <= 1e-5)

        for threads in [2, 3, 7] {
            #expect(normalized.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, threads: threads) == predictions)
            var again = [Float](repeating: 0, count: normalized.values.count)
            normalized.accumulateOutputGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                                hiddenTransposed: hiddenTransposed, into: &again, threads: threads)
            #expect(again == gradient)
            #expect(normalized.hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed, threads: threads)
                    == hiddenGradient)
        }
    }

    /// The panel kernels read 16-bit latent indices when d <= 65536 and the stored 32-bit ones above;
    /// both sides of the switch against dense products with the masked matrix.
    @Test("latent indices at and above 65536: both index widths agree with dense products", arguments: [65536, 70000])
    func wideDimensions(dimension: Int) {
        var generator = SeededGenerator(seed: UInt64(dimension))
        let items = 40, k = 5, users = 35
        var (normalized, _) = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator).normalizedRows(threads: 1)
        // Make sure the largest index is in use (65535 fits 16 bits, 69999 does not).
        var indices = normalized.columnIndices
        indices[k - 1] = Int32(dimension - 1)
        normalized = FixedPatternEmbedding(itemCount: items, dimension: dimension, nonzerosPerRow: k, columnIndices: indices,
                                           values: normalized.values)
        let outputs = OutputItemSelection(allItemsOf: items)
        let hiddenTransposed = randomDense(rows: dimension, columns: users, using: &generator)
        let upstreamTransposed = randomDense(rows: outputs.count, columns: users, using: &generator)
        let outputWeights = normalized.toDense().gatherRows(outputs.items)
        let expectedPredictions = BLAS.multiply(outputWeights, hiddenTransposed)
        let outputRows = BLAS.multiply(upstreamTransposed, hiddenTransposed, transposeB: .transpose)
        var full = DenseMatrix(rows: items, columns: dimension)
        for (o, item) in outputs.items.enumerated() {
            for c in 0..<dimension { full[Int(item), c] = outputRows[o, c] }
        }
        let expectedHiddenGradient = BLAS.multiply(outputWeights, upstreamTransposed, transposeA: .transpose)
        for threads in [1, 2] {
            let predictions = normalized.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, threads: threads)
            #expect(relativeError(predictions, expectedPredictions) <= 1e-5)
            var gradient = [Float](repeating: 0, count: normalized.values.count)
            normalized.accumulateOutputGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                                hiddenTransposed: hiddenTransposed, into: &gradient, threads: threads)
            #expect(relativeError(gradient, sample(full, at: normalized)) <= 1e-5)
            let hiddenGradient = normalized.hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed, threads: threads)
            #expect(relativeError(hiddenGradient, expectedHiddenGradient) <= 1e-5)
        }
    }

    @Test("k = 0 and empty outputs give zeros")
    func degenerate() {
        let empty = FixedPatternEmbedding(itemCount: 3, dimension: 4, nonzerosPerRow: 0, columnIndices: [], values: [])
        let outputs = OutputItemSelection(allItemsOf: 3)
        let hiddenTransposed = DenseMatrix(rows: 4, columns: 5, repeating: 1)
        var predictions = DenseMatrix(rows: 3, columns: 5, repeating: 8)
        empty.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, into: &predictions, threads: 2)
        #expect(predictions == DenseMatrix(rows: 3, columns: 5))
        var hiddenGradient = DenseMatrix(rows: 4, columns: 5, repeating: 8)
        empty.hiddenGradient(outputs: outputs, upstreamTransposed: DenseMatrix(rows: 3, columns: 5, repeating: 1),
                             into: &hiddenGradient, threads: 2)
        #expect(hiddenGradient == DenseMatrix(rows: 4, columns: 5))
        let batch = CSRMatrix(rows: 5, columns: 3, binaryRows: [[0], [1, 2], [], [2], [0, 1, 2]])
        #expect(empty.inputProduct(batch: batch, threads: 2) == DenseMatrix(rows: 4, columns: 5))

        let embedding = FixedPatternEmbedding(itemCount: 3, dimension: 4, nonzerosPerRow: 2,
                                              columnIndices: [0, 1, 1, 2, 2, 3], values: [1, 2, 3, 4, 5, 6])
        let none = OutputItemSelection(items: [], itemCount: 3)
        var zeroed = DenseMatrix(rows: 4, columns: 5, repeating: 8)
        embedding.hiddenGradient(outputs: none, upstreamTransposed: DenseMatrix(rows: 0, columns: 5), into: &zeroed, threads: 2)
        #expect(zeroed == DenseMatrix(rows: 4, columns: 5))
    }
}
