import ELSALinearAlgebra
import ELSASparse

/// Centroid-linkage agglomeration of item groups, the merging step of `Segmentation`.
///
/// A group's centroid is the sum of its items' rows of Â; the similarity of two groups is the
/// cosine of their centroids (how much their items weigh on the same latents with the same
/// signs). Repeatedly, the most similar pair is merged (ties: lower group indices) and the
/// merged centroid recomputed, until no pair is more similar than the threshold. A pair whose
/// union would hold both signs of one latent is never merged. Deterministic: the initial
/// similarities come from one single-threaded BLAS product, later ones from fixed-order dot
/// products. Memory: groups² floats for the similarity table.
enum CentroidLinkage {
    /// The merged components as lists of group indices (each ascending, listed by their
    /// lowest group). `slots[g]` is the signed-latent slot of group g (`SignedLatent.slot`).
    static func merge(groups: [[Int]], slots: [Int], embedding: CSRMatrix, threshold: Double) -> [[Int]] {
        let count = groups.count, d = embedding.columns
        guard count > 1, threshold < 1 else { return (0..<count).map { [$0] } }
        var sums = DenseMatrix(rows: count, columns: d)
        for (g, items) in groups.enumerated() {
            for item in items {
                for p in embedding.rowOffsets[item]..<embedding.rowOffsets[item + 1] {
                    sums[g, Int(embedding.columnIndices[p])] += embedding.values[p]
                }
            }
        }
        var units = sums
        normalizeRows(&units)
        var similarity = BLASThreads.with(1) { BLAS.multiply(units, units, transposeB: .transpose) }  // count x count

        var members = (0..<count).map { [$0] }
        var active = [Bool](repeating: true, count: count)
        var owner = [Int](repeating: -1, count: 2 * d)  // slot -> component (group index of its representative)
        for (g, slot) in slots.enumerated() { owner[slot] = g }

        func allowed(_ a: Int, _ b: Int) -> Bool {
            for member in members[a] where owner[slots[member] ^ 1] == b { return false }
            return true
        }
        var bestPartner = [Int](repeating: -1, count: count)
        var bestSimilarity = [Float](repeating: -.infinity, count: count)
        func refreshBest(_ a: Int) {
            bestPartner[a] = -1
            bestSimilarity[a] = -.infinity
            for b in 0..<count where b != a && active[b] && similarity[a, b] > bestSimilarity[a] && allowed(a, b) {
                bestPartner[a] = b
                bestSimilarity[a] = similarity[a, b]
            }
        }
        for a in 0..<count { refreshBest(a) }

        while true {
            var chosen = -1
            for a in 0..<count where active[a] && bestPartner[a] >= 0 && (chosen < 0 || bestSimilarity[a] > bestSimilarity[chosen]) {
                chosen = a
            }
            guard chosen >= 0, Double(bestSimilarity[chosen]) > threshold else { break }
            let keep = min(chosen, bestPartner[chosen]), drop = max(chosen, bestPartner[chosen])
            for column in 0..<d { sums[keep, column] += sums[drop, column] }
            members[keep].append(contentsOf: members[drop])
            members[drop] = []
            active[drop] = false
            for member in members[keep] { owner[slots[member]] = keep }
            var norm: Float = 0
            for column in 0..<d { norm += sums[keep, column] * sums[keep, column] }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            for column in 0..<d { units[keep, column] = sums[keep, column] * scale }
            units.storage.withUnsafeBufferPointer { u in
                let keepRow = u.baseAddress! + keep * d
                for b in 0..<count where active[b] && b != keep {
                    let value = BLAS.dot(count: d, keepRow, u.baseAddress! + b * d)
                    similarity[keep, b] = value
                    similarity[b, keep] = value
                }
            }
            refreshBest(keep)
            for b in 0..<count where active[b] && b != keep {
                if bestPartner[b] == keep || bestPartner[b] == drop {
                    refreshBest(b)
                } else if (similarity[b, keep] > bestSimilarity[b] || (similarity[b, keep] == bestSimilarity[b] && keep < bestPartner[b]))
                            && allowed(b, keep) {
                    bestPartner[b] = keep
                    bestSimilarity[b] = similarity[b, keep]
                }
            }
        }
        return (0..<count).filter { active[$0] }.map { members[$0].sorted() }
    }

    private static func normalizeRows(_ matrix: inout DenseMatrix) {
        let d = matrix.columns
        for row in 0..<matrix.rows {
            var norm: Float = 0
            for column in 0..<d { norm += matrix[row, column] * matrix[row, column] }
            if norm > 0 {
                let scale = 1 / norm.squareRoot()
                for column in 0..<d { matrix[row, column] *= scale }
            }
        }
    }
}
