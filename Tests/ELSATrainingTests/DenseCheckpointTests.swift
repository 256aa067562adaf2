import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
@testable import ELSATraining
import _ELSASupport

private func denseCheckpointPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("elsa-dense-checkpoint-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)").path
}

@Suite("Dense checkpoints: a resumed dense trainer equals one never interrupted")
struct DenseCheckpointTests {
    let problem: PlantedProblem
    let configuration = TrainingConfiguration(dimension: 16, epochs: 4, batchSize: 64, threads: 2, seed: 9)

    init() throws { problem = try PlantedProblem(users: 300, items: 80, segments: 5) }

    @Test("resume after 1, 2 or 3 of 4 epochs", arguments: [1, 2, 3])
    func resumedEqualsUninterrupted(epochsBefore: Int) throws {
        let whole = DenseELSATrainer(itemCount: 80, configuration: configuration)
        whole.train(problem.split.train)

        let first = DenseELSATrainer(itemCount: 80, configuration: configuration)
        first.train(problem.split.train, epochs: epochsBefore)
        let path = denseCheckpointPath("resume")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try first.writeCheckpoint(to: path, run: "test data")
        let (second, kept) = try DenseELSATrainer.resume(from: path, run: "test data", configuration: configuration, itemCount: 80)
        #expect(kept == nil)
        #expect(second.history == first.history)
        #expect(second.optimizer.iterations == first.optimizer.iterations)
        second.train(problem.split.train, epochs: configuration.epochs - epochsBefore)

        #expect(second.parameters == whole.parameters)  // bit for bit
        #expect(second.optimizer.momentum == whole.optimizer.momentum && second.optimizer.velocity == whole.optimizer.velocity)
        #expect(second.history.map(\.loss) == whole.history.map(\.loss))
        #expect(second.history.map(\.epoch) == [1, 2, 3, 4])
    }

    @Test("the kept epoch of a validation run comes back with its matrix, or without one")
    func keptEpochRoundTrip() throws {
        let trainer = DenseELSATrainer(itemCount: 80, configuration: configuration)
        trainer.train(problem.split.train, epochs: 2)
        let normalized = try #require({ () -> DenseMatrix? in
            if case .dense(let matrix) = trainer.model(itemIDs: (0..<80).map(String.init)).embedding { return matrix }
            return nil
        }())
        let path = denseCheckpointPath("kept")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for kept in [DenseELSATrainer.KeptEpoch(epoch: 1, recall: 0.25, normalizedMatrix: normalized),
                     DenseELSATrainer.KeptEpoch(epoch: 2, recall: 0.5, normalizedMatrix: nil)] {
            try trainer.writeCheckpoint(to: path, run: "kept", kept: kept)
            let (_, restored) = try DenseELSATrainer.resume(from: path, run: "kept", configuration: configuration, itemCount: 80)
            #expect(restored == kept)
        }
    }

    @Test("a checkpoint of another run, or a damaged one, is refused with an error naming the file")
    func refusals() throws {
        let trainer = DenseELSATrainer(itemCount: 80, configuration: configuration)
        trainer.train(problem.split.train, epochs: 1)
        let path = denseCheckpointPath("refusals")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trainer.writeCheckpoint(to: path, run: "data A")
        func resume(run: String = "data A", configuration: TrainingConfiguration? = nil, items: Int = 80) throws {
            _ = try DenseELSATrainer.resume(from: path, run: run, configuration: configuration ?? self.configuration, itemCount: items)
        }
        try resume()
        var threads = configuration
        threads.threads = 1
        try resume(configuration: threads)  // the thread count does not matter
        #expect(throws: CheckpointError.self) { try resume(run: "data B") }
        #expect(throws: CheckpointError.self) { try resume(items: 81) }
        var dimension = configuration
        dimension.dimension = 8
        do {
            try resume(configuration: dimension)
            Issue.record("a checkpoint of another dimension was accepted")
        } catch let error as CheckpointError {
            #expect(error.description.hasPrefix(path))
            #expect(error.description.contains("dimension 16 in the checkpoint, 8 here"), "\(error)")
        }
        // A compressed ELSA checkpoint is not a dense one.
        let schedule = try SparsificationSchedule.exponential(dimension: 16, targetNonzeros: 4, epochsPerStage: 1)
        let sparse = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: true,
                                           carryOptimizerState: false, densePathFraction: 0.3,
                                           initial: XavierInitializer.matrix(rows: 80, columns: 16, seed: 9))
        sparse.runStage(0, on: problem.split.train)
        let sparsePath = denseCheckpointPath("sparse")
        defer { try? FileManager.default.removeItem(atPath: sparsePath) }
        try sparse.writeCheckpoint(to: sparsePath, run: "data A")
        do {
            _ = try DenseELSATrainer.resume(from: sparsePath, run: "data A", configuration: configuration, itemCount: 80)
            Issue.record("a compressed ELSA checkpoint was read as a dense one")
        } catch let error as DataError {
            #expect(error.description.contains(sparsePath) && error.description.contains("ELSADENS"), "\(error)")
        }
        try expectDamagedCheckpointsRefused(at: path) { try resume() }
    }
}
