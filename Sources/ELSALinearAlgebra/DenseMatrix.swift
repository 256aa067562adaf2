/// A dense row-major matrix of `Float`.
///
/// Orientation lives in the names of the properties that hold one
/// (`items x factors`), not in this type: `rows` and `columns` are all it knows.
/// Element `(r, c)` is at `storage[r * columns + c]`.
public struct DenseMatrix: Sendable, Equatable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    public var storage: [Float]

    /// A `rows x columns` matrix filled with `value`.
    /// - Precondition: `rows >= 0`, `columns >= 0`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "DenseMatrix needs non-negative dimensions, got \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    /// Wraps `storage` (row-major, `rows * columns` values).
    /// - Precondition: `storage.count == rows * columns`.
    public init(rows: Int, columns: Int, storage: [Float]) {
        precondition(storage.count == rows * columns,
                     "DenseMatrix \(rows) x \(columns) needs \(rows * columns) values, got \(storage.count)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Builds a matrix from nested rows (tests and small fixtures).
    public init(_ nested: [[Float]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "DenseMatrix rows have unequal lengths")
        self.init(rows: nested.count, columns: columns, storage: nested.flatMap { $0 })
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of row `r`.
    public func row(_ r: Int) -> [Float] {
        Array(storage[(r * columns)..<((r + 1) * columns)])
    }

    /// The transpose as a new matrix.
    public func transposed() -> DenseMatrix {
        var result = DenseMatrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns {
                result.storage[c * rows + r] = storage[r * columns + c]
            }
        }
        return result
    }

    /// Rows `indices` gathered into a new `indices.count x columns` matrix.
    public func gatherRows<C: Collection>(_ indices: C) -> DenseMatrix where C.Element: BinaryInteger {
        var result = DenseMatrix(rows: indices.count, columns: columns)
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                for (position, index) in indices.enumerated() {
                    let from = Int(index) * columns
                    let to = position * columns
                    for c in 0..<columns { target[to + c] = source[from + c] }
                }
            }
        }
        return result
    }

    /// Maximum absolute difference to `other` (same shape required).
    public func maxAbsoluteDifference(to other: DenseMatrix) -> Float {
        precondition(rows == other.rows && columns == other.columns,
                     "shape mismatch: \(rows) x \(columns) against \(other.rows) x \(other.columns)")
        var worst: Float = 0
        for i in storage.indices { worst = max(worst, abs(storage[i] - other.storage[i])) }
        return worst
    }
}
