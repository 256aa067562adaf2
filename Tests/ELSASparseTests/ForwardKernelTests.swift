import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

/// Dense references: the masked embedding as a dense matrix and BLAS products.
@Suite("Batch-transposed forward kernels against dense BLAS references")
struct ForwardKernelTests {
    @Test("input product Hᵀ = (x Â)ᵀ", arguments: kernelShapes.indices)
    func inputProduct(shape: Int) {
        let (users, dimension, k) = kernelShapes[shape]
        var generator = SeededGenerator(seed: 100 + UInt64(shape))
        let items = 70
        let (normalized, _) = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator).normalizedRows(threads: 1)
        let batch = randomBatch(users: users, items: items, density: 0.1, using: &generator)
        // Hᵀ = Âᵀ xᵀ.
        let expected = BLAS.multiply(normalized.toDense(), batch.toDense(), transposeA: .transpose, transposeB: .transpose)
        let actual = normalized.inputProduct(batch: batch, threads: 1)
        #expect(relativeError(actual, expected) <= 1e-5)
        for threads in [2, 3] {
            #expect(normalized.inputProduct(batch: batch, threads: threads) == actual)
        }
    }

    @Test("input product uses interaction values and overwrites stale output")
    func inputProductWeighted() {
        var generator = SeededGenerator(seed: 150)
        let embedding = randomEmbedding(items: 12, dimension: 9, k: 4, using: &generator)
        var batch = randomBatch(users: 20, items: 12, density: 0.3, using: &generator)
        batch.values = batch.values.map { _ in Float.random(in: 0.5...2, using: &generator) }
        let expected = BLAS.multiply(embedding.toDense(), batch.toDense(), transposeA: .transpose, transposeB: .transpose)
        var hiddenTransposed = DenseMatrix(rows: 9, columns: 20, repeating: 7)
        embedding.inputProduct(batch: batch, into: &hiddenTransposed, threads: 2)
        #expect(relativeError(hiddenTransposed, expected) <= 1e-5)
    }

    @Test("output product Pᵀ = Â_O Hᵀ for sampled and full outputs", arguments: kernelShapes.indices)
    func outputProduct(shape: Int) {
        let (users, dimension, k) = kernelShapes[shape]
        var generator = SeededGenerator(seed: 200 + UInt64(shape))
        let items = 60
        let (normalized, _) = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator).normalizedRows(threads: 1)
        let hiddenTransposed = randomDense(rows: dimension, columns: users, using: &generator)
        for outputs in [randomOutputItems(count: 23, of: items, using: &generator), OutputItemSelection(allItemsOf: items)] {
            let expected = BLAS.multiply(normalized.toDense().gatherRows(outputs.items), hiddenTransposed)
            var actual = DenseMatrix(rows: outputs.count, columns: users, repeating: -3)
            normalized.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, into: &actual, threads: 1)
            #expect(relativeError(actual, expected) <= 1e-5)
            for threads in [2, 3] {
                #expect(normalized.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, threads: threads) == actual)
            }
        }
    }

    @Test("hand-computed forward pass: x Â Âᵀ on two items")
    func handForward() {
        // Â rows: item 0 = (0.6, 0.8) at latents (0, 2); item 1 = (1) at latent 2 … with k = 2: (0, 1) at (1, 2).
        let normalized = FixedPatternEmbedding(itemCount: 2, dimension: 3, nonzerosPerRow: 2,
                                               columnIndices: [0, 2, 1, 2], values: [0.6, 0.8, 0, 1])
        let batch = CSRMatrix(rows: 2, columns: 2, binaryRows: [[0], [0, 1]])
        let hiddenTransposed = normalized.inputProduct(batch: batch, threads: 1)
        // H = [[0.6, 0, 0.8], [0.6, 0, 1.8]].
        #expect(hiddenTransposed == DenseMatrix([[0.6, 0.6], [0, 0], [0.8, 1.8]]))
        let outputs = OutputItemSelection(items: [1, 0], itemCount: 2)
        let predictionsTransposed = normalized.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, threads: 1)
        // P[u, 1] = H[u, 2]; P[u, 0] = 0.6 H[u, 0] + 0.8 H[u, 2].
        let expected = DenseMatrix([[0.8, 1.8], [0.36 + 0.64, 0.36 + 1.44]])
        #expect(relativeError(predictionsTransposed, expected) <= 1e-6)
    }
}
