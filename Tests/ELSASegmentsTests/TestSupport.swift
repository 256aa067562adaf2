import Foundation
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ELSATraining
@testable import ELSASegments

/// A CSR matrix holding the nonzeros of `rows` (zeros are not stored).
func sparse(_ rows: [[Float]]) -> CSRMatrix {
    CSRMatrix(dense: DenseMatrix(rows))
}

/// A binary users x items matrix from per-user item lists.
func histories(_ rows: [[Int32]], items: Int) -> CSRMatrix {
    CSRMatrix(rows: rows.count, columns: items, binaryRows: rows)
}

/// A model over the given (already unit-norm or not) rows, item ids "i0", "i1", ...
func model(_ rows: [[Float]]) -> ELSAModel {
    ELSAModel(embedding: .sparse(sparse(rows)), itemIDs: rows.indices.map { "i\($0)" }, threads: 1)
}

/// Planted data and a compressed ELSA model trained on it, shared by the tests that need it
/// (trained once per test process).
enum PlantedFixture {
    /// 800 users, 400 items in 40 planted segments of 10, 20 draws per user (seed 42).
    static let configuration = SyntheticConfiguration(userCount: 800, itemCount: 400, segmentCount: 40,
                                                      interactionsPerUser: 20)
    static let data = SyntheticData.generate(configuration)

    /// d = 128, k = 16, exponential schedule (stages k = 128, 45, 32, 22, then 16 for 2 epochs) with restarting.
    static let model: ELSAModel = {
        let schedule = try! SparsificationSchedule.exponential(dimension: 128, targetNonzeros: 16, epochsPerStage: 2)
        let trainer = CompressedELSATrainer(itemCount: data.dataset.itemCount,
                                            configuration: TrainingConfiguration(dimension: 128, batchSize: 256, threads: 2, seed: 7),
                                            schedule: schedule, restart: true)
        trainer.train(data.dataset.interactions)
        return trainer.model(itemIDs: data.dataset.itemIDs)
    }()
}

/// The shared data folder (`../shared/data` beside the package), found from this file's path.
enum SharedData {
    static let folder: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()  // .../Tests/ELSASegmentsTests/TestSupport.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    static func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder + "/" + name) }
}
