import Foundation
import Testing
import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining

@Test func learningRateDecayFollowsACosineFromTheFullRateToTheFloor() {
    let decay = StageLearningRateDecay(floor: 0.1)
    // 0.1 + 0.9 (1 + cos(π e / 4)) / 2 for e = 0 ... 4: 1, 0.1 + 0.9 · 0.8536, 0.55, 0.1 + 0.9 · 0.1464, 0.1.
    let expected = [1, 0.868198, 0.55, 0.231802, 0.1]
    for (e, value) in expected.enumerated() {
        #expect(abs(decay.scale(epoch: e, of: 5) - value) < 1e-6, "epoch \(e)")
    }
    #expect(decay.scale(epoch: 0, of: 1) == 1)  // a one-epoch stage keeps the full rate
}

@Test func nadamStepsAtTheScaledLearningRate() {
    let gradient: [Float] = [0.3, -1.2, 0.05, 2.0, -0.7, 0.01, 0.4, -0.2, 1.1]
    func twoSteps(rate: Float, scale: Double) -> [Float] {
        let optimizer = Nadam(parameterCount: gradient.count, configuration: NadamConfiguration(learningRate: rate))
        optimizer.learningRateScale = scale
        var parameters: [Float] = (0..<gradient.count).map { Float($0) * 0.1 - 0.4 }
        for _ in 0..<2 {
            let coefficients = optimizer.beginStep()
            parameters.withUnsafeMutableBufferPointer { p in
                gradient.withUnsafeBufferPointer { g in
                    optimizer.update(parameters: p.baseAddress!, gradient: g.baseAddress!, offset: 0, count: gradient.count,
                                     coefficients: coefficients)
                }
            }
        }
        return parameters
    }
    // Float(0.1) / 2 is exact in binary: a half scale is the halved rate, bit for bit.
    #expect(twoSteps(rate: 0.1, scale: 0.5) == twoSteps(rate: Float(0.1) / 2, scale: 1))
    #expect(twoSteps(rate: 0.1, scale: 0.5) != twoSteps(rate: 0.1, scale: 1))
}

@Test func aStageDecayedToZeroLeavesItsLastEpochsWeightsUnchanged() throws {
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let configuration = TrainingConfiguration(dimension: 16, batchSize: 64, seed: 3)
    // Constant schedule at k = 4 of d = 16: the sparse path, two epochs in one stage.
    let schedule = try SparsificationSchedule.constant(dimension: 16, targetNonzeros: 4, epochs: 2)
    let oneEpoch = try SparsificationSchedule.constant(dimension: 16, targetNonzeros: 4, epochs: 1)
    let decayed = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: false)
    decayed.learningRateDecay = StageLearningRateDecay(floor: 0)
    decayed.train(problem.split.train)
    let plain = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: oneEpoch, restart: false)
    plain.train(problem.split.train)
    // The first epoch trains at the full rate (as the plain run's only epoch), the second at rate 0.
    #expect(decayed.history.map(\.learningRate) == [Double(Float(0.1)), 0])
    #expect(plain.history.map(\.learningRate) == [nil])
    #expect(decayed.history[0].loss == plain.history[0].loss)
    let embedding = try #require(decayed.currentEmbedding)
    #expect(embedding == plain.currentEmbedding)
    // Without the decay the second epoch moves the weights.
    let undecayed = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: false)
    undecayed.train(problem.split.train)
    #expect(undecayed.currentEmbedding != embedding)
    #expect(decayed.optimizer.learningRateScale == 1)  // back to the configured rate after the stage
}

@Test func storedRegrowthAndDecayOutsideTheirRangesAreRefused() throws {
    let decoder = JSONDecoder()
    let regrowth = PatternRegrowth(fraction: 0.3, batches: 4), decay = StageLearningRateDecay(floor: 0.1)
    #expect(try decoder.decode(PatternRegrowth.self, from: JSONEncoder().encode(regrowth)) == regrowth)
    #expect(try decoder.decode(StageLearningRateDecay.self, from: JSONEncoder().encode(decay)) == decay)
    for json in [#"{"fraction": 1.5, "batches": 4}"#, #"{"fraction": 0, "batches": 4}"#, #"{"fraction": 0.3, "batches": 0}"#] {
        #expect(throws: DecodingError.self) { try decoder.decode(PatternRegrowth.self, from: Data(json.utf8)) }
    }
    for json in [#"{"floor": 1}"#, #"{"floor": -0.1}"#] {
        #expect(throws: DecodingError.self) { try decoder.decode(StageLearningRateDecay.self, from: Data(json.utf8)) }
    }
}
