import ELSAData
import ELSALinearAlgebra

/// Xavier-uniform initialization U(−r, r), r = √(6 / (rows + columns)).
public enum XavierInitializer {
    /// A `rows x columns` matrix drawn from a generator seeded with `seed`.
    public static func matrix(rows: Int, columns: Int, seed: UInt64) -> DenseMatrix {
        var generator = SeededGenerator(seed: seed)
        let range = (6 / Float(rows + columns)).squareRoot()
        var m = DenseMatrix(rows: rows, columns: columns)
        for i in m.storage.indices { m.storage[i] = (generator.nextUnitFloat() * 2 - 1) * range }
        return m
    }
}
