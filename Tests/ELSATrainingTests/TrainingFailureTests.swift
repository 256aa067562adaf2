import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining

/// A batch whose step leaves NaN weights stops the training at that epoch and batch; nothing after it runs.
/// The fixture's data, its configuration, and a Xavier start with `bad` at (`row`, `column`).
func startWith(_ bad: Float, at row: Int, _ column: Int) -> (ReferenceLossCurveFixture, TrainingConfiguration, DenseMatrix) {
    let fixture = ReferenceLossCurveFixture()
    var configuration = ReferenceLossCurveFixture.configuration
    configuration.initialization = .xavier
    var start = XavierInitializer.matrix(rows: fixture.interactions.columns, columns: configuration.dimension, seed: 1)
    start[row, column] = bad
    return (fixture, configuration, start)
}

@Test func nonFiniteWeightsStopDenseTrainingAtTheirBatch() throws {
    let (fixture, configuration, start) = startWith(.nan, at: 3, 2)
    let trainer = DenseELSATrainer(parameters: start, configuration: configuration)
    trainer.train(fixture.interactions)
    let failure = try #require(trainer.failure)
    #expect(failure.epoch == 1 && failure.batch == 1, "\(failure)")
    #expect(trainer.history.isEmpty)
    #expect(failure.description.hasPrefix("training failed at epoch 1, batch 1: "))
    trainer.train(fixture.interactions, epochs: 2)  // a failed trainer does nothing more
    #expect(trainer.history.isEmpty)
}

@Test func nonFiniteWeightsStopCompressedTrainingAndLaterStages() throws {
    let (fixture, configuration, start) = startWith(.infinity, at: 0, 0)
    let schedule = try SparsificationSchedule.exponential(dimension: 16, targetNonzeros: 4, epochsPerStage: 1)
    let trainer = CompressedELSATrainer(itemCount: fixture.interactions.columns, configuration: configuration, schedule: schedule,
                                        restart: true, carryOptimizerState: false, densePathFraction: 0.28, initial: start)
    trainer.train(fixture.interactions)
    let failure = try #require(trainer.failure)
    #expect(failure.epoch == 1 && failure.batch == 1, "\(failure)")
    #expect(trainer.history.isEmpty && trainer.stagesDone == 1)
}

@Test func aRunWhoseLossNeverMovesIsAFailure() {
    let same = (1...3).map { EpochReport(epoch: $0, loss: 0.25, seconds: 1, k: 8, stage: 0, usersPerSecond: 1) }
    #expect(TrainingFailure.stalled(same, learningRate: 1e-30)?.kind == .lossNeverMoved(0.25))
    var moved = same
    moved[2].loss = 0.2499
    #expect(TrainingFailure.stalled(moved, learningRate: 0.1) == nil)
    #expect(TrainingFailure.stalled(Array(same.prefix(1)), learningRate: 0.1) == nil)
}

@Test func allFiniteSeesEveryKindOfNonFiniteValue() {
    for bad: Float in [.nan, .infinity, -.infinity] {
        var values = [Float](repeating: 1, count: 1000)
        values[777] = bad
        #expect(!BLAS.allFinite(count: values.count, values))
    }
    #expect(BLAS.allFinite(count: 1000, [Float](repeating: -3e30, count: 1000)))
}

@Test func initializationsParseEncodeAndDecodeOldConfigurationsAsXavier() throws {
    #expect(Initialization("xavier") == .xavier)
    #expect(Initialization("warm-step") == .warmSteps(1))
    #expect(Initialization("warm-steps:4") == .warmSteps(4))
    for bad in ["warm-steps:0", "warm-steps:-1", "warm-steps:x", "warm", ""] { #expect(Initialization(bad) == nil, "\(bad)") }
    #expect(Initialization.warmSteps(4).description == "warm-steps:4")
    let encoded = try JSONEncoder().encode(TrainingConfiguration(dimension: 8))
    let text = String(decoding: encoded, as: UTF8.self)
    #expect(text.contains("\"initialization\":\"warm-step\""), "\(text)")
    let old = text.replacingOccurrences(of: ",\"initialization\":\"warm-step\"", with: "")
        .replacingOccurrences(of: "\"initialization\":\"warm-step\",", with: "")
    #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: Data(old.utf8)).initialization == .xavier)
}

/// Xavier, then one fresh-Nadam step on epoch 1's first batch: the matrix differs from Xavier exactly where
/// that batch's gradient reaches (every item is an output), and `xavier` leaves the matrix as drawn.
@Test func warmStepMovesXavierByOneNadamStep() {
    let fixture = ReferenceLossCurveFixture()
    var configuration = ReferenceLossCurveFixture.configuration
    let xavier = XavierInitializer.matrix(rows: fixture.interactions.columns, columns: configuration.dimension, seed: configuration.seed)
    configuration.initialization = .xavier
    #expect(InitialMatrix.make(for: fixture.interactions, configuration: configuration) == xavier)
    configuration.initialization = .warmSteps(1)
    let warm = InitialMatrix.make(for: fixture.interactions, configuration: configuration)
    // Nadam's first step moves each weight by at most about lr * (1 + mu) / (1 - mu products): bounded by 2 lr here.
    var largest: Float = 0
    for i in warm.storage.indices { largest = max(largest, abs(warm.storage[i] - xavier.storage[i])) }
    #expect(largest > 0.01 && largest <= 2 * configuration.optimizer.learningRate, "\(largest)")
}
