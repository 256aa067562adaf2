import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

/// SplitMix64: a small seeded generator so that every test is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomDense(rows: Int, columns: Int, using generator: inout SeededGenerator) -> DenseMatrix {
    DenseMatrix(rows: rows, columns: columns,
                storage: (0..<(rows * columns)).map { _ in Float.random(in: -1...1, using: &generator) })
}

/// A binary users x items batch; each user holds each item with probability `density` (some users may be empty).
func randomBatch(users: Int, items: Int, density: Double, using generator: inout SeededGenerator) -> CSRMatrix {
    let rows: [[Int32]] = (0..<users).map { _ in
        (0..<items).filter { _ in Double.random(in: 0..<1, using: &generator) < density }.map { Int32($0) }
    }
    return CSRMatrix(rows: users, columns: items, binaryRows: rows)
}

/// A random fixed-pattern embedding: the top-k of a random dense matrix.
func randomEmbedding(items: Int, dimension: Int, k: Int, using generator: inout SeededGenerator) -> FixedPatternEmbedding {
    FixedPatternEmbedding(topKOf: randomDense(rows: items, columns: dimension, using: &generator), nonzerosPerRow: k, threads: 1)
}

/// `count` distinct items out of `0..<items` in random order.
func randomOutputItems(count: Int, of items: Int, using generator: inout SeededGenerator) -> OutputItemSelection {
    var all = (0..<items).map { Int32($0) }
    all.shuffle(using: &generator)
    return OutputItemSelection(items: Array(all.prefix(count)), itemCount: items)
}

/// The dense matrix of stored values at the pattern, sampled: `sample[p] = dense[row of p, column of p]`.
func sample(_ dense: DenseMatrix, at embedding: FixedPatternEmbedding) -> [Float] {
    (0..<embedding.columnIndices.count).map { p in
        dense[p / embedding.nonzerosPerRow, Int(embedding.columnIndices[p])]
    }
}

/// Max |actual − expected| relative to max |expected| (absolute when the expectation is all zero).
func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count, "compared arrays differ in length: \(actual.count) and \(expected.count)")
    var worst: Float = 0
    var scale: Float = 0
    for i in actual.indices {
        worst = max(worst, abs(actual[i] - expected[i]))
        scale = max(scale, abs(expected[i]))
    }
    return scale > 0 ? worst / scale : worst
}

func relativeError(_ actual: DenseMatrix, _ expected: DenseMatrix) -> Float {
    #expect(actual.rows == expected.rows && actual.columns == expected.columns)
    return relativeError(actual.storage, expected.storage)
}

/// The problem shapes every kernel is checked on: batch width, dimension, nonzeros per row.
/// Widths below and above 64 reach the scalar tails, the 8-wide and the 64-wide register blocks.
/// Widths that are not multiples of 32 reach the zero-padded partial panels.
let kernelShapes: [(users: Int, dimension: Int, k: Int)] = [
    (37, 50, 5), (37, 50, 50), (130, 50, 5), (130, 21, 21), (1, 9, 3), (64, 8, 1),
]
