import Foundation
import ELSAData
import ELSASparse
import _ELSASupport

/// A data set's published train/test split: the `train.txt` and `test.txt` of the LightGCN / KGAT
/// adjacency layout (`user item item ...` per line), read as two matrices over one set of users and items.
/// Nothing is filtered: the literature's tables use every interaction.
public struct PublishedSplit: Sendable {
    public let userIDs: [String]
    public let itemIDs: [String]
    /// Users x items, binary.
    public let train: CSRMatrix
    public let test: CSRMatrix

    /// Reads `folder/train.txt` and `folder/test.txt`.
    /// - Throws: `DataError` naming the file and line of bad input, or a missing file.
    public init(folder: String) throws {
        let files = ["train.txt", "test.txt"].map { (folder as NSString).appendingPathComponent($0) }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw DataError.cannotRead(file: file, reason: "missing: a published split is a folder with train.txt and test.txt (format adjacency)")
        }
        // Users and items numbered as a read of the whole folder numbers them, so that a model trained on it
        // (`elsa train --data FOLDER --format adjacency`, which keeps every item) has the same item order.
        let union = try InteractionReader.read(path: folder, format: .adjacency)
        var userIndex: [String: Int32] = [:], itemIndex: [String: Int32] = [:]
        for (i, id) in union.userIDs.enumerated() { userIndex[id] = Int32(i) }
        for (i, id) in union.itemIDs.enumerated() { itemIndex[id] = Int32(i) }
        let userIDs = union.userIDs, itemIDs = union.itemIDs
        var rows: [[[Int32]]] = []
        for file in files {
            let raw = try InteractionReader.read(path: file, format: .adjacency)
            var part = [[Int32]](repeating: [], count: userIDs.count)
            for p in raw.userIndices.indices {
                let user = userIndex[raw.userIDs[Int(raw.userIndices[p])]]!, item = itemIndex[raw.itemIDs[Int(raw.itemIndices[p])]]!
                part[Int(user)].append(item)
            }
            rows.append(part)
        }
        func matrix(_ part: [[Int32]]) -> CSRMatrix {
            CSRMatrix(rows: userIDs.count, columns: itemIDs.count, binaryRows: part)
        }
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.train = matrix(rows[0])
        self.test = matrix(rows[1])
    }
}
