import ELSALinearAlgebra
import _ELSASupport

/// An `items x dimension` embedding with exactly `nonzerosPerRow` stored
/// entries in every row: the fixed sparsity pattern of one training stage.
///
/// Row `i` owns positions `i * nonzerosPerRow ..< (i + 1) * nonzerosPerRow` of
/// `columnIndices` and `values`. The column indices (the pattern) never change
/// after construction, so they are immutable; `values` is mutable so that an
/// optimizer can update it in place, and must keep its count. Within a row the
/// column indices are distinct and ascending.
public struct FixedPatternEmbedding: Sendable, Equatable {
    /// Number of rows (items).
    public let itemCount: Int
    /// Number of columns (latent dimensions, `d`).
    public let dimension: Int
    /// Stored entries per row (`k`).
    public let nonzerosPerRow: Int
    /// `itemCount * nonzerosPerRow` latent indices, ascending within each row.
    public let columnIndices: [Int32]
    /// The stored values, aligned with `columnIndices`. Change values, never the count.
    public var values: [Float]
    /// `columnIndices` as 16-bit values for the panel kernels when `dimension <= 65536` (empty
    /// otherwise): built once per pattern, shared by every copy (`normalizedRows` makes one per step).
    let narrowColumnIndices: [UInt16]

    /// Wraps prepared arrays.
    /// - Precondition: `columnIndices.count == values.count == itemCount * nonzerosPerRow`,
    ///   `0 <= nonzerosPerRow <= dimension`; indices in `0..<dimension`, strictly
    ///   ascending within each row (checked in full in debug builds).
    public init(itemCount: Int, dimension: Int, nonzerosPerRow: Int, columnIndices: [Int32], values: [Float]) {
        precondition(itemCount >= 0 && dimension >= 0, "embedding needs non-negative shape, got \(itemCount) x \(dimension)")
        precondition(nonzerosPerRow >= 0 && nonzerosPerRow <= dimension,
                     "nonzerosPerRow must be in 0...\(dimension), got \(nonzerosPerRow)")
        precondition(columnIndices.count == itemCount * nonzerosPerRow && values.count == columnIndices.count,
                     "embedding \(itemCount) x \(dimension) with \(nonzerosPerRow) per row needs \(itemCount * nonzerosPerRow) "
                        + "indices and values, got \(columnIndices.count) and \(values.count)")
        assert(Self.patternIsValid(columnIndices, nonzerosPerRow: nonzerosPerRow, dimension: dimension),
               "embedding column indices must be in 0..<\(dimension) and strictly ascending within each row")
        self.itemCount = itemCount
        self.dimension = dimension
        self.nonzerosPerRow = nonzerosPerRow
        self.columnIndices = columnIndices
        self.values = values
        self.narrowColumnIndices = dimension <= Int(UInt16.max) + 1 ? columnIndices.map { UInt16(truncatingIfNeeded: $0) } : []
    }

    /// Calls `body` with the latent indices the panel kernels read: 16-bit when `dimension <= 65536`.
    @inline(__always)
    func withPanelIndices<R>(narrow: (UnsafePointer<UInt16>) -> R, wide: (UnsafePointer<Int32>) -> R) -> R {
        if narrowColumnIndices.isEmpty {
            return columnIndices.withUnsafeBufferPointer { wide($0.baseAddress!) }
        }
        return narrowColumnIndices.withUnsafeBufferPointer { narrow($0.baseAddress!) }
    }

    /// Takes a CSR matrix whose rows all hold the same number of entries.
    /// - Precondition: every row of `matrix` stores `matrix.count(ofRow: 0)` entries
    ///   with strictly ascending columns (an empty matrix gives `nonzerosPerRow == 0`).
    public init(_ matrix: CSRMatrix) {
        let perRow = matrix.rows > 0 ? matrix.count(ofRow: 0) : 0
        for row in 0..<matrix.rows {
            precondition(matrix.count(ofRow: row) == perRow,
                         "a fixed-pattern embedding needs \(perRow) entries in every row; row \(row) has \(matrix.count(ofRow: row))")
        }
        self.init(itemCount: matrix.rows, dimension: matrix.columns, nonzerosPerRow: perRow,
                  columnIndices: matrix.columnIndices, values: matrix.values)
    }

    /// `TopK(dense, k)`: in each row the `k` entries of largest magnitude (see `CSRMatrix.topK(dense:k:threads:)`).
    /// - Precondition: `0 <= nonzerosPerRow <= dense.columns`.
    public init(topKOf dense: DenseMatrix, nonzerosPerRow: Int, threads: Int = KernelThreads.available) {
        self.init(CSRMatrix.topK(dense: dense, k: nonzerosPerRow, threads: threads))
    }

    /// The stage transition: in each row of `embedding` the `k` stored entries of largest magnitude.
    /// - Precondition: `0 <= nonzerosPerRow <= embedding.nonzerosPerRow`.
    public init(topKOf embedding: FixedPatternEmbedding, nonzerosPerRow: Int, threads: Int = KernelThreads.available) {
        precondition(nonzerosPerRow >= 0 && nonzerosPerRow <= embedding.nonzerosPerRow,
                     "a narrower pattern needs 0 <= k <= \(embedding.nonzerosPerRow), got \(nonzerosPerRow)")
        self.init(CSRMatrix.topK(of: embedding.matrix, k: nonzerosPerRow, threads: threads))
    }

    /// The same pattern with values read from `dense` at the stored positions
    /// (rewinding to the initial weights: `init ⊙ mask`).
    /// - Precondition: `dense` is `itemCount x dimension`.
    public func gatheringValues(from dense: DenseMatrix) -> FixedPatternEmbedding {
        precondition(dense.rows == itemCount && dense.columns == dimension,
                     "gathering needs a \(itemCount) x \(dimension) matrix, got \(dense.rows) x \(dense.columns)")
        var result = self
        let perRow = nonzerosPerRow
        dense.storage.withUnsafeBufferPointer { source in
            result.values.withUnsafeMutableBufferPointer { target in
                columnIndices.withUnsafeBufferPointer { indices in
                    for row in 0..<itemCount {
                        for p in (row * perRow)..<((row + 1) * perRow) {
                            target[p] = source[row * dimension + Int(indices[p])]
                        }
                    }
                }
            }
        }
        return result
    }

    /// The embedding as a CSR matrix (shares the index and value storage).
    public var matrix: CSRMatrix {
        CSRMatrix(rows: itemCount, columns: dimension, rowOffsets: (0...itemCount).map { $0 * nonzerosPerRow },
                  columnIndices: columnIndices, values: values)
    }

    /// The embedding as a dense `itemCount x dimension` matrix (zeros off the pattern).
    public func toDense() -> DenseMatrix { matrix.toDense() }

    /// Overwrites `dense` (`itemCount x dimension`) with this embedding, zeros off the pattern, and
    /// `mask` (`itemCount · dimension` bytes) with 1 on the pattern and 0 elsewhere: `toDense()` and
    /// its mask written into existing storage.
    /// - Precondition: `dense` is `itemCount x dimension`; `mask.count == itemCount * dimension`.
    public func fillDense(_ dense: inout DenseMatrix, mask: inout [UInt8], threads: Int = KernelThreads.available) {
        precondition(dense.rows == itemCount && dense.columns == dimension,
                     "filling needs a \(itemCount) x \(dimension) matrix, got \(dense.rows) x \(dense.columns)")
        precondition(mask.count == itemCount * dimension, "the mask needs \(itemCount * dimension) bytes, got \(mask.count)")
        let perRow = nonzerosPerRow, d = dimension, rows = itemCount
        dense.storage.withUnsafeMutableBufferPointer { target in
        mask.withUnsafeMutableBufferPointer { maskBuffer in
        columnIndices.withUnsafeBufferPointer { indices in
        values.withUnsafeBufferPointer { source in
            let shared = UncheckedSendable((target.baseAddress!, maskBuffer.baseAddress!, indices.baseAddress, source.baseAddress))
            let slots = effectiveThreads(threads, workItems: rows)
            runSlots(slots) { slot in
                let (target, maskBase, indices, source) = shared.value
                for row in contiguousShare(of: rows, slot: slot, slots: slots) {
                    let targetRow = target + row * d, maskRow = maskBase + row * d
                    targetRow.update(repeating: 0, count: d)
                    maskRow.update(repeating: 0, count: d)
                    for p in (row * perRow)..<((row + 1) * perRow) {
                        let column = Int(indices![p])
                        targetRow[column] = source![p]
                        maskRow[column] = 1
                    }
                }
            }
        }}}}
    }

    /// Whether `indices` hold `nonzerosPerRow` strictly ascending latents in `0..<dimension` per row.
    public static func patternIsValid(_ indices: [Int32], nonzerosPerRow: Int, dimension: Int) -> Bool {
        guard nonzerosPerRow > 0 else { return true }
        for p in indices.indices {
            let column = indices[p]
            if column < 0 || Int(column) >= dimension { return false }
            if p % nonzerosPerRow != 0 && indices[p - 1] >= column { return false }
        }
        return true
    }
}
