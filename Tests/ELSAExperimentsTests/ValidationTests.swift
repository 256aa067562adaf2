import Testing
import ELSAData
import ELSAEvaluation
import ELSAModels
import ELSATraining
@testable import ELSAExperiments

/// A planted data set split into training, validation and test users.
private func plantedSplit() throws -> (data: SyntheticDataset, split: StrongGeneralizationSplit) {
    let data = SyntheticData.generate(SyntheticConfiguration(userCount: 500, itemCount: 120, segmentCount: 6,
                                                             interactionsPerUser: 15, seed: 5))
    let split = try StrongGeneralizationSplit(interactions: data.dataset.interactions, testUserCount: 80,
                                              validationUserCount: 60, seed: 4)
    return (data, split)
}

@Test func validationMetricsOfEachEpochAreThoseOfThatEpochsModel() throws {
    let (data, split) = try plantedSplit()
    let ids = data.dataset.itemIDs
    let folds = try split.validationFolds()
    let schedule = try SparsificationSchedule.make(.exponential, dimension: 16, targetNonzeros: 4, epochsPerStage: 1, targetEpochs: 4)
    for keepBest in [false, true] {
        let tracker = ValidationTracker(folds: folds, itemIDs: ids, threads: 2, keepBest: keepBest)
        let trainer = CompressedELSATrainer(itemCount: ids.count, configuration: TrainingConfiguration(dimension: 16, batchSize: 64, seed: 3),
                                            schedule: schedule, restart: true)
        var models: [Int: ELSAModel] = [:]
        let last = schedule.stages.count - 1
        for index in schedule.stages.indices {
            trainer.runStage(index, on: split.train, afterEpoch: index < last ? nil : { epoch in
                #expect(epoch == trainer.history.count + 1)  // the number of the epoch just trained
                let model = trainer.model(itemIDs: ids)
                models[epoch] = model
                return tracker.evaluate(model, epoch: epoch)
            })
        }
        // Only the epochs at the target carry validation metrics, each equal to an evaluation of that epoch's model.
        let evaluated = trainer.history.filter { $0.validation != nil }
        #expect(evaluated.map(\.epoch) == Array((trainer.history.count - 3)...trainer.history.count))
        #expect(evaluated.allSatisfy { $0.k == 4 })
        var recalls: [Int: Double] = [:]
        for report in evaluated {
            let direct = try Evaluator(threadCount: 1).evaluate(try #require(models[report.epoch]), on: folds).metrics
            #expect(report.validation == direct)
            recalls[report.epoch] = direct["recall@20"]!
        }
        // The tracker's best is the earliest epoch with the highest validation recall.
        let bestRecall = recalls.values.max()!
        let bestEpoch = recalls.filter { $0.value == bestRecall }.keys.min()!
        let best = try #require(tracker.best)
        #expect(best.epoch == bestEpoch && best.recall == bestRecall)
        #expect((best.model != nil) == keepBest)
        if let model = best.model { #expect(model.embedding == models[bestEpoch]!.embedding) }
        #expect(tracker.failure == nil)
    }
}

@Test func denseTrainerStoresWhatTheEpochHookReturns() throws {
    let (data, split) = try plantedSplit()
    let trainer = DenseELSATrainer(itemCount: data.dataset.itemCount, configuration: TrainingConfiguration(dimension: 8, epochs: 3, batchSize: 64, seed: 1))
    var calls = 0
    trainer.train(split.train) { epoch in
        calls += 1
        #expect(epoch == calls)
        #expect(trainer.history.count == calls - 1)  // runs before the epoch is recorded
        return ["calls": Double(calls)]
    }
    #expect(trainer.history.map { $0.validation?["calls"] } == [1, 2, 3])
}

@Test func validationUsersLeaveTheTestUsersAlone() throws {
    let (data, _) = try plantedSplit()
    let without = try StrongGeneralizationSplit(interactions: data.dataset.interactions, testUserCount: 80, seed: 4)
    let with = try StrongGeneralizationSplit(interactions: data.dataset.interactions, testUserCount: 80, validationUserCount: 60, seed: 4)
    #expect(with.testUsers == without.testUsers)
    #expect(Set(with.validationUsers).isDisjoint(with: with.trainUsers) && with.trainUsers.count == without.trainUsers.count - 60)
    #expect(try with.testFolds() == without.testFolds())
}

@Test func aResumedTrackerKeepsTheBestEpochFromBeforeTheCheckpoint() throws {
    let (data, split) = try plantedSplit()
    let ids = data.dataset.itemIDs
    let folds = try split.validationFolds()
    let trainer = DenseELSATrainer(itemCount: ids.count, configuration: TrainingConfiguration(dimension: 8, epochs: 2, batchSize: 64, seed: 1))
    trainer.train(split.train)
    let model = trainer.model(itemIDs: ids)
    let recall = try Evaluator(threadCount: 1).evaluate(model, on: folds).metrics["recall@20"]!
    for keepBest in [false, true] {
        let before = ValidationTracker(folds: folds, itemIDs: ids, threads: 2, keepBest: keepBest)
        _ = before.evaluate(model, epoch: 2)
        let kept = try #require(before.keptEpoch)
        #expect(kept.epoch == 2 && kept.recall == recall)
        #expect((kept.normalizedMatrix != nil) == keepBest)

        // The resumed run's tracker starts from the kept epoch: a worse later epoch does not replace it,
        // and the kept model scores exactly as the original did.
        let after = ValidationTracker(folds: folds, itemIDs: ids, threads: 2, keepBest: keepBest)
        after.restore(kept)
        let untrained = DenseELSATrainer(itemCount: ids.count, configuration: TrainingConfiguration(dimension: 8, epochs: 1, batchSize: 64, seed: 1))
        let worse = try #require(after.evaluate(untrained.model(itemIDs: ids), epoch: 3))["recall@20"]!
        #expect(worse < recall)
        let best = try #require(after.best)
        #expect(best.epoch == 2 && best.recall == recall)
        #expect((best.model != nil) == keepBest)
        if let restored = best.model { #expect(restored.embedding == model.embedding) }
    }
}
