import ELSALinearAlgebra

/// Item scores of a sparse item embedding for inference: `x Ŵ Ŵᵀ − x`.
///
/// Holds the embedding `Ŵ` (items x d, CSR; pass it row-normalized, as the
/// model predicts with `Â`) and its inverted index `Ŵᵀ` (for each latent, the
/// items storing an entry there, with their values), built once. For a user
/// history `x_u` the kernel accumulates `h_u = Σ_i x_ui Ŵ[i, :]` sparsely and
/// then scatters `h_u[c] · Ŵ[j, c]` over the inverted lists of the latents `c`
/// it touched, so the cost per user is `nnz(x_u) · k` plus the lengths of
/// those lists, not `items · d`.
public struct SparseScorer: Sendable {
    /// The embedding, items x d.
    public let embedding: CSRMatrix
    /// Its transpose: latents x items.
    public let invertedIndex: CSRMatrix

    /// - Parameter embedding: items x d, normally row-normalized (any CSR matrix works).
    public init(embedding: CSRMatrix) {
        self.embedding = embedding
        self.invertedIndex = embedding.transposed()
    }

    /// Scores from a fixed-pattern embedding (pass the row-normalized one).
    public init(embedding: FixedPatternEmbedding) {
        self.init(embedding: embedding.matrix)
    }

    /// Number of items (columns of the scores).
    public var itemCount: Int { embedding.rows }

    /// Writes `scores = x Ŵ Ŵᵀ − x` for the user rows `histories` (`b x items`, dense).
    ///
    /// Every element of `scores` is overwritten. Users are dealt to threads
    /// round-robin; each score is summed in a fixed order (the order in which
    /// the user's items first touch each latent), so results do not depend on
    /// `threads`. Seen items are not masked; their score is `(x Ŵ Ŵᵀ)[u, i] − x_ui`.
    /// - Precondition: `histories.columns == itemCount`; `scores` is `histories.rows x itemCount`.
    public func scores(histories: CSRMatrix, into scores: inout DenseMatrix, threads: Int = KernelThreads.available) {
        let items = itemCount
        let latentCount = embedding.columns
        precondition(histories.columns == items, "scoring needs histories over \(items) items, got \(histories.columns) columns")
        precondition(scores.rows == histories.rows && scores.columns == items,
                     "scoring writes a \(histories.rows) x \(items) matrix, got \(scores.rows) x \(scores.columns)")
        let users = histories.rows
        if users == 0 || items == 0 { return }
        let slots = effectiveThreads(threads, workItems: users)
        histories.rowOffsets.withUnsafeBufferPointer { historyOffsets in
        histories.columnIndices.withUnsafeBufferPointer { historyItems in
        histories.values.withUnsafeBufferPointer { historyValues in
        embedding.rowOffsets.withUnsafeBufferPointer { itemOffsets in
        embedding.columnIndices.withUnsafeBufferPointer { itemLatents in
        embedding.values.withUnsafeBufferPointer { itemWeights in
        invertedIndex.rowOffsets.withUnsafeBufferPointer { latentOffsets in
        invertedIndex.columnIndices.withUnsafeBufferPointer { latentItems in
        invertedIndex.values.withUnsafeBufferPointer { latentWeights in
        scores.storage.withUnsafeMutableBufferPointer { output in
            let shared = UncheckedSendable((historyOffsets, historyItems, historyValues, itemOffsets, itemLatents, itemWeights,
                                            latentOffsets, latentItems, latentWeights, output.baseAddress!))
            runSlots(slots) { slot in
                let (historyOffsets, historyItems, historyValues, itemOffsets, itemLatents, itemWeights,
                     latentOffsets, latentItems, latentWeights, output) = shared.value
                let hidden = UnsafeMutablePointer<Float>.allocate(capacity: max(1, latentCount))
                hidden.initialize(repeating: 0, count: max(1, latentCount))
                let touched = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, latentCount))
                let isTouched = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, latentCount))
                isTouched.initialize(repeating: false, count: max(1, latentCount))
                defer { hidden.deallocate(); touched.deallocate(); isTouched.deallocate() }
                for user in stride(from: slot, to: users, by: slots) {
                    var touchedCount = 0
                    for p in historyOffsets[user]..<historyOffsets[user + 1] {
                        let item = Int(historyItems[p])
                        let interaction = historyValues[p]
                        for q in itemOffsets[item]..<itemOffsets[item + 1] {
                            let c = Int(itemLatents[q])
                            if !isTouched[c] {
                                isTouched[c] = true
                                touched[touchedCount] = Int32(c)
                                touchedCount += 1
                            }
                            hidden[c] += interaction * itemWeights[q]
                        }
                    }
                    let row = output + user * items
                    row.update(repeating: 0, count: items)
                    for t in 0..<touchedCount {
                        let c = Int(touched[t])
                        let h = hidden[c]
                        hidden[c] = 0
                        isTouched[c] = false
                        if h == 0 { continue }
                        for q in latentOffsets[c]..<latentOffsets[c + 1] {
                            row[Int(latentItems[q])] += h * latentWeights[q]
                        }
                    }
                    for p in historyOffsets[user]..<historyOffsets[user + 1] {
                        row[Int(historyItems[p])] -= historyValues[p]
                    }
                }
            }
        }}}}}}}}}}
    }

    /// The scores as a new `histories.rows x itemCount` matrix; see `scores(histories:into:threads:)`.
    public func scores(histories: CSRMatrix, threads: Int = KernelThreads.available) -> DenseMatrix {
        var result = DenseMatrix(rows: histories.rows, columns: itemCount)
        scores(histories: histories, into: &result, threads: threads)
        return result
    }
}
