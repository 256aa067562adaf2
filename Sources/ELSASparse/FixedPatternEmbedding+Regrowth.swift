import ELSALinearAlgebra
import _ELSASupport

extension FixedPatternEmbedding {
    /// Prune and regrow (the pattern update of RigL, Evci et al., "Rigging the Lottery", ICML 2020):
    /// in each row the latents outside the pattern with the largest `|scores|` (up to `count` of
    /// them, only nonzero scores) join it with value 0, and as many stored entries of smallest
    /// magnitude leave it, so every row keeps `nonzerosPerRow` entries.
    ///
    /// `scores` is the gradient of the loss with respect to the full (dense) item matrix, or any
    /// matrix that ranks the latents a row should grow. Ties go to the lower column index, as in
    /// top-k pruning. Rows are split across `threads` threads; the result does not depend on the
    /// thread count.
    /// - Returns: the new embedding (columns ascending in each row) and, for each of its positions,
    ///   the position of the same entry in `self`, or −1 for a grown entry (to carry optimizer state).
    /// - Precondition: `scores` is `itemCount x dimension`; `count >= 0`.
    public func regrowing(count: Int, scores: DenseMatrix,
                          threads: Int = KernelThreads.available) -> (embedding: FixedPatternEmbedding, sources: [Int]) {
        precondition(scores.rows == itemCount && scores.columns == dimension,
                     "regrowth scores must be \(itemCount) x \(dimension), got \(scores.rows) x \(scores.columns)")
        precondition(count >= 0, "regrowth count must be non-negative, got \(count)")
        let k = nonzerosPerRow, d = dimension, rows = itemCount
        let grow = min(count, k, d - k)
        var indices = columnIndices
        var newValues = values
        var sources = Array(0..<(rows * k))
        guard grow > 0 else {
            return (FixedPatternEmbedding(itemCount: rows, dimension: d, nonzerosPerRow: k, columnIndices: indices, values: newValues),
                    sources)
        }
        scores.storage.withUnsafeBufferPointer { scoreBuffer in
        columnIndices.withUnsafeBufferPointer { oldIndices in
        values.withUnsafeBufferPointer { oldValues in
        indices.withUnsafeMutableBufferPointer { outIndices in
        newValues.withUnsafeMutableBufferPointer { outValues in
        sources.withUnsafeMutableBufferPointer { outSources in
            let shared = UncheckedSendable((scoreBuffer.baseAddress!, oldIndices.baseAddress!, oldValues.baseAddress!,
                                            outIndices.baseAddress!, outValues.baseAddress!, outSources.baseAddress!))
            let slots = effectiveThreads(threads, workItems: rows)
            runSlots(slots) { slot in
                let (scoreBase, oldIndex, oldValue, outIndex, outValue, outSource) = shared.value
                let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: d)
                let grown = UnsafeMutablePointer<Int32>.allocate(capacity: grow)
                defer { keys.deallocate(); grown.deallocate() }
                for row in contiguousShare(of: rows, slot: slot, slots: slots) {
                    let base = row * k, scoreRow = scoreBase + row * d
                    // 1. Candidates: the latents outside the pattern (the pattern is ascending).
                    var candidates = 0, p = base
                    for c in 0..<d {
                        if p < base + k && Int(oldIndex[p]) == c { p += 1; continue }
                        keys[candidates] = MagnitudeSelection.key(value: scoreRow[c], column: Int32(c))
                        candidates += 1
                    }
                    let threshold = MagnitudeSelection.kthLargest(keys, count: candidates, k: grow)
                    var grownCount = 0
                    p = base
                    for c in 0..<d {
                        if p < base + k && Int(oldIndex[p]) == c { p += 1; continue }
                        let key = MagnitudeSelection.key(value: scoreRow[c], column: Int32(c))
                        if key >= threshold && scoreRow[c] != 0 { grown[grownCount] = Int32(c); grownCount += 1 }
                    }
                    if grownCount == 0 { continue }  // the row keeps its pattern (the outputs were copied)
                    // 2. The stored entries to keep: the k − grownCount of largest magnitude.
                    for q in 0..<k { keys[q] = MagnitudeSelection.key(value: oldValue[base + q], column: oldIndex[base + q]) }
                    let keepThreshold = grownCount == k
                        ? UInt64.max  // keys stay below 2^63: nothing is kept
                        : MagnitudeSelection.kthLargest(keys, count: k, k: k - grownCount)
                    // 3. Merge the kept and the grown columns in ascending order.
                    var written = base, g = 0
                    for q in base..<(base + k) {
                        let column = oldIndex[q]
                        guard MagnitudeSelection.key(value: oldValue[q], column: column) >= keepThreshold else { continue }
                        while g < grownCount && grown[g] < column {
                            outIndex[written] = grown[g]; outValue[written] = 0; outSource[written] = -1
                            written += 1; g += 1
                        }
                        outIndex[written] = column; outValue[written] = oldValue[q]; outSource[written] = q
                        written += 1
                    }
                    while g < grownCount {
                        outIndex[written] = grown[g]; outValue[written] = 0; outSource[written] = -1
                        written += 1; g += 1
                    }
                }
            }
        }}}}}}
        return (FixedPatternEmbedding(itemCount: rows, dimension: d, nonzerosPerRow: k, columnIndices: indices, values: newValues),
                sources)
    }
}
