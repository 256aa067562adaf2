import ELSALinearAlgebra

/// A compressed sparse row matrix of `Float` values.
///
/// Row `r` holds the entries `rowOffsets[r] ..< rowOffsets[r + 1]` of
/// `columnIndices` and `values`. Column indices within a row are kept sorted
/// ascending by every constructor in this module (kernels rely on it only
/// where their documentation says so).
public struct CSRMatrix: Sendable, Equatable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// `rows + 1` offsets into `columnIndices` and `values`; `rowOffsets[0] == 0`.
    public var rowOffsets: [Int]
    public var columnIndices: [Int32]
    public var values: [Float]

    /// Number of stored entries.
    public var nonzeroCount: Int { rowOffsets[rows] }

    /// Wraps prepared CSR arrays.
    /// - Precondition: the arrays are consistent (checked in full in debug builds).
    public init(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Float]) {
        precondition(rowOffsets.count == rows + 1, "CSR needs \(rows + 1) row offsets, got \(rowOffsets.count)")
        precondition(columnIndices.count == values.count && rowOffsets[rows] == values.count,
                     "CSR has \(columnIndices.count) indices, \(values.count) values and last offset \(rowOffsets[rows])")
        assert(columnIndices.allSatisfy { $0 >= 0 && Int($0) < columns }, "CSR column index out of range 0..<\(columns)")
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// An empty `rows x columns` matrix.
    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, rowOffsets: [Int](repeating: 0, count: rows + 1),
                  columnIndices: [], values: [])
    }

    /// Builds a binary matrix from per-row lists of column indices (duplicates collapse, rows get sorted).
    public init(rows: Int, columns: Int, binaryRows: [[Int32]]) {
        precondition(binaryRows.count == rows, "expected \(rows) rows, got \(binaryRows.count)")
        var offsets = [Int](repeating: 0, count: rows + 1)
        var indices: [Int32] = []
        indices.reserveCapacity(binaryRows.reduce(0) { $0 + $1.count })
        for (r, row) in binaryRows.enumerated() {
            var last: Int32 = -1
            for c in row.sorted() where c != last {
                precondition(c >= 0 && Int(c) < columns, "column \(c) out of range 0..<\(columns) in row \(r)")
                indices.append(c)
                last = c
            }
            offsets[r + 1] = indices.count
        }
        self.init(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: indices,
                  values: [Float](repeating: 1, count: indices.count))
    }

    /// Builds a CSR matrix holding the nonzeros of a dense matrix.
    public init(dense: DenseMatrix) {
        var offsets = [0]
        var indices: [Int32] = []
        var values: [Float] = []
        for r in 0..<dense.rows {
            for c in 0..<dense.columns where dense[r, c] != 0 {
                indices.append(Int32(c))
                values.append(dense[r, c])
            }
            offsets.append(indices.count)
        }
        self.init(rows: dense.rows, columns: dense.columns, rowOffsets: offsets, columnIndices: indices, values: values)
    }

    /// Number of stored entries in row `r`.
    @inlinable public func count(ofRow r: Int) -> Int { rowOffsets[r + 1] - rowOffsets[r] }

    /// The column indices of row `r`.
    public func columns(ofRow r: Int) -> ArraySlice<Int32> { columnIndices[rowOffsets[r]..<rowOffsets[r + 1]] }

    /// The values of row `r`.
    public func values(ofRow r: Int) -> ArraySlice<Float> { values[rowOffsets[r]..<rowOffsets[r + 1]] }

    /// The matrix as a dense one.
    public func toDense() -> DenseMatrix {
        var dense = DenseMatrix(rows: rows, columns: columns)
        for r in 0..<rows {
            for p in rowOffsets[r]..<rowOffsets[r + 1] {
                dense[r, Int(columnIndices[p])] += values[p]
            }
        }
        return dense
    }

    /// The rows `selection` as a new matrix (in that order).
    public func selectingRows<C: Collection>(_ selection: C) -> CSRMatrix where C.Element == Int {
        var offsets = [Int]()
        offsets.reserveCapacity(selection.count + 1)
        offsets.append(0)
        var total = 0
        for r in selection { total += count(ofRow: r); offsets.append(total) }
        var indices = [Int32](); indices.reserveCapacity(total)
        var vals = [Float](); vals.reserveCapacity(total)
        for r in selection {
            indices.append(contentsOf: columnIndices[rowOffsets[r]..<rowOffsets[r + 1]])
            vals.append(contentsOf: values[rowOffsets[r]..<rowOffsets[r + 1]])
        }
        return CSRMatrix(rows: selection.count, columns: columns, rowOffsets: offsets, columnIndices: indices, values: vals)
    }

    /// The transpose (CSR of the transposed matrix; rows of the result are sorted).
    public func transposed() -> CSRMatrix {
        var counts = [Int](repeating: 0, count: columns + 1)
        for c in columnIndices { counts[Int(c) + 1] += 1 }
        for c in 0..<columns { counts[c + 1] += counts[c] }
        var next = counts
        var indices = [Int32](repeating: 0, count: nonzeroCount)
        var vals = [Float](repeating: 0, count: nonzeroCount)
        for r in 0..<rows {
            for p in rowOffsets[r]..<rowOffsets[r + 1] {
                let c = Int(columnIndices[p])
                indices[next[c]] = Int32(r)
                vals[next[c]] = values[p]
                next[c] += 1
            }
        }
        return CSRMatrix(rows: columns, columns: rows, rowOffsets: counts, columnIndices: indices, values: vals)
    }

    /// Number of entries per column.
    public func columnCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: columns)
        for c in columnIndices { counts[Int(c)] += 1 }
        return counts
    }
}
