import ELSALinearAlgebra
import ELSASparse

/// Average-linkage agglomeration of item groups: the merging step of `Segmentation`.
///
/// The similarity of two groups is the mean cosine over all pairs of one item of each,
/// (Σ_{i∈a} Â_i) · (Σ_{j∈b} Â_j) / (|a| |b|) for row-normalized Â: how much their items put
/// weight on the same latents with the same signs. Repeatedly the most similar pair is merged
/// (ties: lower group indices) and the merged group's similarities recomputed, while the best
/// similarity exceeds the threshold. A pair whose union would hold both signs of one latent is
/// never merged. Unlike single linkage it does not chain, and unlike centroid cosine a large,
/// incoherent group does not become similar to everything.
///
/// Deterministic: the first similarities come from one single-threaded BLAS product, later
/// ones from dot products in a fixed order. Memory: groups² floats for the similarity table,
/// plus groups x d for the group sums. Time: one groups² x d product, then per merge
/// O(groups · d) plus O(groups) per group whose best partner changed.
enum AverageLinkage {
    /// The merged components as lists of group indices (each ascending, listed by their lowest
    /// group). `slots[g]` is the signed-latent slot (`SignedLatent.slot`) of group g, whose
    /// items are `groups[g]` (rows of `embedding`). A threshold of 1 or more merges nothing.
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
        var sizes = groups.map { Float($0.count) }
        var similarity = BLASThreads.with(1) { BLAS.multiply(sums, sums, transposeB: .transpose) }  // count x count
        for a in 0..<count { for b in 0..<count { similarity[a, b] /= sizes[a] * sizes[b] } }

        var members = (0..<count).map { [$0] }
        var active = [Bool](repeating: true, count: count)
        var owner = [Int](repeating: -1, count: 2 * d)  // slot -> the group holding it now
        for (g, slot) in slots.enumerated() { owner[slot] = g }

        /// Whether a and b hold no latent with opposite signs.
        func compatible(_ a: Int, _ b: Int) -> Bool {
            for member in members[a] where owner[slots[member] ^ 1] == b { return false }
            return true
        }
        var bestPartner = [Int](repeating: -1, count: count)
        var bestSimilarity = [Float](repeating: -.infinity, count: count)
        func refreshBest(_ a: Int) {
            bestPartner[a] = -1
            bestSimilarity[a] = -.infinity
            for b in 0..<count where b != a && active[b] && similarity[a, b] > bestSimilarity[a] && compatible(a, b) {
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
            sizes[keep] += sizes[drop]
            members[keep].append(contentsOf: members[drop])
            members[drop] = []
            active[drop] = false
            for member in members[keep] { owner[slots[member]] = keep }
            sums.storage.withUnsafeBufferPointer { s in
                let keepRow = s.baseAddress! + keep * d
                for b in 0..<count where active[b] && b != keep {
                    let value = BLAS.dot(count: d, keepRow, s.baseAddress! + b * d) / (sizes[keep] * sizes[b])
                    similarity[keep, b] = value
                    similarity[b, keep] = value
                }
            }
            refreshBest(keep)
            for b in 0..<count where active[b] && b != keep {
                if bestPartner[b] == keep || bestPartner[b] == drop {
                    refreshBest(b)
                } else if (similarity[b, keep] > bestSimilarity[b] || (similarity[b, keep] == bestSimilarity[b] && keep < bestPartner[b]))
                            && compatible(b, keep) {
                    bestPartner[b] = keep
                    bestSimilarity[b] = similarity[b, keep]
                }
            }
        }
        return (0..<count).filter { active[$0] }.map { members[$0].sorted() }
    }
}
