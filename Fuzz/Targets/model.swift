import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import _TestSupport

/// libFuzzer target: `ModelFile.read` on any bytes, with the checksum recomputed so that the
/// checks behind it are what must refuse a bad file. Every input gives a `ModelFileError` naming
/// the file, or a model with finite weights and distinct ids that scores a history.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = FuzzSupport.bytes(data, size)
    Rechecksum.modelFile(&bytes)
    let path = FuzzSupport.file("model.elsa", bytes)
    let model: ELSAModel
    do {
        model = try ModelFile.read(from: path, threads: 1).model
    } catch {
        FuzzSupport.require(error is ModelFileError, "not a ModelFileError: \(error)")
        FuzzSupport.requireNamed(error, path)
        return 0
    }
    FuzzSupport.require(model.itemIDs.count == model.itemCount && Set(model.itemIDs).count == model.itemCount, "item ids")
    switch model.embedding {
    case .dense(let matrix): FuzzSupport.require(matrix.storage.allSatisfy { $0.isFinite }, "a non-finite weight")
    case .sparse(let matrix): FuzzSupport.require(matrix.values.allSatisfy { $0.isFinite }, "a non-finite weight")
    }
    let history = CSRMatrix(rows: 1, columns: model.itemCount, binaryRows: [[0, Int32(model.itemCount - 1)]])
    FuzzSupport.require(model.scores(for: history).columns == model.itemCount, "scores")
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        let dense = DenseMatrix(rows: 5, columns: 4, storage: (0..<20).map { Float(($0 * 7) % 11) - 5 })
        let ids = ["a", "bé", "item 3", "李", "5"]
        let models: [(String, ItemEmbedding, [String: String])] = [
            ("dense.elsa", .dense(dense), ["model": "elsa", "dimension": "4"]),
            ("sparse.elsa", .sparse(CSRMatrix.topK(dense: dense, k: 2)), ["model": "compressed-elsa", "k": "2"]),
            ("tiny.elsa", .dense(DenseMatrix([[1]])), [:]),
        ]
        return try models.map { name, embedding, metadata in
            let model = ELSAModel(embedding: embedding, itemIDs: Array(ids.prefix(embedding.itemCount)))
            return (name, try FuzzSupport.written(name) { try ModelFile.write(model, metadata: metadata, to: $0) })
        }
    }
    return 0
}
