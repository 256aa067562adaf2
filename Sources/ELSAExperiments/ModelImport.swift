import Foundation
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ELSATraining
import _ELSASupport

/// Turns an item matrix trained elsewhere into a model: a dense `.npy` (items x d, float32 or float64, C order)
/// or a scipy sparse `.npz` (items x d), with the item ids one per line in row order.
public enum ModelImport {
    /// The model of `matrixPath` with the ids of `itemIDsPath` (rows are scored row-normalized, as every ELSA model).
    /// - Throws: `DataError.cannotRead` naming the file: another layout or dtype, a shape that is not items x d with
    ///   d in 1...2^20, a count of ids that differs from the rows, a NaN or infinite entry, a row of zeros only.
    public static func model(matrix matrixPath: String, itemIDs itemIDsPath: String, threads: Int = 2) throws -> ELSAModel {
        func bad(_ reason: String) -> DataError { .cannotRead(file: matrixPath, reason: reason) }
        let embedding: ItemEmbedding
        if matrixPath.lowercased().hasSuffix(".npz") {
            let sparse = try SparseNPZ.read(matrixPath)
            embedding = .sparse(sparse)
        } else {
            let array = try NumPyArray.decode(Data(try FileIO.readBytes(matrixPath)), file: matrixPath)
            guard array.shape.count == 2 else { throw bad("holds an array of shape \(array.shape); an item matrix is items x d") }
            guard array.descr == "<f4" || array.descr == "<f8" else {
                throw bad("holds '\(array.descr)' elements; an item matrix is float32 or float64")
            }
            embedding = .dense(DenseMatrix(rows: array.shape[0], columns: array.shape[1], storage: try array.floats(file: matrixPath)))
        }
        let (items, d) = (embedding.itemCount, embedding.dimension)
        guard items >= 1, (1...SparsificationSchedule.maximumDimension).contains(d) else {
            throw bad("is \(items) x \(d); an item matrix needs at least one item and d in 1...\(SparsificationSchedule.maximumDimension)")
        }
        guard embedding.allValuesFinite else { throw bad("holds NaN or infinite entries") }
        switch embedding {
        case .dense(let m):
            for r in 0..<items where (0..<d).allSatisfy({ m[r, $0] == 0 }) { throw bad("row \(r) is all zeros: that item could never be scored") }
        case .sparse(let m):
            for r in 0..<items where m.values(ofRow: r).allSatisfy({ $0 == 0 }) { throw bad("row \(r) is all zeros: that item could never be scored") }
        }
        let ids = try InteractionReader.idList(itemIDsPath, count: items, what: "rows (items)")
        return ELSAModel(embedding: embedding, itemIDs: ids, threads: threads)
    }
}
