import ELSABaselines
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
@testable import ELSATraining
import _ELSASupport

/// A random pattern with k entries per row and values from a scaled Xavier matrix.
func randomPattern(items: Int, dimension: Int, k: Int, seed: UInt64) -> FixedPatternEmbedding {
    var dense = XavierInitializer.matrix(rows: items, columns: dimension, seed: seed)
    for i in dense.storage.indices { dense.storage[i] *= 3 }
    return FixedPatternEmbedding(topKOf: dense, nonzerosPerRow: k, threads: 1)
}

func mask(of pattern: FixedPatternEmbedding) -> [UInt8] {
    var mask = [UInt8](repeating: 0, count: pattern.itemCount * pattern.dimension)
    let k = pattern.nonzerosPerRow
    for item in 0..<pattern.itemCount {
        for p in (item * k)..<((item + 1) * k) { mask[item * pattern.dimension + Int(pattern.columnIndices[p])] = 1 }
    }
    return mask
}

/// The sparse gradient (aligned with `pattern.values`) equals the dense one at the stored entries, to 1e-5 of its largest entry.
func expectGradientAtStoredEntries(_ sparseGradient: [Float], equals denseGradient: DenseMatrix, pattern: FixedPatternEmbedding,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
    let k = pattern.nonzerosPerRow
    var worst: Float = 0, largest: Float = 0
    for item in 0..<pattern.itemCount {
        for p in (item * k)..<((item + 1) * k) {
            let expected = denseGradient[item, Int(pattern.columnIndices[p])]
            worst = max(worst, abs(sparseGradient[p] - expected))
            largest = max(largest, abs(expected))
        }
    }
    #expect(largest > 0, sourceLocation: sourceLocation)
    #expect(worst <= 1e-5 * largest, "worst difference \(worst) against largest entry \(largest)", sourceLocation: sourceLocation)
}

@Test(arguments: [(3, Int.max, 1, false), (3, 9, 2, false), (6, Int.max, 2, false), (3, Int.max, 2, true), (6, 9, 1, true)])
func sparseGradientEqualsDenseMaskedGradient(k: Int, maxOutput: Int, threads: Int, droppedInput: Bool) {
    let items = 12, d = 8
    let pattern = randomPattern(items: items, dimension: d, k: k, seed: 21)
    let rows = smallBatchRows(items: items)
    var generator = SeededGenerator(seed: 4)
    let batch = TrainingBatch(rows: rows, inputRows: droppedInput ? smallBatchInput(items: items) : nil,
                              maxOutput: maxOutput, generator: &generator)
    let (sparseLoss, sparseGradient) = SparseTrainingStep(threads: threads).gradient(batch: batch, weights: pattern, activation: .relu6)
    let (denseLoss, denseGradient) = DenseTrainingStep(threads: 1).gradient(batch: batch, parameters: pattern.toDense(),
                                                                            activation: .relu6, mask: mask(of: pattern))
    #expect(abs(sparseLoss - denseLoss) < 1e-6)
    expectGradientAtStoredEntries(sparseGradient, equals: denseGradient, pattern: pattern)
    // The dense masked gradient is zero off the pattern.
    let m = mask(of: pattern)
    for index in m.indices where m[index] == 0 { #expect(denseGradient.storage[index] == 0) }
}

@Test(arguments: [false, true])
func sparseGradientMatchesFiniteDifferencesAtStoredEntries(droppedInput: Bool) {
    let items = 12, d = 8, k = 4
    let pattern = randomPattern(items: items, dimension: d, k: k, seed: 33)
    let rows = smallBatchRows(items: items)
    let input = droppedInput ? smallBatchInput(items: items) : nil
    let batch = TrainingBatch(rows: rows, inputRows: input, outputs: OutputItemSelection(allItemsOf: items))
    let (loss, gradient) = SparseTrainingStep(threads: 1).gradient(batch: batch, weights: pattern, activation: .relu6)
    let base = pattern.toDense().storage.map(Double.init)
    let outputs = Array(0..<items)
    func reference(_ a: [Double]) -> Double {
        referenceLoss(parameters: a, items: items, dimension: d, rows: rows, inputRows: input, outputs: outputs, activation: .relu6)
    }
    #expect(abs(loss - reference(base)) < 1e-5)
    var differenceSquared = 0.0, normSquared = 0.0
    let h = 1e-5
    for item in 0..<items {
        for p in (item * k)..<((item + 1) * k) {
            let index = item * d + Int(pattern.columnIndices[p])
            var plus = base, minus = base
            plus[index] += h; minus[index] -= h
            let numeric = (reference(plus) - reference(minus)) / (2 * h)
            differenceSquared += (Double(gradient[p]) - numeric) * (Double(gradient[p]) - numeric)
            normSquared += numeric * numeric
        }
    }
    #expect(normSquared > 1e-12)
    #expect((differenceSquared / normSquared).squareRoot() < 1e-3)
}

@Test func restartingRewindsToInitializationTimesMask() throws {
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let schedule = try SparsificationSchedule.stepwise(dimension: 16, targetNonzeros: 4, stages: [16, 8], epochsPerStage: 1)
    for fraction in [0.0, 1.0] {  // dense masked path (every k > 0 · d) and sparse path
        let trainer = CompressedELSATrainer(itemCount: 80, configuration: TrainingConfiguration(dimension: 16, batchSize: 64, seed: 2),
                                            schedule: schedule, restart: true, densePathFraction: fraction)
        trainer.train(problem.split.train)
        // After the sparse stage only the initial values at its pattern are kept: 4 B of value and 4 B of index per entry.
        #expect(trainer.initialValues.storedBytes == 8 * 80 * 4)
        let initial = XavierInitializer.matrix(rows: 80, columns: 16, seed: 2)
        // Re-enter a stage by hand: the pattern is TopK of the trained weights, the values the initial ones.
        let trained = trainer.currentEmbedding!
        trainer.enterStage(k: 2, first: false)
        let rewound = trainer.currentEmbedding!
        let expectedPattern = FixedPatternEmbedding(topKOf: trained, nonzerosPerRow: 2, threads: 1)
        #expect(rewound.columnIndices == expectedPattern.columnIndices)
        for item in 0..<80 {
            for p in (item * 2)..<((item + 1) * 2) {
                #expect(rewound.values[p] == initial[item, Int(rewound.columnIndices[p])])
            }
        }
        if fraction == 1.0 { continue }  // sparse path: no dense matrix
        // Dense path (the old matrix is rewritten in place): exactly init ⊙ mask, no trained value left.
        let dense = try #require(trainer.currentDense)
        var expected = DenseMatrix(rows: 80, columns: 16)
        for item in 0..<80 {
            for p in (item * 2)..<((item + 1) * 2) {
                let column = Int(rewound.columnIndices[p])
                expected[item, column] = initial[item, column]
            }
        }
        #expect(dense.storage == expected.storage)
    }
}

@Test func carryingOptimizerStateKeepsTheMomentsOfSurvivingEntries() throws {
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let schedule = try SparsificationSchedule.stepwise(dimension: 16, targetNonzeros: 4, stages: [16, 8], epochsPerStage: 1)
    for fraction in [0.0, 1.0] {  // dense masked path and sparse path
        let trainer = CompressedELSATrainer(itemCount: 80, configuration: TrainingConfiguration(dimension: 16, batchSize: 64, seed: 3),
                                            schedule: schedule, restart: false, carryOptimizerState: true, densePathFraction: fraction)
        trainer.train(problem.split.train)
        let before = trainer.currentEmbedding!
        let (momentum, velocity) = (trainer.optimizer.momentum, trainer.optimizer.velocity)
        #expect(momentum.contains { $0 != 0 })
        trainer.enterStage(k: 3, first: false)
        let after = trainer.currentEmbedding!
        let dense = fraction == 0.0
        for item in 0..<80 {
            for p in (item * 3)..<((item + 1) * 3) {
                let latent = after.columnIndices[p]
                // Where this entry's moments lived before: the dense index, or its position in the old row.
                let width = before.nonzerosPerRow  // 4: the schedule's last stage
                let old = dense ? item * 16 + Int(latent)
                    : try #require(before.columnIndices[(item * width)..<((item + 1) * width)].firstIndex(of: latent))
                let new = dense ? item * 16 + Int(latent) : p
                #expect(trainer.optimizer.momentum[new] == momentum[old])
                #expect(trainer.optimizer.velocity[new] == velocity[old])
            }
        }
        if dense {  // entries that left the pattern start fresh
            var stored = Set<Int>()
            for item in 0..<80 { for p in (item * 3)..<((item + 1) * 3) { stored.insert(item * 16 + Int(after.columnIndices[p])) } }
            for index in 0..<(80 * 16) where !stored.contains(index) {
                #expect(trainer.optimizer.momentum[index] == 0 && trainer.optimizer.velocity[index] == 0)
            }
        }
    }
}

@Test func compressedELSAKeepsMostOfDenseAccuracyOnPlantedData() throws {
    let problem = try PlantedProblem()
    let dense = DenseELSATrainer(itemCount: 300, configuration: TrainingConfiguration(dimension: 64, epochs: 8, batchSize: 128, seed: 1))
    dense.train(problem.split.train)
    let denseRecall = try problem.recall(dense.model(itemIDs: problem.data.dataset.itemIDs))
    let schedule = try SparsificationSchedule.exponential(dimension: 64, targetNonzeros: 8, epochsPerStage: 2)
    let compressed = CompressedELSATrainer(itemCount: 300, configuration: TrainingConfiguration(dimension: 64, batchSize: 128, seed: 1),
                                           schedule: schedule, restart: true)
    compressed.train(problem.split.train)
    #expect(compressed.history.count == schedule.totalEpochs)
    #expect(compressed.history.last!.k == 8)
    let model = compressed.model(itemIDs: problem.data.dataset.itemIDs)
    #expect(model.embedding.nonzerosPerRow == 8)
    let sparseRecall = try problem.recall(model)
    let popularity = try problem.recall(PopularityRecommender(interactions: problem.split.train))
    #expect(sparseRecall > 3 * popularity)
    #expect(sparseRecall > 0.9 * denseRecall, "compressed \(sparseRecall), dense \(denseRecall)")
}

@Test func forkedSchedulesEqualSeparateRuns() throws {
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let configuration = TrainingConfiguration(dimension: 32, batchSize: 64, threads: 2, seed: 6)
    let initial = XavierInitializer.matrix(rows: 80, columns: 32, seed: 6)
    let schedules = try [4, 8, 16].map { try SparsificationSchedule.exponential(dimension: 32, targetNonzeros: $0, epochsPerStage: 2) }
    var forked: [Int: FixedPatternEmbedding] = [:]
    var epochs: [Int: Int] = [:]
    ScheduleForks.train(schedules, initial: initial, configuration: configuration, restart: true,
                        densePathFraction: 0.5, interactions: problem.split.train) { schedule, trainer in
        forked[schedule.targetNonzeros] = trainer.currentEmbedding
        epochs[schedule.targetNonzeros] = trainer.history.count
    }
    for schedule in schedules {
        let separate = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: true,
                                             densePathFraction: 0.5)
        separate.train(problem.split.train)
        #expect(separate.currentEmbedding == forked[schedule.targetNonzeros], "target \(schedule.targetNonzeros)")
        #expect(epochs[schedule.targetNonzeros] == schedule.totalEpochs)
    }
}

@Test func oneSparseStepServesPatternsOfDifferentWidthsAndBatchSizes() {
    let items = 30, d = 16
    let wide = randomPattern(items: items, dimension: d, k: 8, seed: 1)
    let narrow = randomPattern(items: items, dimension: d, k: 2, seed: 2)
    let step = SparseTrainingStep(threads: 2)
    var generator = SeededGenerator(seed: 3)
    let big = TrainingBatch(rows: CSRMatrix(rows: 5, columns: items, binaryRows: [[0, 3], [4, 5, 9], [1], [20, 21], [7, 8]]),
                            maxOutput: Int.max, generator: &generator)
    let small = TrainingBatch(rows: CSRMatrix(rows: 2, columns: items, binaryRows: [[0, 1], [2]]), maxOutput: 12, generator: &generator)
    for batch in [big, small, big] {
        for pattern in [wide, narrow] {
            let shared = step.gradient(batch: batch, weights: pattern, activation: .relu6)
            let fresh = SparseTrainingStep(threads: 2).gradient(batch: batch, weights: pattern, activation: .relu6)
            #expect(shared.loss == fresh.loss)
            #expect(shared.gradient == fresh.gradient)
        }
    }
}

@Test func forkedSchedulesCallTheTargetHookAfterEachEpochAtTheirTargetOnly() throws {
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let configuration = TrainingConfiguration(dimension: 32, batchSize: 64, threads: 2, seed: 6)
    let initial = XavierInitializer.matrix(rows: 80, columns: 32, seed: 6)
    let schedules = try [4, 8].map {
        try SparsificationSchedule.make(.exponential, dimension: 32, targetNonzeros: $0, epochsPerStage: 1, targetEpochs: 3)
    }
    var calls: [(target: Int, epoch: Int, k: Int?)] = []
    var finished: [Int: CompressedELSATrainer] = [:]
    ScheduleForks.train(schedules, initial: initial, configuration: configuration, restart: true, densePathFraction: 0.5,
                        interactions: problem.split.train,
                        afterTargetEpoch: { schedule, trainer, epoch in
                            calls.append((schedule.targetNonzeros, epoch, trainer.currentEmbedding?.nonzerosPerRow))
                            return ["target": Double(schedule.targetNonzeros), "epoch": Double(epoch)]
                        }) { schedule, trainer in finished[schedule.targetNonzeros] = trainer }
    for schedule in schedules {
        let target = schedule.targetNonzeros
        let trainer = try #require(finished[target])
        // Called after each of the three epochs of the last stage, holding that stage's k, and nowhere else.
        let expectedEpochs = Array((schedule.totalEpochs - 2)...schedule.totalEpochs)
        #expect(calls.filter { $0.target == target }.map(\.epoch) == expectedEpochs)
        #expect(calls.filter { $0.target == target }.allSatisfy { $0.k == target })
        #expect(trainer.history.filter { $0.validation != nil }.map(\.epoch) == expectedEpochs)
        for report in trainer.history where report.validation != nil {
            #expect(report.validation == ["target": Double(target), "epoch": Double(report.epoch)])
        }
        // The hook does not change the training.
        let separate = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: true,
                                             densePathFraction: 0.5)
        separate.train(problem.split.train)
        #expect(separate.currentEmbedding == trainer.currentEmbedding, "target \(target)")
    }
}
