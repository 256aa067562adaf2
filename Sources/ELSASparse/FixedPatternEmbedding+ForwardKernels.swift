import ELSALinearAlgebra
import _ELSASupport

/// The forward products of a sparse training step in the batch-transposed
/// layout: the batch dimension `b` (users) is contiguous, so every inner loop
/// is a SIMD operation over users. Call them on the row-normalized embedding `Â`.
///
/// Shapes: `batch` is `b x itemCount` (CSR, users x items, normally binary);
/// `hiddenTransposed` is `Hᵀ = (x Â)ᵀ`, `dimension x b`; `predictionsTransposed`
/// is `Pᵀ = (H Â_Oᵀ)ᵀ`, `outputs.count x b`. Results do not depend on `threads`.
extension FixedPatternEmbedding {
    /// Users handled together by the input product (one cache line of `Hᵀ`).
    static let userBlockWidth = 16

    /// Writes `Hᵀ[c, u] = Σ_i batch[u, i] · Â[i, c]` (`dimension x b`). Cost `nnz(batch) · k`.
    ///
    /// Blocks of 16 users are accumulated in a per-thread `dimension x 16`
    /// buffer and written out one cache line per latent; blocks are dealt to
    /// threads round-robin. Every element of `hiddenTransposed` is overwritten.
    /// - Precondition: `batch.columns == itemCount`; `hiddenTransposed` is `dimension x batch.rows`.
    public func inputProduct(batch: CSRMatrix, into hiddenTransposed: inout DenseMatrix,
                             threads: Int = KernelThreads.available) {
        checkValueCount()
        precondition(batch.columns == itemCount,
                     "input product needs a batch over \(itemCount) items, got \(batch.columns) columns")
        precondition(hiddenTransposed.rows == dimension && hiddenTransposed.columns == batch.rows,
                     "input product writes a \(dimension) x \(batch.rows) matrix, got \(hiddenTransposed.rows) x \(hiddenTransposed.columns)")
        let users = batch.rows
        let latentCount = dimension
        let perRow = nonzerosPerRow
        let blockWidth = Self.userBlockWidth
        let blockCount = (users + blockWidth - 1) / blockWidth
        if blockCount == 0 || latentCount == 0 { return }
        let slots = effectiveThreads(threads, workItems: blockCount)
        batch.rowOffsets.withUnsafeBufferPointer { batchOffsets in
        batch.columnIndices.withUnsafeBufferPointer { batchItems in
        batch.values.withUnsafeBufferPointer { batchValues in
        columnIndices.withUnsafeBufferPointer { latents in
        values.withUnsafeBufferPointer { weights in
        hiddenTransposed.storage.withUnsafeMutableBufferPointer { hidden in
            let shared = UncheckedSendable((batchOffsets, batchItems, batchValues, latents, weights, hidden.baseAddress!))
            runSlots(slots) { slot in
                let (offsets, items, interactions, latents, weights, output) = shared.value
                let buffer = Panel.allocate(latentCount * blockWidth)
                buffer.initialize(repeating: 0, count: latentCount * blockWidth)
                defer { buffer.deallocate() }
                for block in stride(from: slot, to: blockCount, by: slots) {
                    let firstUser = block * blockWidth
                    let width = min(blockWidth, users - firstUser)
                    for lane in 0..<width {
                        let user = firstUser + lane
                        for p in offsets[user]..<offsets[user + 1] {
                            let interaction = interactions[p]
                            let rowStart = Int(items[p]) * perRow
                            for j in rowStart..<(rowStart + perRow) {
                                buffer[Int(latents[j]) * blockWidth + lane] += interaction * weights[j]
                            }
                        }
                    }
                    for c in 0..<latentCount {
                        let from = buffer + c * blockWidth
                        let to = output + c * users + firstUser
                        if width == blockWidth {
                            storeVector8(loadVector8(from), to)
                            storeVector8(loadVector8(from + 8), to + 8)
                            storeVector8(.zero, from)
                            storeVector8(.zero, from + 8)
                        } else {
                            for lane in 0..<width { to[lane] = from[lane]; from[lane] = 0 }
                        }
                    }
                }
            }
        }}}}}}
    }

    /// `Hᵀ` as a new `dimension x batch.rows` matrix; see `inputProduct(batch:into:threads:)`.
    public func inputProduct(batch: CSRMatrix, threads: Int = KernelThreads.available) -> DenseMatrix {
        var hiddenTransposed = DenseMatrix(rows: dimension, columns: batch.rows)
        inputProduct(batch: batch, into: &hiddenTransposed, threads: threads)
        return hiddenTransposed
    }

    /// Writes `Pᵀ[o, u] = Σ_c Â[O[o], c] · Hᵀ[c, u]` (`outputs.count x b`). Cost `n_out · k · b`.
    ///
    /// Output rows are split into contiguous ranges across threads. Each thread
    /// walks the batch in panels of 32 users: it packs `Hᵀ[:, panel]` into an
    /// L2-resident buffer (`dimension x 32`), then sums the `k` scaled panel rows
    /// of each output row in registers, two output rows at a time. Every element
    /// of `predictionsTransposed` is overwritten.
    /// - Precondition: `outputs.itemCount == itemCount`; `hiddenTransposed` has `dimension`
    ///   rows; `predictionsTransposed` is `outputs.count x hiddenTransposed.columns`.
    public func outputProduct(outputs: OutputItemSelection, hiddenTransposed: DenseMatrix,
                              into predictionsTransposed: inout DenseMatrix, threads: Int = KernelThreads.available) {
        checkValueCount()
        precondition(outputs.itemCount == itemCount, "outputs index \(outputs.itemCount) items, the embedding has \(itemCount)")
        precondition(hiddenTransposed.rows == dimension,
                     "output product needs Hᵀ with \(dimension) rows, got \(hiddenTransposed.rows)")
        let users = hiddenTransposed.columns
        let outputCount = outputs.count
        precondition(predictionsTransposed.rows == outputCount && predictionsTransposed.columns == users,
                     "output product writes a \(outputCount) x \(users) matrix, got \(predictionsTransposed.rows) x \(predictionsTransposed.columns)")
        if outputCount == 0 || users == 0 { return }
        let perRow = nonzerosPerRow
        if perRow == 0 {
            predictionsTransposed.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return
        }
        withPanelIndices(
            narrow: { outputProductPanels(latents: $0, outputs: outputs, hiddenTransposed: hiddenTransposed,
                                          into: &predictionsTransposed, threads: threads) },
            wide: { outputProductPanels(latents: $0, outputs: outputs, hiddenTransposed: hiddenTransposed,
                                        into: &predictionsTransposed, threads: threads) })
    }

    private func outputProductPanels<Index: FixedWidthInteger>(latents: UnsafePointer<Index>, outputs: OutputItemSelection,
                                                               hiddenTransposed: DenseMatrix,
                                                               into predictionsTransposed: inout DenseMatrix, threads: Int) {
        let users = hiddenTransposed.columns
        let outputCount = outputs.count
        let perRow = nonzerosPerRow
        let latentCount = dimension
        let slots = effectiveThreads(threads, workItems: outputCount)
        outputs.items.withUnsafeBufferPointer { outputItems in
        values.withUnsafeBufferPointer { weights in
        hiddenTransposed.storage.withUnsafeBufferPointer { hidden in
        predictionsTransposed.storage.withUnsafeMutableBufferPointer { predictions in
            let shared = UncheckedSendable((outputItems, latents, weights.baseAddress!,
                                            hidden.baseAddress!, predictions.baseAddress!))
            runSlots(slots) { slot in
                let (outputItems, latents, weights, hidden, predictions) = shared.value
                let panel = Panel.allocate(latentCount * Panel.width)
                let staged = Panel.allocate(Panel.chunkRows * Panel.width)
                defer { panel.deallocate(); staged.deallocate() }
                let rows = contiguousShare(of: outputCount, slot: slot, slots: slots)
                for panelIndex in 0..<Panel.count(users: users) {
                    let start = panelIndex * Panel.width
                    let lanes = min(Panel.width, users - start)
                    Panel.pack(hidden, rows: latentCount, stride: users, start: start, lanes: lanes, into: panel)
                    for chunkStart in stride(from: rows.lowerBound, to: rows.upperBound, by: Panel.chunkRows) {
                        let chunkCount = min(Panel.chunkRows, rows.upperBound - chunkStart)
                        var r = 0
                        while r + 2 <= chunkCount {
                            let startA = Int(outputItems[chunkStart + r]) * perRow
                            let startB = Int(outputItems[chunkStart + r + 1]) * perRow
                            Panel.combinePair(entryCount: perRow,
                                              rowsA: latents + startA, weightsA: weights + startA,
                                              targetA: staged + r * Panel.width,
                                              rowsB: latents + startB, weightsB: weights + startB,
                                              targetB: staged + (r + 1) * Panel.width,
                                              panel: panel, lanes: Panel.width)
                            r += 2
                        }
                        if r < chunkCount {
                            let rowStart = Int(outputItems[chunkStart + r]) * perRow
                            Panel.combine(entryCount: perRow, rows: latents + rowStart, weights: weights + rowStart,
                                          panel: panel, lanes: Panel.width, target: staged + r * Panel.width)
                        }
                        Panel.unpack(staged, rows: chunkCount, into: predictions + chunkStart * users,
                                     stride: users, start: start, lanes: lanes)
                    }
                }
            }
        }}}}
    }

    /// `Pᵀ` as a new `outputs.count x b` matrix; see `outputProduct(outputs:hiddenTransposed:into:threads:)`.
    public func outputProduct(outputs: OutputItemSelection, hiddenTransposed: DenseMatrix,
                              threads: Int = KernelThreads.available) -> DenseMatrix {
        var predictionsTransposed = DenseMatrix(rows: outputs.count, columns: hiddenTransposed.columns)
        outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed, into: &predictionsTransposed, threads: threads)
        return predictionsTransposed
    }
}
