import ELSALinearAlgebra
import ELSAModels

/// A saved model's item matrix as the starting point of another training run: the rows
/// put in the order of the data's items, matched by item id.
public enum WarmStart {
    /// A saved model does not cover the data's items.
    public struct MissingItems: Error, CustomStringConvertible, Equatable {
        public let file: String
        /// The data's item ids the model lacks (the first few).
        public let examples: [String]
        public let missingCount: Int
        public let itemCount: Int

        public var description: String {
            "\(file): the model lacks \(missingCount) of the data's \(itemCount) items (for example "
                + examples.map { "'\($0)'" }.joined(separator: ", ")
                + "); it must have been trained on the same data set with the same filters"
        }
    }

    /// The model's (row-normalized) item matrix, densified, with row r holding the item
    /// `itemIDs[r]`. Items of the model that the data lacks are left out.
    /// - Throws: `MissingItems` naming `file` when a data item is not in the model.
    public static func itemMatrix(of model: ELSAModel, file: String, itemIDs: [String]) throws -> DenseMatrix {
        var rowOfID: [String: Int] = [:]
        rowOfID.reserveCapacity(model.itemIDs.count)
        for (row, id) in model.itemIDs.enumerated() { rowOfID[id] = row }
        var rows: [Int] = []
        rows.reserveCapacity(itemIDs.count)
        var missing: [String] = []
        var missingCount = 0
        for id in itemIDs {
            if let row = rowOfID[id] {
                rows.append(row)
            } else {
                missingCount += 1
                if missing.count < 3 { missing.append(id) }
            }
        }
        guard missingCount == 0 else {
            throw MissingItems(file: file, examples: missing, missingCount: missingCount, itemCount: itemIDs.count)
        }
        let source = model.embedding.toDense()
        let d = source.columns
        if rows.count == source.rows && rows.enumerated().allSatisfy({ $0.offset == $0.element }) { return source }
        var result = DenseMatrix(rows: rows.count, columns: d)
        result.storage.withUnsafeMutableBufferPointer { target in
            source.storage.withUnsafeBufferPointer { from in
                for (r, row) in rows.enumerated() {
                    (target.baseAddress! + r * d).update(from: from.baseAddress! + row * d, count: d)
                }
            }
        }
        return result
    }
}
