import ELSALinearAlgebra
import _ELSASupport

/// Xavier-uniform initialization U(−r, r), r = √(6 / (rows + columns)).
///
/// The values come from one seeded stream in storage order, so any range of rows can be drawn again without the
/// rows before it being stored (`Rows`): a process of an item-sharded run draws exactly its rows of the matrix one
/// process would draw, and a sparse first stage takes its pattern from rows drawn a block at a time.
public enum XavierInitializer {
    /// A `rows x columns` matrix drawn from a generator seeded with `seed`.
    public static func matrix(rows: Int, columns: Int, seed: UInt64) -> DenseMatrix {
        var stream = Rows(totalRows: rows, columns: columns, seed: seed)
        return stream.next(rows)
    }

    /// The values `matrix(rows:columns:seed:)` holds, in storage order (index, value), without storing them.
    public static func forEachValue(rows: Int, columns: Int, seed: UInt64, _ body: (Int, Float) -> Void) {
        var generator = SeededGenerator(seed: seed)
        let range = (6 / Float(rows + columns)).squareRoot()
        for i in 0..<(rows * columns) { body(i, (generator.nextUnitFloat() * 2 - 1) * range) }
    }

    /// Consecutive rows of the `totalRows x columns` Xavier matrix of `seed`, a block at a time.
    public struct Rows {
        public let totalRows: Int
        public let columns: Int
        /// The row the next block starts at.
        public private(set) var row: Int
        private var generator: SeededGenerator
        private let range: Float

        /// Positioned at row `first` (the draws of the rows before it are made and dropped: about a nanosecond each).
        public init(totalRows: Int, columns: Int, seed: UInt64, from first: Int = 0) {
            precondition(first >= 0 && first <= totalRows, "row \(first) is not within 0...\(totalRows)")
            self.totalRows = totalRows
            self.columns = columns
            self.row = first
            self.generator = SeededGenerator(seed: seed)
            self.range = (6 / Float(totalRows + columns)).squareRoot()
            for _ in 0..<(first * columns) { _ = generator.next() }
        }

        /// The next `count` rows (fewer at the end of the matrix).
        public mutating func next(_ count: Int) -> DenseMatrix {
            let rows = min(count, totalRows - row)
            var block = DenseMatrix(rows: rows, columns: columns)
            block.storage.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] = (generator.nextUnitFloat() * 2 - 1) * range }
            }
            row += rows
            return block
        }
    }
}
