import Foundation
import Testing
import ELSAData
import ELSAEvaluation
import ELSALinearAlgebra
import ELSASparse
@testable import ELSAModels

/// The folder of this test process's files, removed when the process exits.
private let processFolder: URL = {
    func folder() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("elsa-models-tests-\(getpid())") }
    atexit { try? FileManager.default.removeItem(at: folder()) }
    try? FileManager.default.createDirectory(at: folder(), withIntermediateDirectories: true)
    return folder()
}()

func temporaryPath(_ name: String) -> String {
    processFolder.appendingPathComponent(name).path
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

@Test func sparseModelRecommendsRowByRowAsFromItsFullScores() throws {
    // 30 items, 12 latents, 3 nonzeros per row; recommendations through the fused
    // per-user path must equal a full sort of the batch scores (seen items excluded).
    var state: UInt64 = 7
    func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
    }
    let dense = DenseMatrix(rows: 30, columns: 12, storage: (0..<360).map { _ in next() })
    let model = ELSAModel(embedding: .sparse(CSRMatrix.topK(dense: dense, k: 3)), itemIDs: (0..<30).map(String.init))
    #expect(model.makeRowScorer() != nil)
    #expect(ELSAModel(embedding: .dense(dense), itemIDs: (0..<30).map(String.init)).makeRowScorer() == nil)
    let histories = CSRMatrix(rows: 4, columns: 30, binaryRows: [[0, 5, 9], [], [29], Array(0..<25)])
    let scores = model.scores(for: histories)
    let recommended = try recommend(model, histories: histories, count: 8, threadCount: 2)
    for user in 0..<4 {
        let seen = Set(histories.columns(ofRow: user).map(Int.init))
        let expected = (0..<30).filter { !seen.contains($0) }
            .sorted { scores[user, $0] != scores[user, $1] ? scores[user, $0] > scores[user, $1] : $0 < $1 }.prefix(8)
        #expect(recommended[user].map(\.item) == Array(expected), "user \(user)")
        #expect(recommended[user].map(\.score) == expected.map { scores[user, $0] }, "user \(user)")
    }
}
