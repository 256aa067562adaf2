import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
@testable import ELSAModels

func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("elsa-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

@Test func denseAndSparseModelsRoundTrip() throws {
    let dense = DenseMatrix([[3, 4, 0], [0, 0, 2], [1, -1, 1], [0, 5, 0]])
    let ids = ["a", "bé", "c", "item 4"]
    for embedding in [ItemEmbedding.dense(dense), .sparse(CSRMatrix(dense: dense))] {
        let model = ELSAModel(embedding: embedding, itemIDs: ids)
        let path = temporaryPath("model-\(embedding.bytesPerItem).elsa")
        try ModelFile.write(model, metadata: ["model": "test"], to: path)
        let (loaded, metadata) = try ModelFile.read(from: path)
        #expect(loaded.embedding == model.embedding)
        #expect(loaded.itemIDs == ids)
        #expect(metadata["model"] == "test")
        // Row normalization happened: the first row is (0.6, 0.8, 0).
        #expect(abs(loaded.embedding.toDense()[0, 0] - 0.6) < 1e-7)
    }
}

@Test func truncatedOrModifiedModelFileIsRejectedWithItsName() throws {
    let model = ELSAModel(embedding: .dense(DenseMatrix([[1, 2], [3, 4]])), itemIDs: ["x", "y"])
    let path = temporaryPath("broken.elsa")
    try ModelFile.write(model, to: path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[70] ^= 0xFF
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: ModelFileError.corrupt(file: path, reason: "checksum mismatch (truncated or modified)")) {
        try ModelFile.read(from: path)
    }
    try Data(bytes.prefix(40)).write(to: URL(fileURLWithPath: path))
    #expect(throws: ModelFileError.notAModelFile(file: path)) { try ModelFile.read(from: path) }
    #expect(throws: ModelFileError.self) { try ModelFile.read(from: path + ".missing") }
}

@Test func elsaScoresAreXAATransposeMinusX() {
    let a = DenseMatrix([[1, 0, 1], [0, 2, 0], [1, 1, 0], [0, 0, 3]])
    let model = ELSAModel(embedding: .dense(a), itemIDs: ["0", "1", "2", "3"])
    let sparseModel = ELSAModel(embedding: .sparse(CSRMatrix(dense: a)), itemIDs: ["0", "1", "2", "3"])
    let histories = CSRMatrix(rows: 2, columns: 4, binaryRows: [[0, 2], [3]])
    // Reference with the normalized matrix.
    let normalized = ItemEmbedding.dense(a).rowNormalized().toDense()
    var expected = BLAS.multiply(BLAS.multiply(histories.toDense(), normalized), normalized, transposeB: .transpose)
    for u in 0..<2 { for i in histories.columns(ofRow: u) { expected[u, Int(i)] -= 1 } }
    #expect(model.scores(for: histories).maxAbsoluteDifference(to: expected) < 1e-6)
    #expect(sparseModel.scores(for: histories).maxAbsoluteDifference(to: expected) < 1e-6)
    // An item never recommends itself: with history {3} alone, item 3's score is 1 − 1 = 0.
    #expect(abs(model.scores(for: histories)[1, 3]) < 1e-6)
}
