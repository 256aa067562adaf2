import Foundation
import Testing
import ELSAData
import ELSAEvaluation
import ELSAModels
import ELSASparse
import ELSATraining
@testable import ELSAExperiments
import _ELSASupport

/// An exported model comes back through `.npy` (dense) and `.npz` (sparse) as the same matrix and the same
/// metrics, and bad matrices are refused with the file's name.
@Test func exportedModelsImportToTheSameMatrixAndMetrics() throws {
    let experiment = try smallStudyExperiment()
    let trainer = DenseELSATrainer(initializingOn: experiment.train, configuration: TrainingConfiguration(dimension: 16, epochs: 2,
                                                                                                         batchSize: 64, threads: 2, seed: 3))
    trainer.train(experiment.train)
    let dense = trainer.model(itemIDs: experiment.dataset.itemIDs)
    let sparse = ELSAModel(embedding: .sparse(CSRMatrix.topK(dense: dense.embedding.toDense(), k: 4)), itemIDs: dense.itemIDs, threads: 2)
    let folder = temporaryDirectory().path
    for (model, file) in [(dense, "dense.npy"), (sparse, "sparse.npz")] {
        let path = folder + "/" + file
        let ids = try ModelExport.export(model, format: file.hasSuffix("npy") ? .npy : .npz, to: path)
        let imported = try ModelImport.model(matrix: path, itemIDs: ids)
        #expect(imported.itemIDs == model.itemIDs)
        #expect(imported.embedding.nonzerosPerRow == model.embedding.nonzerosPerRow)
        let original = try experiment.evaluate(model).metrics, again = try experiment.evaluate(imported).metrics
        for (key, value) in original { #expect(abs(value - again[key]!) < 1e-6, "\(file) \(key): \(value) against \(again[key]!)") }
    }
    // The exported npz reads back as the row-normalized sparse matrix.
    let back = try SparseNPZ.read(folder + "/sparse.npz")
    let normalized = sparse.embedding.rowNormalized()
    guard case .sparse(let expected) = normalized else { Issue.record("not sparse"); return }
    #expect(back.rowOffsets == expected.rowOffsets && back.columnIndices == expected.columnIndices)
    #expect(zip(back.values, expected.values).allSatisfy { abs($0 - $1) < 1e-6 })
}

@Test func badItemMatricesAreRefusedNamingTheFile() throws {
    let folder = temporaryDirectory().path
    let ids = folder + "/ids.txt"
    try Data("a\nb\n".utf8).write(to: URL(fileURLWithPath: ids))
    func refusal(_ data: Data, _ name: String) -> String {
        let path = folder + "/" + name
        try? data.write(to: URL(fileURLWithPath: path))
        do {
            _ = try ModelImport.model(matrix: path, itemIDs: ids)
            return "imported"
        } catch let DataError.cannotRead(file, reason) {
            return "\(file): \(reason)"
        } catch {
            return "\(error)"
        }
    }
    let good: [Float] = [1, 0, 0, 1]
    #expect(refusal(NumPyArray.encode(good, shape: [2, 2]), "good.npy") == "imported")
    #expect(refusal(NumPyArray.encode(good, shape: [4]), "flat.npy").contains("flat.npy: holds an array of shape [4]"))
    #expect(refusal(NumPyArray.encode([Int32(1), 0, 0, 1], shape: [2, 2]), "ints.npy").contains("'<i4' elements"))
    #expect(refusal(NumPyArray.encode([Float]([1, .nan, 0, 1]), shape: [2, 2]), "nan.npy").contains("NaN or infinite"))
    #expect(refusal(NumPyArray.encode([Float]([1, 0, 0, 0]), shape: [2, 2]), "zero.npy").contains("row 1 is all zeros"))
    #expect(refusal(NumPyArray.encode([Float](repeating: 1, count: 6), shape: [3, 2]), "three.npy").contains("holds 2 ids"))
    #expect(refusal(NumPyArray.encode(good, shape: [2, 2]).dropLast(4), "cut.npy").contains("needs 16 bytes of data"))
}
