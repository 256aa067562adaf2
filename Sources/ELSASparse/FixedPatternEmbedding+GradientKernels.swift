import ELSALinearAlgebra
import _ELSASupport

/// The backward products of a sparse training step in the batch-transposed
/// layout (see the forward kernels). Call them on the row-normalized embedding
/// `Â` used in the forward pass.
///
/// Shapes: `upstreamTransposed` is `Gᵀ = (dL/dP)ᵀ`, `outputs.count x b`;
/// `hiddenTransposed` is `Hᵀ`, `dimension x b`; `hiddenGradientTransposed` is
/// `(G Â_O)ᵀ = (dL/dH)ᵀ`, `dimension x b`; `batchTransposed` is the batch as
/// items x users (`batch.transposed()`); `gradient` is aligned with `values`
/// and is accumulated into (`+=`), so the output-side and input-side terms of
/// an item add up. Results do not depend on `threads`.
extension FixedPatternEmbedding {
    /// Adds `Σ_u Gᵀ[o, u] · Hᵀ[c, u]` to `gradient` at every stored entry `(O[o], c)`:
    /// `dL/dÂ_O = Gᵀ H` sampled at the pattern. Cost `n_out · k · b`.
    ///
    /// Output rows are split into contiguous ranges across threads (items of
    /// `outputs` are distinct, so no two threads write the same entry). Each
    /// thread walks the batch in panels of 32 users: it packs `Hᵀ[:, panel]`
    /// into an L2-resident buffer and adds, for every output row, the panel's
    /// share of its `k` dot products (eight at a time, reduced together).
    /// - Precondition: `outputs.itemCount == itemCount`; `upstreamTransposed` is
    ///   `outputs.count x b`, `hiddenTransposed` is `dimension x b`; `gradient.count == values.count`.
    public func accumulateOutputGradient(outputs: OutputItemSelection, upstreamTransposed: DenseMatrix,
                                         hiddenTransposed: DenseMatrix, into gradient: inout [Float],
                                         threads: Int = KernelThreads.available) {
        checkValueCount()
        precondition(outputs.itemCount == itemCount, "outputs index \(outputs.itemCount) items, the embedding has \(itemCount)")
        let users = hiddenTransposed.columns
        let outputCount = outputs.count
        precondition(hiddenTransposed.rows == dimension,
                     "output gradient needs Hᵀ with \(dimension) rows, got \(hiddenTransposed.rows)")
        precondition(upstreamTransposed.rows == outputCount && upstreamTransposed.columns == users,
                     "output gradient needs Gᵀ of \(outputCount) x \(users), got \(upstreamTransposed.rows) x \(upstreamTransposed.columns)")
        precondition(gradient.count == values.count, "gradient needs \(values.count) values, got \(gradient.count)")
        let perRow = nonzerosPerRow
        if outputCount == 0 || users == 0 || perRow == 0 { return }
        withPanelIndices(
            narrow: { outputGradientPanels(latents: $0, outputs: outputs, upstreamTransposed: upstreamTransposed,
                                           hiddenTransposed: hiddenTransposed, into: &gradient, threads: threads) },
            wide: { outputGradientPanels(latents: $0, outputs: outputs, upstreamTransposed: upstreamTransposed,
                                         hiddenTransposed: hiddenTransposed, into: &gradient, threads: threads) })
    }

    private func outputGradientPanels<Index: FixedWidthInteger>(latents: UnsafePointer<Index>, outputs: OutputItemSelection,
                                                                upstreamTransposed: DenseMatrix, hiddenTransposed: DenseMatrix,
                                                                into gradient: inout [Float], threads: Int) {
        let users = hiddenTransposed.columns
        let outputCount = outputs.count
        let perRow = nonzerosPerRow
        let latentCount = dimension
        let slots = effectiveThreads(threads, workItems: outputCount)
        outputs.items.withUnsafeBufferPointer { outputItems in
        upstreamTransposed.storage.withUnsafeBufferPointer { upstream in
        hiddenTransposed.storage.withUnsafeBufferPointer { hidden in
        gradient.withUnsafeMutableBufferPointer { gradientBuffer in
            let shared = UncheckedSendable((outputItems, latents, upstream.baseAddress!,
                                            hidden.baseAddress!, gradientBuffer.baseAddress!))
            runSlots(slots) { slot in
                let (outputItems, latents, upstream, hidden, gradient) = shared.value
                let panel = Panel.allocate(latentCount * Panel.width)
                let staged = Panel.allocate(Panel.chunkRows * Panel.width)
                let laneSums = Panel.allocate(8 * Panel.dotBlock)
                defer { panel.deallocate(); staged.deallocate(); laneSums.deallocate() }
                let rows = contiguousShare(of: outputCount, slot: slot, slots: slots)
                for panelIndex in 0..<Panel.count(users: users) {
                    let start = panelIndex * Panel.width
                    let lanes = min(Panel.width, users - start)
                    Panel.pack(hidden, rows: latentCount, stride: users, start: start, lanes: lanes, into: panel)
                    for chunkStart in stride(from: rows.lowerBound, to: rows.upperBound, by: Panel.chunkRows) {
                        let chunkCount = min(Panel.chunkRows, rows.upperBound - chunkStart)
                        Panel.pack(upstream + chunkStart * users, rows: chunkCount, stride: users, start: start,
                                   lanes: lanes, into: staged)
                        for r in 0..<chunkCount {
                            let rowStart = Int(outputItems[chunkStart + r]) * perRow
                            if Panel.nativeKernels {
                                Panel.nativeDot(left: staged + r * Panel.width, entryCount: perRow, rows: latents + rowStart,
                                                panel: panel, sums: gradient + rowStart)
                            } else {
                                Panel.dot(left: Panel.load(staged + r * Panel.width, lanes: Panel.width), entryCount: perRow,
                                          rows: latents + rowStart, panel: panel, laneSums: laneSums, sums: gradient + rowStart)
                            }
                        }
                    }
                }
            }
        }}}}
    }

    /// Writes `(dL/dH)ᵀ[c, u] = Σ_o Â[O[o], c] · Gᵀ[o, u]` (`dimension x b`):
    /// `Â_Oᵀ Gᵀ`. Cost `n_out · k · b`.
    ///
    /// The batch is cut into panels of 32 users dealt to threads round-robin;
    /// a thread owns whole panels of the result, so no element is written by two
    /// threads. For its panel it accumulates into an L2-resident `dimension x 32`
    /// buffer: every output row's 32 upstream values are loaded once and added,
    /// scaled, to the buffer rows of its `k` latents. Every element of
    /// `hiddenGradientTransposed` is overwritten.
    /// - Precondition: `outputs.itemCount == itemCount`; `upstreamTransposed` has
    ///   `outputs.count` rows; `hiddenGradientTransposed` is `dimension x upstreamTransposed.columns`.
    public func hiddenGradient(outputs: OutputItemSelection, upstreamTransposed: DenseMatrix,
                               into hiddenGradientTransposed: inout DenseMatrix, threads: Int = KernelThreads.available) {
        checkValueCount()
        precondition(outputs.itemCount == itemCount, "outputs index \(outputs.itemCount) items, the embedding has \(itemCount)")
        let users = upstreamTransposed.columns
        let outputCount = outputs.count
        precondition(upstreamTransposed.rows == outputCount,
                     "hidden gradient needs Gᵀ with \(outputCount) rows, got \(upstreamTransposed.rows)")
        precondition(hiddenGradientTransposed.rows == dimension && hiddenGradientTransposed.columns == users,
                     "hidden gradient writes a \(dimension) x \(users) matrix, got \(hiddenGradientTransposed.rows) x \(hiddenGradientTransposed.columns)")
        let latentCount = dimension
        if latentCount == 0 || users == 0 { return }
        let perRow = nonzerosPerRow
        if perRow == 0 || outputCount == 0 {
            hiddenGradientTransposed.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return
        }
        withPanelIndices(
            narrow: { hiddenGradientPanels(latents: $0, outputs: outputs, upstreamTransposed: upstreamTransposed,
                                           into: &hiddenGradientTransposed, threads: threads) },
            wide: { hiddenGradientPanels(latents: $0, outputs: outputs, upstreamTransposed: upstreamTransposed,
                                         into: &hiddenGradientTransposed, threads: threads) })
    }

    private func hiddenGradientPanels<Index: FixedWidthInteger>(latents: UnsafePointer<Index>, outputs: OutputItemSelection,
                                                                upstreamTransposed: DenseMatrix,
                                                                into hiddenGradientTransposed: inout DenseMatrix, threads: Int) {
        let users = upstreamTransposed.columns
        let outputCount = outputs.count
        let perRow = nonzerosPerRow
        let latentCount = dimension
        let panelCount = Panel.count(users: users)
        let slots = effectiveThreads(threads, workItems: panelCount)
        outputs.items.withUnsafeBufferPointer { outputItems in
        values.withUnsafeBufferPointer { weights in
        upstreamTransposed.storage.withUnsafeBufferPointer { upstream in
        hiddenGradientTransposed.storage.withUnsafeMutableBufferPointer { result in
            let shared = UncheckedSendable((outputItems, latents, weights.baseAddress!,
                                            upstream.baseAddress!, result.baseAddress!))
            runSlots(slots) { slot in
                let (outputItems, latents, weights, upstream, result) = shared.value
                let panel = Panel.allocate(latentCount * Panel.width)
                let staged = Panel.allocate(Panel.chunkRows * Panel.width)
                defer { panel.deallocate(); staged.deallocate() }
                for panelIndex in stride(from: slot, to: panelCount, by: slots) {
                    let start = panelIndex * Panel.width
                    let lanes = min(Panel.width, users - start)
                    panel.update(repeating: 0, count: latentCount * Panel.width)
                    for chunkStart in stride(from: 0, to: outputCount, by: Panel.chunkRows) {
                        let chunkCount = min(Panel.chunkRows, outputCount - chunkStart)
                        Panel.pack(upstream + chunkStart * users, rows: chunkCount, stride: users, start: start,
                                   lanes: lanes, into: staged)
                        for r in 0..<chunkCount {
                            let (g0, g1, g2, g3) = Panel.load(staged + r * Panel.width, lanes: Panel.width)
                            let rowStart = Int(outputItems[chunkStart + r]) * perRow
                            for p in rowStart..<(rowStart + perRow) {
                                let w = SIMD8<Float>(repeating: weights[p])
                                let row = panel + Int(truncatingIfNeeded: latents[p]) * Panel.width
                                storeVector8(loadVector8(row) + w * g0, row)
                                storeVector8(loadVector8(row + 8) + w * g1, row + 8)
                                storeVector8(loadVector8(row + 16) + w * g2, row + 16)
                                storeVector8(loadVector8(row + 24) + w * g3, row + 24)
                            }
                        }
                    }
                    for c in 0..<latentCount {
                        let row = panel + c * Panel.width
                        Panel.store(loadVector8(row), loadVector8(row + 8), loadVector8(row + 16), loadVector8(row + 24),
                                    lanes: lanes, into: result + c * users + start)
                    }
                }
            }
        }}}}
    }

    /// `(dL/dH)ᵀ` as a new `dimension x b` matrix; see `hiddenGradient(outputs:upstreamTransposed:into:threads:)`.
    public func hiddenGradient(outputs: OutputItemSelection, upstreamTransposed: DenseMatrix,
                               threads: Int = KernelThreads.available) -> DenseMatrix {
        var hiddenGradientTransposed = DenseMatrix(rows: dimension, columns: upstreamTransposed.columns)
        hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                       into: &hiddenGradientTransposed, threads: threads)
        return hiddenGradientTransposed
    }

    /// Adds `Σ_u batch[u, i] · (dL/dH)ᵀ[c, u]` to `gradient` at every stored entry
    /// `(i, c)` of the items in the batch: `dL/dÂ_S = xᵀ (G Â_O)` sampled at the
    /// pattern. Cost `nnz(batch) · k`.
    ///
    /// Items are dealt to threads in round-robin blocks of 16; an item is written by one thread.
    /// - Precondition: `batchTransposed` is `itemCount x b`; `hiddenGradientTransposed` is
    ///   `dimension x b`; `gradient.count == values.count`.
    public func accumulateInputGradient(batchTransposed: CSRMatrix, hiddenGradientTransposed: DenseMatrix,
                                        into gradient: inout [Float], threads: Int = KernelThreads.available) {
        checkValueCount()
        let users = hiddenGradientTransposed.columns
        precondition(batchTransposed.rows == itemCount && batchTransposed.columns == users,
                     "input gradient needs the batch as \(itemCount) items x \(users) users, got \(batchTransposed.rows) x \(batchTransposed.columns)")
        precondition(hiddenGradientTransposed.rows == dimension,
                     "input gradient needs (dL/dH)ᵀ with \(dimension) rows, got \(hiddenGradientTransposed.rows)")
        precondition(gradient.count == values.count, "gradient needs \(values.count) values, got \(gradient.count)")
        let perRow = nonzerosPerRow
        if users == 0 || perRow == 0 || itemCount == 0 { return }
        let blockWidth = 16
        let blockCount = (itemCount + blockWidth - 1) / blockWidth
        let slots = effectiveThreads(threads, workItems: blockCount)
        let itemTotal = itemCount
        batchTransposed.rowOffsets.withUnsafeBufferPointer { userOffsets in
        batchTransposed.columnIndices.withUnsafeBufferPointer { userIndices in
        batchTransposed.values.withUnsafeBufferPointer { interactions in
        columnIndices.withUnsafeBufferPointer { latents in
        hiddenGradientTransposed.storage.withUnsafeBufferPointer { hiddenGradient in
        gradient.withUnsafeMutableBufferPointer { gradientBuffer in
            let shared = UncheckedSendable((userOffsets, userIndices, interactions, latents,
                                            hiddenGradient.baseAddress!, gradientBuffer.baseAddress!))
            runSlots(slots) { slot in
                let (userOffsets, userIndices, interactions, latents, hiddenGradient, gradient) = shared.value
                for block in stride(from: slot, to: blockCount, by: slots) {
                    for item in (block * blockWidth)..<min(itemTotal, (block + 1) * blockWidth) {
                        let first = userOffsets[item]
                        let last = userOffsets[item + 1]
                        if first == last { continue }
                        let rowStart = item * perRow
                        for j in rowStart..<(rowStart + perRow) {
                            let row = hiddenGradient + Int(latents[j]) * users
                            var sum: Float = 0
                            for q in first..<last { sum += interactions[q] * row[Int(userIndices[q])] }
                            gradient[j] += sum
                        }
                    }
                }
            }
        }}}}}}
    }
}
