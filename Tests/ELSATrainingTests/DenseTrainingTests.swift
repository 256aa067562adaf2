import ELSABaselines
import Testing
import ELSAData
import ELSAEvaluation
import ELSAModels
import ELSASparse
@testable import ELSATraining

/// A small planted problem shared by the training tests.
struct PlantedProblem {
    let data: SyntheticDataset
    let split: StrongGeneralizationSplit
    let folds: EvaluationFolds

    init(users: Int = 1200, items: Int = 300, segments: Int = 10) throws {
        data = SyntheticData.generate(SyntheticConfiguration(userCount: users, itemCount: items, segmentCount: segments,
                                                             interactionsPerUser: 20, seed: 7))
        split = try StrongGeneralizationSplit(interactions: data.dataset.interactions, testUserCount: 200, seed: 3)
        folds = try split.testFolds()
    }

    func recall<Model: Recommender>(_ model: Model, threads: Int = 2) throws -> Double {
        try Evaluator(threadCount: threads).evaluate(model, on: folds).metrics["recall@20"]!
    }
}

@Test func sameSeedAndThreadsGiveBitIdenticalModels() throws {
    let problem = try PlantedProblem(users: 400, items: 120)
    let configuration = TrainingConfiguration(dimension: 16, epochs: 2, batchSize: 64, maxOutput: 60, threads: 2, seed: 9)
    let first = DenseELSATrainer(itemCount: 120, configuration: configuration)
    first.train(problem.split.train)
    let second = DenseELSATrainer(itemCount: 120, configuration: configuration)
    second.train(problem.split.train)
    #expect(first.parameters == second.parameters)
    #expect(first.history.map(\.loss) == second.history.map(\.loss))
    var other = configuration
    other.seed = 10
    let third = DenseELSATrainer(itemCount: 120, configuration: other)
    third.train(problem.split.train)
    #expect(third.parameters != first.parameters)
}

@Test func denseELSARecoversPlantedStructureAndThreadCountDoesNotChangeMetrics() throws {
    let problem = try PlantedProblem()
    let popularity = try problem.recall(PopularityRecommender(interactions: problem.split.train))
    var recalls: [Double] = []
    for threads in [1, 2] {
        let trainer = DenseELSATrainer(itemCount: 300, configuration: TrainingConfiguration(
            dimension: 32, epochs: 8, batchSize: 128, threads: threads, seed: 1))
        trainer.train(problem.split.train)
        #expect(trainer.history.last!.loss < trainer.history.first!.loss)
        let model = trainer.model(itemIDs: problem.data.dataset.itemIDs)
        recalls.append(try problem.recall(model, threads: threads))
    }
    #expect(recalls[0] > 3 * popularity, "ELSA \(recalls[0]) against popularity \(popularity)")
    #expect(recalls[0] > 0.5)
    #expect(abs(recalls[0] - recalls[1]) < 1e-3, "1 thread \(recalls[0]), 2 threads \(recalls[1])")
}
