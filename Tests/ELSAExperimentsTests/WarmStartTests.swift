import ELSABaselines
import Testing
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ELSAData
import ELSATraining
@testable import ELSAExperiments
import _ELSASupport

@Test func warmStartPutsTheModelRowsInTheDataItemOrder() throws {
    let model = ELSAModel(embedding: .sparse(CSRMatrix(dense: DenseMatrix([[0, 3, 4, 0], [1, 0, 0, 0], [0, 0, 0, 2]]))),
                          itemIDs: ["a", "b", "c"])
    // The data has c then a; b is not in the data and is left out. Rows are the model's normalized ones.
    let matrix = try WarmStart.itemMatrix(of: model, file: "m.model", itemIDs: ["c", "a"])
    #expect(matrix.rows == 2 && matrix.columns == 4)
    #expect(matrix.storage == [0, 0, 0, 1, 0, 0.6, 0.8, 0])
    // The same order as the model's: the rows unchanged.
    let same = try WarmStart.itemMatrix(of: model, file: "m.model", itemIDs: ["a", "b", "c"])
    #expect(same.storage == [0, 0.6, 0.8, 0, 1, 0, 0, 0, 0, 0, 0, 1])
}

@Test func warmStartNamesTheFileAndTheMissingItems() throws {
    let model = ELSAModel(embedding: .dense(DenseMatrix([[1, 0], [0, 1]])), itemIDs: ["a", "b"])
    let error = try #require(throws: WarmStart.MissingItems.self) {
        try WarmStart.itemMatrix(of: model, file: "old.model", itemIDs: ["a", "x", "y", "z", "w"])
    }
    #expect(error.missingCount == 4 && error.itemCount == 5 && error.examples == ["x", "y", "z"])
    #expect(error.description.hasPrefix("old.model: the model lacks 4 of the data's 5 items (for example 'x', 'y', 'z')"))
}

@Test func compressedELSAStartedFromASparseModelKeepsItsPattern() throws {
    // A sparse model with 3 nonzeros per row in d = 12 (distinct magnitudes), as CompresSAE codes are.
    let items = 60, d = 12, k = 3
    var generator = SeededGenerator(seed: 7)
    var dense = DenseMatrix(rows: items, columns: d)
    var support: [[Int]] = []
    for item in 0..<items {
        var columns = Array(0..<d)
        generator.shuffle(&columns)
        let kept = Array(columns.prefix(k)).sorted()
        support.append(kept)
        for (n, column) in kept.enumerated() { dense[item, column] = Float(n + 1) * (item.isMultiple(of: 2) ? 1 : -1) }
    }
    let ids = (0..<items).map { "i\($0)" }
    let start = try WarmStart.itemMatrix(of: ELSAModel(embedding: .sparse(CSRMatrix(dense: dense)), itemIDs: ids), file: "codes", itemIDs: ids)
    var users: [[Int]] = []
    for u in 0..<200 { users.append([(u * 7) % items, (u * 11 + 3) % items, (u * 13 + 5) % items]) }
    let interactions = CSRMatrix(rows: users.count, columns: items, binaryRows: users.map { Set($0).sorted().map(Int32.init) })
    let schedule = try SparsificationSchedule.make(.constant, dimension: d, targetNonzeros: k, epochsPerStage: 2)
    let trainer = CompressedELSATrainer(itemCount: items, configuration: TrainingConfiguration(dimension: d, batchSize: 64, seed: 1),
                                        schedule: schedule, restart: false, carryOptimizerState: false, densePathFraction: 1,
                                        initial: start)
    trainer.train(interactions)
    let trained = trainer.model(itemIDs: ids)
    guard case .sparse(let matrix) = trained.embedding else { Issue.record("expected a sparse model"); return }
    var changed = false
    for item in 0..<items {
        let range = matrix.rowOffsets[item]..<matrix.rowOffsets[item + 1]
        #expect(matrix.columnIndices[range].map(Int.init) == support[item])
        for p in range where abs(matrix.values[p] - start[item, Int(matrix.columnIndices[p])]) > 1e-4 { changed = true }
    }
    #expect(changed)  // the values trained
}
