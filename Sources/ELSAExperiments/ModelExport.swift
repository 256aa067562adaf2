import Foundation
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ZIPFoundation
import _ELSASupport

/// Exports an item matrix for research code in other languages.
public enum ModelExport {
    public enum Format: String, CaseIterable, Sendable {
        /// `scipy.sparse.save_npz` layout: a zip of `data.npy`, `indices.npy`, `indptr.npy`,
        /// `format.npy` (`b'csr'`) and `shape.npy`; `scipy.sparse.load_npz` reads it.
        case npz
        /// A dense `.npy` array (float32, items x d, C order); `numpy.load` reads it.
        case npy
    }

    /// Writes the model's row-normalized item matrix to `path`, and its item ids, one per
    /// line in row order, to `path` with the extension replaced by `.items.txt`. Both atomically.
    /// Returns the path of the id file.
    @discardableResult
    public static func export(_ model: ELSAModel, format: Format, to path: String) throws -> String {
        switch format {
        case .npy:
            try AtomicFile.write(NumPyArray.encode(model.embedding.toDense().storage, shape: [model.itemCount, model.embedding.dimension]),
                                 to: path)
        case .npz:
            let matrix: CSRMatrix
            switch model.embedding {
            case .sparse(let m): matrix = m
            case .dense(let m): matrix = CSRMatrix(dense: m)
            }
            try writeNPZ(matrix, to: path)
        }
        let idPath = idFilePath(for: path)
        try AtomicFile.write(model.itemIDs.joined(separator: "\n") + "\n", to: idPath)
        return idPath
    }

    /// The item-id file written beside an export to `path`: its extension replaced by `.items.txt`.
    public static func idFilePath(for path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().path + ".items.txt"
    }

    static func writeNPZ(_ matrix: CSRMatrix, to path: String) throws {
        let members: [(String, Data)] = [
            ("indices.npy", NumPyArray.encode(matrix.columnIndices, shape: [matrix.nonzeroCount])),
            ("indptr.npy", NumPyArray.encode(matrix.rowOffsets.map { Int64($0) }, shape: [matrix.rows + 1])),
            ("format.npy", NumPyArray.encodeBytesScalar("csr")),
            ("shape.npy", NumPyArray.encode([Int64(matrix.rows), Int64(matrix.columns)], shape: [2])),
            ("data.npy", NumPyArray.encode(matrix.values, shape: [matrix.nonzeroCount])),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, data) in members {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let bytes = archive.data else { throw CocoaError(.fileWriteUnknown) }
        try AtomicFile.write(bytes, to: path)
    }
}
