import ELSABaselines
import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
@testable import ELSAModels
import _ELSASupport

func randomInteractions(users: Int, items: Int, density: Double, seed: UInt64) -> CSRMatrix {
    var generator = SeededGenerator(seed: seed)
    var rows = [[Int32]]()
    for _ in 0..<users {
        var row = [Int32]()
        for i in 0..<items where generator.nextUnitDouble() < density { row.append(Int32(i)) }
        rows.append(row)
    }
    return CSRMatrix(rows: users, columns: items, binaryRows: rows)
}

/// Solves (G + λI) P = I by Gauss-Jordan elimination in Double: a direct dense solve independent of LAPACK.
func directInverse(_ matrix: [[Double]]) -> [[Double]] {
    let n = matrix.count
    var a = matrix
    var inverse = (0..<n).map { r in (0..<n).map { c in r == c ? 1.0 : 0.0 } }
    for column in 0..<n {
        let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
        a.swapAt(column, pivot); inverse.swapAt(column, pivot)
        let scale = a[column][column]
        for j in 0..<n { a[column][j] /= scale; inverse[column][j] /= scale }
        for r in 0..<n where r != column {
            let factor = a[r][column]
            if factor == 0 { continue }
            for j in 0..<n { a[r][j] -= factor * a[column][j]; inverse[r][j] -= factor * inverse[column][j] }
        }
    }
    return inverse
}

@Test func gramMatrixMethodsAgreeWithDenseProduct() {
    let x = randomInteractions(users: 40, items: 15, density: 0.3, seed: 1)
    let dense = x.toDense()
    let expected = BLAS.multiply(dense, dense, transposeA: .transpose)
    #expect(GramMatrix.compute(x, method: .sparse, threads: 2) == expected)
    #expect(GramMatrix.compute(x, method: .syrk).maxAbsoluteDifference(to: expected) == 0)
}

@Test func easeMatchesDirectDenseSolve() throws {
    let x = randomInteractions(users: 60, items: 20, density: 0.25, seed: 2)
    let lambda: Float = 3
    let ease = try EASE(interactions: x, lambda: lambda, threads: 1)
    // Reference: P = (XᵀX + λI)⁻¹ by Gauss-Jordan in Double, B = −P / diag(P), diag 0.
    let dense = x.toDense()
    var gram = [[Double]](repeating: [Double](repeating: 0, count: 20), count: 20)
    for u in 0..<60 { for i in 0..<20 { for j in 0..<20 { gram[i][j] += Double(dense[u, i] * dense[u, j]) } } }
    for i in 0..<20 { gram[i][i] += Double(lambda) }
    let p = directInverse(gram)
    for i in 0..<20 {
        #expect(ease.weights[i, i] == 0)
        for j in 0..<20 where i != j {
            let expected = -p[i][j] / p[j][j]
            #expect(abs(Double(ease.weights[i, j]) - expected) < 1e-4, "B[\(i), \(j)]")
        }
    }
    // Scores are x · B.
    let histories = x.selectingRows([0, 5, 7])
    let scores = ease.scores(for: histories)
    let reference = BLAS.multiply(histories.toDense(), ease.weights)
    #expect(scores.maxAbsoluteDifference(to: reference) < 1e-5)
}

@Test func easeWithoutRegularizationOnRankDeficientDataThrows() {
    // Item 2 never occurs: its Gram row is zero, so XᵀX is singular.
    let x = CSRMatrix(rows: 3, columns: 3, binaryRows: [[0], [1], [0, 1]])
    #expect(throws: (any Error).self) { try EASE(interactions: x, lambda: 0) }
}

@Test func prunedEASEKeepsLargestEntriesPerRow() throws {
    let x = randomInteractions(users: 80, items: 12, density: 0.3, seed: 3)
    let ease = try EASE(interactions: x, lambda: 2, threads: 1)
    let pruned = ease.pruned(nonzerosPerRow: 3)
    for i in 0..<12 {
        let row = ease.weights.row(i)
        let kept = Set(pruned.weights.columns(ofRow: i).map(Int.init))
        #expect(kept.count == 3)
        let smallestKept = kept.map { abs(row[$0]) }.min()!
        for j in 0..<12 where !kept.contains(j) { #expect(abs(row[j]) <= smallestKept) }
    }
    // Pruned scores equal x · (B with the dropped entries zeroed).
    let histories = x.selectingRows([1, 2])
    let reference = BLAS.multiply(histories.toDense(), pruned.weights.toDense())
    #expect(pruned.scores(for: histories).maxAbsoluteDifference(to: reference) < 1e-6)
}

@Test func popularityScoresAreTrainingCounts() {
    let x = CSRMatrix(rows: 3, columns: 4, binaryRows: [[0, 1], [1], [1, 3]])
    let model = PopularityRecommender(interactions: x)
    #expect(model.counts == [1, 3, 0, 1])
    let scores = model.scores(for: CSRMatrix(rows: 2, columns: 4, binaryRows: [[0], []]))
    #expect(scores.row(1) == [1, 3, 0, 1])
}
