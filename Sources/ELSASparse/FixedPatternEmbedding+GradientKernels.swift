import ELSALinearAlgebra

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
    /// Four dot products at a time share the loads of a row of `Gᵀ`; output rows
    /// are split into contiguous ranges across threads (items of `outputs` are
    /// distinct, so no two threads write the same entry).
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
        let slots = effectiveThreads(threads, workItems: outputCount)
        outputs.items.withUnsafeBufferPointer { outputItems in
        columnIndices.withUnsafeBufferPointer { latents in
        upstreamTransposed.storage.withUnsafeBufferPointer { upstream in
        hiddenTransposed.storage.withUnsafeBufferPointer { hidden in
        gradient.withUnsafeMutableBufferPointer { gradientBuffer in
            let shared = UncheckedSendable((outputItems, latents.baseAddress!, upstream.baseAddress!,
                                            hidden.baseAddress!, gradientBuffer.baseAddress!))
            runSlots(slots) { slot in
                let (outputItems, latents, upstream, hidden, gradient) = shared.value
                let sums = UnsafeMutablePointer<Float>.allocate(capacity: perRow)
                defer { sums.deallocate() }
                for o in contiguousShare(of: outputCount, slot: slot, slots: slots) {
                    let rowStart = Int(outputItems[o]) * perRow
                    dotRows(left: upstream + o * users, entryCount: perRow, sourceRows: latents + rowStart,
                            source: hidden, width: users, results: sums)
                    for j in 0..<perRow { gradient[rowStart + j] += sums[j] }
                }
            }
        }}}}}
    }

    /// Writes `(dL/dH)ᵀ[c, u] = Σ_o Â[O[o], c] · Gᵀ[o, u]` (`dimension x b`):
    /// `Â_Oᵀ Gᵀ`. Cost `n_out · k · b`.
    ///
    /// Latent `c` gathers the output rows that store an entry at `c` from
    /// `latentIndex` and sums them in registers, so every row of the result is
    /// written by one thread (latents are dealt to threads round-robin). Every
    /// element of `hiddenGradientTransposed` is overwritten.
    /// - Precondition: `latentIndex` was built from this embedding's pattern;
    ///   `outputs.itemCount == itemCount`; `upstreamTransposed` has `outputs.count`
    ///   rows; `hiddenGradientTransposed` is `dimension x upstreamTransposed.columns`.
    public func hiddenGradient(outputs: OutputItemSelection, upstreamTransposed: DenseMatrix, latentIndex: LatentIndex,
                               into hiddenGradientTransposed: inout DenseMatrix, threads: Int = KernelThreads.available) {
        checkValueCount()
        precondition(latentIndex.matchesShape(of: self),
                     "latent index of \(latentIndex.itemCount) x \(latentIndex.dimension) with \(latentIndex.nonzerosPerRow) per row "
                        + "does not match the embedding \(itemCount) x \(dimension) with \(nonzerosPerRow) per row")
        precondition(outputs.itemCount == itemCount, "outputs index \(outputs.itemCount) items, the embedding has \(itemCount)")
        let users = upstreamTransposed.columns
        precondition(upstreamTransposed.rows == outputs.count,
                     "hidden gradient needs Gᵀ with \(outputs.count) rows, got \(upstreamTransposed.rows)")
        precondition(hiddenGradientTransposed.rows == dimension && hiddenGradientTransposed.columns == users,
                     "hidden gradient writes a \(dimension) x \(users) matrix, got \(hiddenGradientTransposed.rows) x \(hiddenGradientTransposed.columns)")
        let latentCount = dimension
        if latentCount == 0 || users == 0 { return }
        let longest = latentIndex.longestList
        let slots = effectiveThreads(threads, workItems: latentCount)
        latentIndex.latentOffsets.withUnsafeBufferPointer { latentOffsets in
        latentIndex.items.withUnsafeBufferPointer { indexItems in
        latentIndex.valuePositions.withUnsafeBufferPointer { positions in
        outputs.outputRowOfItem.withUnsafeBufferPointer { outputRowOfItem in
        values.withUnsafeBufferPointer { weights in
        upstreamTransposed.storage.withUnsafeBufferPointer { upstream in
        hiddenGradientTransposed.storage.withUnsafeMutableBufferPointer { result in
            let shared = UncheckedSendable((latentOffsets, indexItems, positions, outputRowOfItem, weights,
                                            upstream.baseAddress, result.baseAddress!))
            runSlots(slots) { slot in
                let (latentOffsets, indexItems, positions, outputRowOfItem, weights, upstream, result) = shared.value
                let rows = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, longest))
                let rowWeights = UnsafeMutablePointer<Float>.allocate(capacity: max(1, longest))
                defer { rows.deallocate(); rowWeights.deallocate() }
                for c in stride(from: slot, to: latentCount, by: slots) {
                    var count = 0
                    for q in latentOffsets[c]..<latentOffsets[c + 1] {
                        let row = outputRowOfItem[Int(indexItems[q])]
                        if row >= 0 {
                            rows[count] = row
                            rowWeights[count] = weights[Int(positions[q])]
                            count += 1
                        }
                    }
                    let target = result + c * users
                    if count == 0 {
                        target.update(repeating: 0, count: users)
                    } else {
                        combineRows(entryCount: count, sourceRows: rows, weights: rowWeights,
                                    source: upstream!, width: users, target: target)
                    }
                }
            }
        }}}}}}}
    }

    /// `(dL/dH)ᵀ` as a new `dimension x b` matrix; see `hiddenGradient(outputs:upstreamTransposed:latentIndex:into:threads:)`.
    public func hiddenGradient(outputs: OutputItemSelection, upstreamTransposed: DenseMatrix, latentIndex: LatentIndex,
                               threads: Int = KernelThreads.available) -> DenseMatrix {
        var hiddenGradientTransposed = DenseMatrix(rows: dimension, columns: upstreamTransposed.columns)
        hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed, latentIndex: latentIndex,
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
