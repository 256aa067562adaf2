import ELSALinearAlgebra
import _ELSASupport

/// Xavier-uniform initialization U(−r, r), r = √(6 / (rows + columns)).
public enum XavierInitializer {
    /// A `rows x columns` matrix drawn from a generator seeded with `seed`.
    public static func matrix(rows: Int, columns: Int, seed: UInt64) -> DenseMatrix {
        var m = DenseMatrix(rows: rows, columns: columns)
        forEachValue(rows: rows, columns: columns, seed: seed) { m.storage[$0] = $1 }
        return m
    }

    /// The values `matrix(rows:columns:seed:)` holds, in storage order (index, value), without storing them.
    public static func forEachValue(rows: Int, columns: Int, seed: UInt64, _ body: (Int, Float) -> Void) {
        var generator = SeededGenerator(seed: seed)
        let range = (6 / Float(rows + columns)).squareRoot()
        for i in 0..<(rows * columns) { body(i, (generator.nextUnitFloat() * 2 - 1) * range) }
    }
}
