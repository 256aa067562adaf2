import Testing
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
@testable import ELSATraining

@Test func regrowthCountsFollowTheCosineDecay() {
    let regrowth = PatternRegrowth(fraction: 0.5, batches: 1)
    // (1 + cos(π t / 4)) / 2 = 0.854, 0.5, 0.146 for t = 1, 2, 3; times 0.5 · 16 = 6.83, 4, 1.17.
    #expect((1...4).map { regrowth.count(k: 16, dimension: 64, after: $0, of: 4) } == [7, 4, 1, nil])
    // Nothing to swap: a full pattern, or a count that rounds to zero.
    #expect(regrowth.count(k: 64, dimension: 64, after: 1, of: 4) == nil)
    #expect(regrowth.count(k: 1, dimension: 64, after: 3, of: 4) == nil)
}

@Test func regrowthSwapsTheDenseGradientsLargestLatentsAndCarriesTheSurvivorsMoments() throws {
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let configuration = TrainingConfiguration(dimension: 16, batchSize: 64, seed: 4)
    let schedule = try SparsificationSchedule.constant(dimension: 16, targetNonzeros: 4, epochs: 1)
    let trainer = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: false,
                                        densePathFraction: 1)
    trainer.train(problem.split.train)
    let before = trainer.currentEmbedding!
    let (momentum, velocity) = (trainer.optimizer.momentum, trainer.optimizer.velocity)
    let (after, afterSources) = trainer.regrow(before, count: 2, on: problem.split.train, epoch: 5, batches: 2)
    #expect(afterSources.filter { $0 < 0 }.count == 80 * 2)

    // The scores, computed here from the public gradient of the dense step on the batches the trainer draws.
    let batches = trainer.regrowthBatches(on: problem.split.train, epoch: 5, count: 2)
    #expect(batches.count == 2 && batches.allSatisfy { $0.outputs.count == 80 })
    var scores = DenseMatrix(rows: 80, columns: 16)
    for batch in batches {
        let gradient = DenseTrainingStep(threads: 1).gradient(batch: batch, parameters: before.toDense(), activation: .relu6).gradient
        for i in scores.storage.indices { scores.storage[i] += gradient.storage[i] }
    }
    let (expected, sources) = before.regrowing(count: 2, scores: scores, threads: 1)
    #expect(after.columnIndices == expected.columnIndices)
    #expect(after.values == expected.values)
    #expect(afterSources == sources)
    for p in sources.indices {
        let (m, v) = sources[p] >= 0 ? (momentum[sources[p]], velocity[sources[p]]) : (0, 0)
        #expect(trainer.optimizer.momentum[p] == m && trainer.optimizer.velocity[p] == v)
    }
}

@Test func regrowthRunsBetweenTheEpochsOfAStageAndMendsARandomPattern() throws {
    let problem = try PlantedProblem(users: 600, items: 120, segments: 6)
    let configuration = TrainingConfiguration(dimension: 32, batchSize: 64, seed: 5)
    let schedule = try SparsificationSchedule.constant(dimension: 32, targetNonzeros: 4, epochs: 6)
    var recalls: [Double] = []
    for regrowth in [nil, PatternRegrowth(fraction: 0.5, batches: 2)] {
        let trainer = CompressedELSATrainer(itemCount: 120, configuration: configuration, schedule: schedule, restart: false)
        trainer.regrowth = regrowth
        trainer.train(problem.split.train)
        // k = 4: 0.5 · 4 · (1 + cos(π t / 6)) / 2 = 1.87, 1.5, 1, 0.5, 0.13 → 2, 2, 1, 1 (0.5 rounds away from zero), 0.
        let expected: [Int?] = regrowth == nil ? Array(repeating: nil, count: 6) : [240, 240, 120, 120, nil, nil]
        #expect(trainer.history.map(\.regrown) == expected)
        let model = trainer.model(itemIDs: problem.data.dataset.itemIDs)
        #expect(model.embedding.nonzerosPerRow == 4)
        recalls.append(try problem.recall(model))
    }
    // A constant schedule keeps the random initialization's top 4 of 32; regrowth lets the rows find their segments.
    #expect(recalls[1] > 1.1 * recalls[0], "static pattern \(recalls[0]), regrown \(recalls[1])")
}
