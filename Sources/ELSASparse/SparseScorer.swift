import ELSALinearAlgebra
import _ELSASupport

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

    /// Per-thread scratch of ``scoreRow(items:values:into:workspace:)``: the user's latent
    /// vector and the list of latents it touched (`dimension` floats, ints and flags).
    public final class Workspace: @unchecked Sendable {
        let hidden: UnsafeMutablePointer<Float>
        let touched: UnsafeMutablePointer<Int32>
        let isTouched: UnsafeMutablePointer<Bool>

        init(latentCount: Int) {
            let capacity = max(1, latentCount)
            hidden = .allocate(capacity: capacity)
            hidden.initialize(repeating: 0, count: capacity)
            touched = .allocate(capacity: capacity)
            isTouched = .allocate(capacity: capacity)
            isTouched.initialize(repeating: false, count: capacity)
        }

        deinit {
            hidden.deallocate()
            touched.deallocate()
            isTouched.deallocate()
        }
    }

    /// Scratch for one thread; reuse it for every user that thread scores.
    public func makeWorkspace() -> Workspace { Workspace(latentCount: embedding.columns) }

    /// Writes the `itemCount` scores `x_u Ŵ Ŵᵀ − x_u` of one user history into `row`.
    ///
    /// `items`/`values` are the history's item indices and interaction values (a CSR row).
    /// Every element of `row` is overwritten; each score is summed in a fixed order (the
    /// order in which the user's items first touch each latent), the same as ``scores(histories:into:threads:)``.
    /// - Precondition (not checked): item indices in `0 ..< itemCount`; `row` holds `itemCount` floats.
    public func scoreRow(items historyItems: UnsafeBufferPointer<Int32>, values historyValues: UnsafeBufferPointer<Float>,
                         into row: UnsafeMutablePointer<Float>, workspace: Workspace) {
        let items = itemCount
        let hidden = workspace.hidden, touched = workspace.touched, isTouched = workspace.isTouched
        embedding.rowOffsets.withUnsafeBufferPointer { itemOffsets in
        embedding.columnIndices.withUnsafeBufferPointer { itemLatents in
        embedding.values.withUnsafeBufferPointer { itemWeights in
        invertedIndex.rowOffsets.withUnsafeBufferPointer { latentOffsets in
        invertedIndex.columnIndices.withUnsafeBufferPointer { latentItems in
        invertedIndex.values.withUnsafeBufferPointer { latentWeights in
            var touchedCount = 0
            for p in 0..<historyItems.count {
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
            for p in 0..<historyItems.count {
                row[Int(historyItems[p])] -= historyValues[p]
            }
        }}}}}}
    }

    /// Writes `scores = x Ŵ Ŵᵀ − x` for the user rows `histories` (`b x items`, dense).
    ///
    /// Every element of `scores` is overwritten. Users are dealt to threads
    /// round-robin; each score is summed in a fixed order (see ``scoreRow(items:values:into:workspace:)``),
    /// so results do not depend on `threads`. Seen items are not masked; their score is `(x Ŵ Ŵᵀ)[u, i] − x_ui`.
    /// - Precondition: `histories.columns == itemCount`; `scores` is `histories.rows x itemCount`.
    public func scores(histories: CSRMatrix, into scores: inout DenseMatrix, threads: Int = KernelThreads.available) {
        let items = itemCount
        precondition(histories.columns == items, "scoring needs histories over \(items) items, got \(histories.columns) columns")
        precondition(scores.rows == histories.rows && scores.columns == items,
                     "scoring writes a \(histories.rows) x \(items) matrix, got \(scores.rows) x \(scores.columns)")
        let users = histories.rows
        if users == 0 || items == 0 { return }
        let slots = effectiveThreads(threads, workItems: users)
        histories.rowOffsets.withUnsafeBufferPointer { historyOffsets in
        histories.columnIndices.withUnsafeBufferPointer { historyItems in
        histories.values.withUnsafeBufferPointer { historyValues in
        scores.storage.withUnsafeMutableBufferPointer { output in
            let shared = UncheckedSendable((historyOffsets, historyItems, historyValues, output.baseAddress!))
            runSlots(slots) { slot in
                let (historyOffsets, historyItems, historyValues, output) = shared.value
                let workspace = makeWorkspace()
                for user in stride(from: slot, to: users, by: slots) {
                    let range = historyOffsets[user]..<historyOffsets[user + 1]
                    scoreRow(items: UnsafeBufferPointer(rebasing: historyItems[range]),
                             values: UnsafeBufferPointer(rebasing: historyValues[range]),
                             into: output + user * items, workspace: workspace)
                }
            }
        }}}}
    }

    /// The scores as a new `histories.rows x itemCount` matrix; see `scores(histories:into:threads:)`.
    public func scores(histories: CSRMatrix, threads: Int = KernelThreads.available) -> DenseMatrix {
        var result = DenseMatrix(rows: histories.rows, columns: itemCount)
        scores(histories: histories, into: &result, threads: threads)
        return result
    }
}
