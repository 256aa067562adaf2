import ELSALinearAlgebra
import _ELSASupport

extension CSRMatrix {
    /// Row-wise magnitude pruning of a dense matrix: `TopK(A, k)`.
    ///
    /// Each row of the result keeps the `k` entries of `dense` of largest
    /// `|value|`, with their sign; ties go to the lower column index, and the
    /// kept columns are sorted ascending. Every row gets exactly `k` stored
    /// entries, so a row with fewer than `k` nonzeros also stores some zeros
    /// (the lowest-index ones). NaN counts as larger than every magnitude.
    ///
    /// Each row is a linear-time selection (quickselect on packed keys) and a
    /// scan, not a sort; rows are split across `threads` threads and the result
    /// does not depend on the thread count.
    /// - Precondition: `0 <= k <= dense.columns`, `threads >= 1`.
    public static func topK(dense: DenseMatrix, k: Int, threads: Int = KernelThreads.available) -> CSRMatrix {
        let rowCount = dense.rows
        let columnCount = dense.columns
        precondition(k >= 0 && k <= columnCount,
                     "topK needs 0 <= k <= columns = \(columnCount), got k = \(k)")
        let offsets = (0...rowCount).map { $0 * k }
        var indices = [Int32](repeating: 0, count: rowCount * k)
        var kept = [Float](repeating: 0, count: rowCount * k)
        if k > 0 {
            let slots = effectiveThreads(threads, workItems: rowCount)
            dense.storage.withUnsafeBufferPointer { source in
                indices.withUnsafeMutableBufferPointer { indexBuffer in
                    kept.withUnsafeMutableBufferPointer { valueBuffer in
                        let shared = UncheckedSendable((source.baseAddress!, indexBuffer.baseAddress!, valueBuffer.baseAddress!))
                        runSlots(slots) { slot in
                            let (input, outIndices, outValues) = shared.value
                            let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: columnCount)
                            defer { keys.deallocate() }
                            for row in contiguousShare(of: rowCount, slot: slot, slots: slots) {
                                let rowValues = input + row * columnCount
                                var written = row * k
                                if k == columnCount {
                                    for c in 0..<columnCount {
                                        outIndices[written] = Int32(c); outValues[written] = rowValues[c]; written += 1
                                    }
                                    continue
                                }
                                for c in 0..<columnCount {
                                    keys[c] = MagnitudeSelection.key(value: rowValues[c], column: Int32(c))
                                }
                                let threshold = MagnitudeSelection.kthLargest(keys, count: columnCount, k: k)
                                for c in 0..<columnCount
                                where MagnitudeSelection.key(value: rowValues[c], column: Int32(c)) >= threshold {
                                    outIndices[written] = Int32(c); outValues[written] = rowValues[c]; written += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return CSRMatrix(rows: rowCount, columns: columnCount, rowOffsets: offsets, columnIndices: indices, values: kept)
    }

    /// Row-wise magnitude pruning of a sparse matrix: keeps in each row the
    /// `k` stored entries of largest `|value|`.
    ///
    /// Ties go to the lower column index; kept entries stay in the order of the
    /// input row (ascending for every constructor of this module). A row with at
    /// most `k` stored entries is kept whole, so rows may hold fewer than `k`
    /// entries. Stored zeros are candidates like any other value. Rows are split
    /// across `threads` threads; the result does not depend on the thread count.
    /// - Precondition: `k >= 0`, `threads >= 1`.
    public static func topK(of sparse: CSRMatrix, k: Int, threads: Int = KernelThreads.available) -> CSRMatrix {
        precondition(k >= 0, "topK needs k >= 0, got \(k)")
        let rowCount = sparse.rows
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        var widest = 0
        for row in 0..<rowCount {
            let count = sparse.count(ofRow: row)
            widest = max(widest, count)
            offsets[row + 1] = offsets[row] + min(k, count)
        }
        var indices = [Int32](repeating: 0, count: offsets[rowCount])
        var kept = [Float](repeating: 0, count: offsets[rowCount])
        if k > 0 {
            let slots = effectiveThreads(threads, workItems: rowCount)
            sparse.rowOffsets.withUnsafeBufferPointer { inputOffsets in
                sparse.columnIndices.withUnsafeBufferPointer { inputIndices in
                    sparse.values.withUnsafeBufferPointer { inputValues in
                        offsets.withUnsafeBufferPointer { outputOffsets in
                            indices.withUnsafeMutableBufferPointer { indexBuffer in
                                kept.withUnsafeMutableBufferPointer { valueBuffer in
                                    let shared = UncheckedSendable((inputOffsets, inputIndices, inputValues, outputOffsets,
                                                                    indexBuffer, valueBuffer))
                                    runSlots(slots) { slot in
                                        let (rowStarts, columns, values, outStarts, outIndices, outValues) = shared.value
                                        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, widest))
                                        defer { keys.deallocate() }
                                        for row in contiguousShare(of: rowCount, slot: slot, slots: slots) {
                                            let start = rowStarts[row]
                                            let count = rowStarts[row + 1] - start
                                            var written = outStarts[row]
                                            if count <= k {
                                                for p in start..<(start + count) {
                                                    outIndices[written] = columns[p]; outValues[written] = values[p]; written += 1
                                                }
                                                continue
                                            }
                                            for q in 0..<count {
                                                keys[q] = MagnitudeSelection.key(value: values[start + q], column: columns[start + q])
                                            }
                                            let threshold = MagnitudeSelection.kthLargest(keys, count: count, k: k)
                                            for p in start..<(start + count)
                                            where MagnitudeSelection.key(value: values[p], column: columns[p]) >= threshold {
                                                outIndices[written] = columns[p]; outValues[written] = values[p]; written += 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return CSRMatrix(rows: rowCount, columns: sparse.columns, rowOffsets: offsets, columnIndices: indices, values: kept)
    }
}
