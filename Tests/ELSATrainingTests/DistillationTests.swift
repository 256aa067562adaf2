import ELSABaselines
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
@testable import ELSATraining
import _ELSASupport

/// A teacher of d_t = 5 over `items` items, scaled so that many of its predictions are positive.
private func teacherMatrix(items: Int) -> DenseMatrix {
    var matrix = XavierInitializer.matrix(rows: items, columns: 5, seed: 77)
    for i in matrix.storage.indices { matrix.storage[i] *= 3 }
    return matrix
}

@Test(arguments: [(Int.max, false), (9, false), (Int.max, true), (9, true)])
func teacherTargetsAreTheTeachersActivatedPredictions(maxOutput: Int, droppedInput: Bool) {
    let items = 12
    let teacherItems = teacherMatrix(items: items)
    let rows = smallBatchRows(items: items)
    let input = droppedInput ? smallBatchInput(items: items) : nil
    var generator = SeededGenerator(seed: 8)
    let batch = TrainingBatch(rows: rows, inputRows: input, maxOutput: maxOutput, generator: &generator)
    for threads in [1, 2] {
        let teacher = DistillationTeacher(itemMatrix: teacherItems, weight: 0.3, activation: .relu6, threads: threads)
        let targets = teacher.targets(for: batch)
        #expect(targets.weight == 0.3)
        #expect(targets.predictions.rows == batch.outputs.count && targets.predictions.columns == rows.rows)
        let outputs = batch.outputs.items.map(Int.init)
        var positive = 0
        for u in 0..<rows.rows {
            let expected = referencePredictions(parameters: teacherItems.storage.map(Double.init), items: items, dimension: 5,
                                                input: Set((input ?? rows).columns(ofRow: u).map(Int.init)),
                                                outputs: outputs, activation: .relu6)
            for (o, value) in expected.enumerated() {
                #expect(abs(Double(targets.predictions[o, u]) - value) < 1e-5, "output \(o), user \(u)")
                if value > 0 { positive += 1 }
            }
        }
        #expect(positive > 0, "the check needs positive teacher predictions")
    }
}

/// An item-item teacher's weights (items x items, zero diagonal) with positive and negative entries.
private func itemItemWeights(items: Int) -> DenseMatrix {
    var weights = XavierInitializer.matrix(rows: items, columns: items, seed: 91)
    for i in weights.storage.indices { weights.storage[i] *= 4 }
    for i in 0..<items { weights[i, i] = 0 }
    return weights
}

@Test(arguments: [(Int.max, false), (9, false), (Int.max, true), (9, true)])
func itemItemTeacherTargetsAreActivatedHistoryTimesWeights(maxOutput: Int, droppedInput: Bool) {
    let items = 12
    let weights = itemItemWeights(items: items)
    let rows = smallBatchRows(items: items)
    let input = droppedInput ? smallBatchInput(items: items) : nil
    var generator = SeededGenerator(seed: 8)
    let batch = TrainingBatch(rows: rows, inputRows: input, maxOutput: maxOutput, generator: &generator)
    for threads in [1, 2] {
        let targets = DistillationTeacher(itemItemWeights: weights, weight: 0.7, activation: .relu6, threads: threads).targets(for: batch)
        #expect(targets.weight == 0.7)
        #expect(targets.predictions.rows == batch.outputs.count && targets.predictions.columns == rows.rows)
        var positive = 0, clipped = 0
        for u in 0..<rows.rows {
            let history = (input ?? rows).columns(ofRow: u).map(Int.init)
            for (o, item) in batch.outputs.items.map(Int.init).enumerated() {
                // relu6(sum over the (kept) history of B[j, item]), in Double.
                let score = history.reduce(0.0) { $0 + Double(weights[$1, item]) }
                let expected = min(6, max(0, score))
                #expect(abs(Double(targets.predictions[o, u]) - expected) < 1e-5, "output \(o), user \(u)")
                if expected > 0 { positive += 1 }
                if score > 6 || score < 0 { clipped += 1 }
            }
        }
        #expect(positive > 0 && clipped > 0, "the check needs positive and clipped predictions")
    }
}

@Test func anEASETeacherPredictsWhatEASEScores() throws {
    let interactions = CSRMatrix(rows: 10, columns: 12, binaryRows: [[0, 1], [2, 3, 4], [0, 2, 5], [6], [1, 2], [7, 8], [3, 9],
                                                                     [3, 4, 6, 8], [10, 11], [0, 7]])
    let ease = try EASE(interactions: interactions, lambda: 0.5, threads: 1)
    let batch = TrainingBatch(rows: interactions, outputs: OutputItemSelection(allItemsOf: 12))
    let targets = DistillationTeacher(itemItemWeights: ease.weights, weight: 0.5, activation: .relu, threads: 2).targets(for: batch)
    let scores = ease.scores(for: interactions)
    var positive = 0
    for u in 0..<10 {
        for item in 0..<12 {
            #expect(abs(targets.predictions[item, u] - max(0, scores[u, item])) < 1e-6, "user \(u), item \(item)")
            if scores[u, item] > 0 { positive += 1 }
        }
    }
    #expect(positive > 0)
}

@Test(arguments: [(Activation.relu6, Int.max, false, 0.5), (Activation.relu, 10, false, 0.25), (Activation.relu6, Int.max, true, 1.0)])
func distilledDenseGradientMatchesFiniteDifferences(activation: Activation, maxOutput: Int, droppedInput: Bool, weight: Double) {
    let items = 12, d = 6
    var parameters = XavierInitializer.matrix(rows: items, columns: d, seed: 11)
    for i in parameters.storage.indices { parameters.storage[i] *= 3 }
    let teacherItems = teacherMatrix(items: items)
    let rows = smallBatchRows(items: items)
    let input = droppedInput ? smallBatchInput(items: items) : nil
    var generator = SeededGenerator(seed: 5)
    let batch = TrainingBatch(rows: rows, inputRows: input, maxOutput: maxOutput, generator: &generator)
    let teacher = DistillationTeacher(itemMatrix: teacherItems, weight: weight, activation: activation, threads: 1)
    let (loss, gradient) = DenseTrainingStep(threads: 1).gradient(batch: batch, parameters: parameters, activation: activation,
                                                                  teacher: teacher.targets(for: batch))
    let outputs = batch.outputs.items.map(Int.init)
    let base = parameters.storage.map(Double.init)
    let teacherParameters = (parameters: teacherItems.storage.map(Double.init), dimension: 5, weight: weight)
    func reference(_ a: [Double]) -> Double {
        referenceLoss(parameters: a, items: items, dimension: d, rows: rows, inputRows: input, outputs: outputs,
                      activation: activation, teacher: teacherParameters)
    }
    #expect(abs(loss - reference(base)) < 1e-5 * max(1, abs(reference(base))))
    // The teacher's term changes the loss: the check would not notice a teacher that is ignored.
    let plain = referenceLoss(parameters: base, items: items, dimension: d, rows: rows, inputRows: input, outputs: outputs, activation: activation)
    #expect(abs(plain - reference(base)) > 1e-3 * abs(plain))
    var differenceSquared = 0.0, normSquared = 0.0
    let h = 1e-5
    for index in base.indices {
        var plus = base, minus = base
        plus[index] += h; minus[index] -= h
        let numeric = (reference(plus) - reference(minus)) / (2 * h)
        let analytic = Double(gradient.storage[index])
        differenceSquared += (analytic - numeric) * (analytic - numeric)
        normSquared += numeric * numeric
    }
    #expect(normSquared > 1e-12, "the check needs a nonzero gradient")
    let relativeError = (differenceSquared / normSquared).squareRoot()
    #expect(relativeError < 1e-3, "relative error \(relativeError)")
}

@Test(arguments: [(3, Int.max, 1), (6, 9, 2)])
func distilledSparseGradientEqualsDenseMaskedGradient(k: Int, maxOutput: Int, threads: Int) {
    let items = 12, d = 8
    let pattern = randomPattern(items: items, dimension: d, k: k, seed: 21)
    var generator = SeededGenerator(seed: 4)
    let batch = TrainingBatch(rows: smallBatchRows(items: items), maxOutput: maxOutput, generator: &generator)
    let targets = DistillationTeacher(itemMatrix: teacherMatrix(items: items), weight: 0.6, activation: .relu6, threads: threads)
        .targets(for: batch)
    let (sparseLoss, sparseGradient) = SparseTrainingStep(threads: threads).gradient(batch: batch, weights: pattern, activation: .relu6,
                                                                                    teacher: targets)
    let (denseLoss, denseGradient) = DenseTrainingStep(threads: 1).gradient(batch: batch, parameters: pattern.toDense(), activation: .relu6,
                                                                            mask: mask(of: pattern), teacher: targets)
    let (plainLoss, plainGradient) = SparseTrainingStep(threads: threads).gradient(batch: batch, weights: pattern, activation: .relu6)
    #expect(abs(sparseLoss - denseLoss) < 1e-6)
    #expect(abs(sparseLoss - plainLoss) > 1e-4 * plainLoss, "the teacher must change the loss")
    #expect(sparseGradient != plainGradient)
    expectGradientAtStoredEntries(sparseGradient, equals: denseGradient, pattern: pattern)
}

@Test func aTeacherOfWeightZeroLeavesTheStepUnchanged() {
    let items = 12, d = 8, k = 3
    let pattern = randomPattern(items: items, dimension: d, k: k, seed: 5)
    let batch = TrainingBatch(rows: smallBatchRows(items: items), outputs: OutputItemSelection(allItemsOf: items))
    let targets = DistillationTeacher(itemMatrix: teacherMatrix(items: items), weight: 0, activation: .relu6, threads: 1).targets(for: batch)
    let plain = SparseTrainingStep(threads: 1).gradient(batch: batch, weights: pattern, activation: .relu6)
    let distilled = SparseTrainingStep(threads: 1).gradient(batch: batch, weights: pattern, activation: .relu6, teacher: targets)
    #expect(plain.loss == distilled.loss)
    #expect(plain.gradient == distilled.gradient)
}

@Test func aStudentDistilledFromItsOwnTeacherMovesTowardTheTeachersPredictions() throws {
    // Weight 1: the student's only target is the teacher. Training a constant-schedule student on the
    // teacher's own pattern must bring its predictions' cosine to the teacher's closer to 1.
    let problem = try PlantedProblem(users: 300, items: 60)
    let configuration = TrainingConfiguration(dimension: 16, epochs: 1, batchSize: 64, threads: 2, seed: 3)
    let teacherTrainer = DenseELSATrainer(itemCount: 60, configuration: TrainingConfiguration(
        dimension: 16, epochs: 4, batchSize: 64, threads: 2, seed: 8))
    teacherTrainer.train(problem.split.train)
    let teacher = DistillationTeacher(itemMatrix: teacherTrainer.parameters, weight: 1, activation: .relu6, threads: 2)
    let schedule = try SparsificationSchedule.make(.constant, dimension: 16, targetNonzeros: 8, epochsPerStage: 6)
    let student = CompressedELSATrainer(itemCount: 60, configuration: configuration, schedule: schedule, restart: false)
    student.teacher = teacher
    student.train(problem.split.train)
    let losses = student.history.map(\.loss)
    #expect(losses.last! < 0.7 * losses.first!, "distillation losses \(losses)")
    // With the targets precomputed (half precision, gathered by user), training follows the same course.
    let cached = DistillationTeacher(itemMatrix: teacherTrainer.parameters, weight: 1, activation: .relu6, threads: 2)
    cached.precomputeTargets(of: problem.split.train)
    let twin = CompressedELSATrainer(itemCount: 60, configuration: configuration, schedule: schedule, restart: false)
    twin.teacher = cached
    twin.train(problem.split.train)
    // Every batch, and the extra step before each stage (`preStageStep`, on by default).
    #expect(cached.precomputedBatches == twin.history.count * ((problem.split.train.rows + 63) / 64) + schedule.stages.count)
    #expect(teacher.precomputedBatches == 0)
    for (first, second) in zip(losses, twin.history.map(\.loss)) {
        #expect(abs(first - second) <= 0.01 * first, "losses \(losses) against \(twin.history.map(\.loss))")
    }
}

@Test(arguments: [(Int.max, false), (9, false), (Int.max, true), (9, true)])
func precomputedTeacherTargetsMatchTheComputedOnes(maxOutput: Int, itemItem: Bool) {
    let items = 12
    // Ten users; the batch holds users 7, 2, 4 and 9 of them.
    let interactions = CSRMatrix(rows: 10, columns: items, binaryRows: [[0, 1], [2, 3, 4], [0, 2, 5], [6], [1, 2], [7, 8], [3, 9],
                                                                         [3, 4, 6, 8], [10, 11], [0, 7]])
    let users = [7, 2, 4, 9]
    var generator = SeededGenerator(seed: 6)
    var batch = TrainingBatch(rows: interactions.selectingRows(users), maxOutput: maxOutput, generator: &generator)
    func teacher() -> DistillationTeacher {
        itemItem ? DistillationTeacher(itemItemWeights: itemItemWeights(items: items), weight: 0.4, activation: .relu6, threads: 2)
                 : DistillationTeacher(itemMatrix: teacherMatrix(items: items), weight: 0.4, activation: .relu6, threads: 2)
    }
    let computing = teacher()
    let expected = computing.targets(for: batch).predictions
    let precomputed = teacher()
    precomputed.precomputeTargets(of: interactions, blockSize: 3)   // blocks that cut the data unevenly
    // Without the batch's users the cache cannot be used: the same computation, bit for bit.
    #expect(precomputed.targets(for: batch).predictions == expected)
    #expect(precomputed.precomputedBatches == 0)
    batch.users = users
    let gathered = precomputed.targets(for: batch)
    #expect(gathered.weight == 0.4)
    #expect(gathered.predictions.rows == expected.rows && gathered.predictions.columns == expected.columns)
    var positive = 0
    for index in expected.storage.indices {
        let value = expected.storage[index]
        // Half precision: 11 significant bits.
        #expect(abs(gathered.predictions.storage[index] - value) <= 1e-3 * max(1, abs(value)), "entry \(index)")
        if value > 0 { positive += 1 }
    }
    #expect(positive > 0)
    // Input dropout changes a user's targets: the cache is not used.
    var dropped = TrainingBatch(rows: interactions.selectingRows(users), inputRows: CSRMatrix(rows: 4, columns: items,
                                binaryRows: [[3, 6], [0], [1, 2], []]), outputs: batch.outputs)
    dropped.users = users
    #expect(precomputed.targets(for: dropped).predictions == computing.targets(for: dropped).predictions)
}
