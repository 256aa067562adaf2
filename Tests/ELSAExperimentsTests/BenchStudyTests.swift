import ELSABaselines
import Foundation
import Testing
import ELSAData
import ELSAEvaluation
import ELSAModels
import ELSASparse
@testable import ELSAExperiments

/// 300 users x 80 items of the embedded synthetic data, 40 test users: the study of the option tests.
func smallStudyExperiment() throws -> Experiment {
    let source = DatasetSource.embeddedSynthetic(SyntheticConfiguration(userCount: 300, itemCount: 80, segmentCount: 4,
                                                                       interactionsPerUser: 10, seed: 4))
    return try Experiment(source: source, testUsers: 40, seed: 6, threads: 2)
}

func tinyStudyPreset() -> BenchPreset {
    BenchPreset(name: "test", dimension: 32, epochsPerStage: 1, denseEpochs: 2, batchSize: 64, budgets: [64, 32], lambda: 10,
                testUsers: 60, maxOutput: Int.max, saeHidden: 64, saeEpochs: 2)
}

@Test func studyWritesEveryOutputAndResumesWithoutRetraining() throws {
    let source = DatasetSource.embeddedSynthetic(SyntheticConfiguration(userCount: 400, itemCount: 120, segmentCount: 6,
                                                                       interactionsPerUser: 12, seed: 3))
    let experiment = try Experiment(source: source, testUsers: 60, seed: 5, threads: 2)
    let directory = temporaryDirectory().path
    var lines: [String] = []
    let study = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: directory, ablation: false) { lines.append($0) }
    try study.run()
    // Every planned run finished, one file each.
    #expect(study.runs.count == study.runIDs.count)
    for id in study.runIDs { #expect(FileManager.default.fileExists(atPath: "\(directory)/runs/\(id).json"), "\(id)") }
    for file in ["table.md", "runs.json", "runs.csv", "recall.svg", "speed.md"] {
        #expect(FileManager.default.fileExists(atPath: "\(directory)/\(file)"), "\(file)")
    }
    let table = try String(contentsOfFile: "\(directory)/table.md", encoding: .utf8)
    for method in ["Compressed ELSA (exponential, restart)", "Sparse training, constant k", "Dense ELSA at the budget (d = 2k)",
                   "Dense ELSA pruned to top-k after training", "Dense ELSA + CompresSAE (top-k sparse autoencoder)", "Dense ELSA + CompresSAE, codes tuned by compressed ELSA",
                   "EASE pruned to top-k"] {
        #expect(table.contains("| \(method) |"), "\(method) missing from the table")
    }
    // Tuned codes: the same autoencoder's codes (its seconds counted) plus the tuning epochs at k.
    for budget in tinyStudyPreset().budgets {
        let codes = try #require(study.runs.first { $0.id == "compressae-k\(budget / 8)" })
        let tuned = try #require(study.runs.first { $0.id == "compressae-tuned-k\(budget / 8)" })
        #expect(tuned.epochs.map(\.k) == Array(repeating: budget / 8, count: BenchStudy.compressaeTuneEpochs))
        #expect(tuned.trainSeconds > codes.trainSeconds && tuned.dimension == codes.dimension)
    }
    // Byte accounting: sparse runs 8 B per nonzero, dense runs 4 B per factor.
    for run in study.runs where run.budget != nil { #expect(run.bytesPerItem == run.budget) }
    let csv = try String(contentsOfFile: "\(directory)/runs.csv", encoding: .utf8)
    #expect(csv.split(separator: "\n").count == study.runIDs.count + 1)
    let svg = try String(contentsOfFile: "\(directory)/recall.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<svg") && svg.contains("</svg>") && svg.contains("<polyline"))
    // A second start finds every run on disk and trains nothing.
    var secondLines: [String] = []
    let again = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: directory, ablation: false) { secondLines.append($0) }
    try again.run()
    #expect(secondLines.first?.contains("\(study.runIDs.count) already done") == true)
    #expect(!secondLines.contains { $0.contains("epoch") })
    #expect(again.orderedRuns().map(\.metrics) == study.orderedRuns().map(\.metrics))
    // A lost tuned run is trained again from the saved codes (no second autoencoder), to the same metrics.
    let lost = "compressae-tuned-k\(tinyStudyPreset().budgets[0] / 8)"
    try FileManager.default.removeItem(atPath: "\(directory)/runs/\(lost).json")
    var thirdLines: [String] = []
    let third = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: directory, ablation: false) { thirdLines.append($0) }
    try third.run()
    #expect(!thirdLines.contains { $0.contains("CompresSAE h =") })
    #expect(third.runs.first { $0.id == lost }?.metrics == study.runs.first { $0.id == lost }?.metrics)
}

@Test func distinctEpochsCountSharedStagesOnce() throws {
    let schedules = try [4, 8].map { try ELSATrainingSchedules.exponential(dimension: 32, target: $0, epochsPerStage: 2) }
    // k_i = floor(32 / 2^(i/2 + 1)): target 4 runs 32, 11, 8, 5 (one epoch each), then 2 epochs at 4: 6 epochs.
    // Target 8 runs 32, 11, then 2 epochs at 8: it shares the first two stages and adds 2 epochs.
    #expect(schedules[0].stages.map(\.k) == [32, 11, 8, 5, 4])
    #expect(schedules[1].stages.map(\.k) == [32, 11, 8])
    #expect(BenchStudy.distinctEpochKs(schedules).count == 6 + 2)
}

import ELSATraining
enum ELSATrainingSchedules {
    static func exponential(dimension: Int, target: Int, epochsPerStage: Int) throws -> SparsificationSchedule {
        try SparsificationSchedule.exponential(dimension: dimension, targetNonzeros: target, epochsPerStage: epochsPerStage)
    }
}

@Test func studyRefusesRunsOfAnotherStudy() throws {
    let source = DatasetSource.embeddedSynthetic(SyntheticConfiguration(userCount: 300, itemCount: 80, segmentCount: 4,
                                                                       interactionsPerUser: 10, seed: 4))
    let experiment = try Experiment(source: source, testUsers: 40, seed: 5, threads: 1)
    let directory = temporaryDirectory().path
    var preset = tinyStudyPreset()
    preset.budgets = [32]
    try BenchStudy(experiment: experiment, preset: preset, outputDirectory: directory, ablation: false) { _ in }.run()
    var other = preset
    other.dimension = 16
    #expect(throws: BenchError.self) {
        try BenchStudy(experiment: experiment, preset: other, outputDirectory: directory, ablation: false) { _ in }.run()
    }
}

@Test func staleCacheIsRebuiltFromTheSource() throws {
    let directory = temporaryDirectory()
    let data = directory.appendingPathComponent("data.txt").path
    try "0 0 1 2 3 4\n1 1 2 3 4 5 6\n2 0 2 4 5 6\n".write(toFile: data, atomically: true, encoding: .utf8)
    let cache = directory.appendingPathComponent("data.cache").path
    var source = DatasetSource(path: data, format: .adjacency, preprocessing: .keepAll, cachePath: cache)
    let first = try source.load()
    #expect(first.report != nil)                       // read from text, cache written
    #expect(try source.load().report == nil)           // the cache is current: loaded from it
    source.preprocessing = PreprocessingOptions(minRating: nil, minUserSupport: 6, minItemSupport: 1)
    let refiltered = try source.load()
    #expect(refiltered.report != nil)                  // other options: rebuilt, not the stale cache
    #expect(refiltered.dataset.userCount == 1)
}

@Test func onlySelectedFamiliesRun() throws {
    let source = DatasetSource.embeddedSynthetic(SyntheticConfiguration(userCount: 300, itemCount: 80, segmentCount: 4,
                                                                       interactionsPerUser: 10, seed: 4))
    let experiment = try Experiment(source: source, testUsers: 40, seed: 5, threads: 1)
    let directory = temporaryDirectory().path
    let study = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: directory, ablation: false) { _ in }
    study.only = ["ease", "pruned"]
    try study.run()
    let ids = Set(study.runs.map(\.id))
    #expect(ids == ["ease", "ease-pruned-k8", "ease-pruned-k4", "elsa-full", "elsa-pruned-k8", "elsa-pruned-k4"])
    // One schedule family alone, in a fresh folder: its runs and nothing else.
    let alone = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: temporaryDirectory().path,
                           ablation: false) { _ in }
    alone.only = ["exponential-restart"]
    try alone.run()
    #expect(Set(alone.runs.map(\.id)) == ["exponential-restart-k8", "exponential-restart-k4"])
    #expect(BenchStudy.scheduleFamilyNames == Set(BenchStudy(experiment: experiment, preset: tinyStudyPreset(),
                                                             outputDirectory: directory, ablation: true) { _ in }
        .scheduleFamilies.map(\.0)))
}

@Test func targetEpochsLengthenOnlyTheFinalStageAndKeepOldFingerprints() throws {
    // Without the override the preset encodes exactly as before the field existed, so the
    // fingerprints of finished studies still match.
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("targetEpochs"))
    var longer = tinyStudyPreset()
    longer.targetEpochs = 3
    #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(longer)) == longer)
    #expect(longer != tinyStudyPreset())

    let experiment = try smallStudyExperiment()
    let study = BenchStudy(experiment: experiment, preset: longer, outputDirectory: temporaryDirectory().path, ablation: false) { _ in }
    study.only = ["sparse"]
    try study.run()
    // E = 1 at d = 32: k_i = floor(32 / 2^(i + 1)) = 8, 4, ... for i = 1, 2, so target 8 (64 B) runs one
    // epoch at k = 32, then 3 at 8; target 4 (32 B) one at 32, one at 8, then 3 at 4.
    let exponential = study.runs.filter { $0.method == "Compressed ELSA (exponential, restart)" }
    #expect(exponential.count == 2)
    for run in exponential {
        let k = run.budget! / 8
        #expect(run.epochs.suffix(3).allSatisfy { $0.k == k })
        #expect(run.epochs.count == (k == 8 ? 1 : 2) + 3)
    }
    let constant = study.runs.filter { $0.method == "Sparse training, constant k" }
    #expect(!constant.isEmpty && constant.allSatisfy { $0.epochs.count == 3 })
}

@Test func etaOfASparseRunWeighsTheEpochsLeftByTheirK() throws {
    // d = 2048 with the dense path above 0.28 d = 573.4: epochs at 2048 and 1000 run dense, 500 and below sparse.
    var model = EpochTimeModel(dimension: 2048, densePathFraction: 0.28)
    #expect(model.predict(k: 1000) == nil && model.predict(k: 128) == nil)
    model.observe(k: 2048, seconds: 90)
    model.observe(k: 1000, seconds: 110)
    #expect(model.predict(k: 600) == 100)  // the mean dense epoch
    // No sparse epoch yet: the dense mean scaled by k over the switch point (573.44).
    #expect(abs(model.predict(k: 256)! - 100 * 256 / 573.44) < 1e-9)
    model.observe(k: 500, seconds: 60)
    #expect(model.predict(k: 250) == 30)  // one sparse k seen: in proportion to k
    model.observe(k: 250, seconds: 35)
    // Two sparse epochs: the line through (500, 60) and (250, 35) is 10 + 0.1 k.
    #expect(abs(model.predict(k: 128)! - 22.8) < 1e-9)
    #expect(abs(model.predict(k: 0)! - 10) < 1e-9)

    var progress = RunETA(plannedKs: [2048, 1000, 500, 250, 128, 128, 64], dimension: 2048, densePathFraction: 0.28)
    // After one dense epoch: 90 s for the one at 1000, the sparse ones at 90 s x k / 573.44.
    let afterFirst = progress.secondsLeft(afterEpochAt: 2048, seconds: 90, elapsed: 90)
    #expect(abs(afterFirst - (90 + 90 * Double(500 + 250 + 128 + 128 + 64) / 573.44)) < 1e-9)
    _ = progress.secondsLeft(afterEpochAt: 1000, seconds: 110, elapsed: 200)
    _ = progress.secondsLeft(afterEpochAt: 500, seconds: 60, elapsed: 260)
    let left = progress.secondsLeft(afterEpochAt: 250, seconds: 35, elapsed: 295)
    #expect(abs(left - (2 * 22.8 + 16.4)) < 1e-9)
    #expect(progress.epochsDone == 4)

    // Validation evaluations after the last three epochs (the target's): counted once one has been timed.
    var validated = RunETA(plannedKs: [2048, 1000, 500, 250, 128, 128, 128], dimension: 2048, densePathFraction: 0.28, evaluations: 3)
    _ = validated.secondsLeft(afterEpochAt: 2048, seconds: 90, elapsed: 90)
    _ = validated.secondsLeft(afterEpochAt: 1000, seconds: 110, elapsed: 200)
    _ = validated.secondsLeft(afterEpochAt: 500, seconds: 60, elapsed: 260)
    let beforeEvaluations = validated.secondsLeft(afterEpochAt: 250, seconds: 35, elapsed: 295)
    #expect(abs(beforeEvaluations - 3 * 22.8) < 1e-9)   // no evaluation timed yet: epochs only
    validated.evaluated(seconds: 40)
    #expect(validated.evaluationsLeft == 2)
    let afterEvaluation = validated.secondsLeft(afterEpochAt: 128, seconds: 22.8, elapsed: 360)
    #expect(abs(afterEvaluation - (2 * 22.8 + 2 * 40)) < 1e-9)
    // A resumed run counts the evaluated epochs before its checkpoint as evaluated.
    var resumedValidated = RunETA(plannedKs: [64, 64, 64], dimension: 256, densePathFraction: 0.28, evaluations: 3)
    var evaluatedEpoch = EpochReport(epoch: 1, loss: 0, seconds: 10, k: 64, stage: 0, usersPerSecond: 1)
    evaluatedEpoch.validation = ["recall@20": 0.1]
    resumedValidated.restore([evaluatedEpoch])
    #expect(resumedValidated.evaluationsLeft == 2)

    // Without planned ks (dense ELSA, CompresSAE): the mean epoch so far times the epochs left.
    var plain = RunETA(totalEpochs: 5)
    #expect(plain.secondsLeft(afterEpochAt: 64, seconds: 10, elapsed: 12) == 48)
    #expect(plain.secondsLeft(afterEpochAt: 64, seconds: 11, elapsed: 30) == 45)
    // A resumed run counts the epochs before its checkpoint, and their seconds as elapsed time.
    var resumed = RunETA(totalEpochs: 5)
    resumed.restore([EpochReport(epoch: 1, loss: 0, seconds: 10, k: 64, stage: 0, usersPerSecond: 1),
                     EpochReport(epoch: 2, loss: 0, seconds: 14, k: 64, stage: 0, usersPerSecond: 1)])
    #expect(resumed.epochsDone == 2 && resumed.restoredSeconds == 24)
    #expect(resumed.secondsLeft(afterEpochAt: 64, seconds: 12, elapsed: 36) == 24)
    #expect(RunETA.clock(3 * 3600 + 7 * 60 + 20) == "3h07m" && RunETA.clock(250) == "4m10s")
}

@Test func distinctEpochKsListEverySharedEpochOnce() throws {
    let schedules = try [4, 8].map { try ELSATrainingSchedules.exponential(dimension: 32, target: $0, epochsPerStage: 2) }
    // Trunk (target 4): 32, 11, 8, 5, then 4 twice; target 8 forks at stage 2 and runs 8 twice.
    #expect(BenchStudy.distinctEpochKs(schedules) == [32, 11, 8, 5, 4, 4, 8, 8])
}

@Test func anInterruptedScheduleFamilyResumesFromItsTrunkCheckpoint() throws {
    let experiment = try smallStudyExperiment()
    // Uninterrupted, with a checkpoint after every trunk stage: the file is gone once the family is done.
    let first = temporaryDirectory().path
    let whole = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: first, ablation: false) { _ in }
    whole.only = ["exponential-restart"]
    whole.checkpointInterval = 0
    try whole.run()
    #expect(!FileManager.default.fileExists(atPath: "\(first)/runs/exponential-restart.checkpoint"))
    let expected = whole.orderedRuns().filter { $0.id.hasPrefix("exponential-restart") }
    #expect(expected.count == 2)

    // Interrupted after the trunk's first stage (target 4 at d = 32, E = 1: stages 32, 8, 4; target 8 forks
    // after the stage at 8): the restarted study picks the checkpoint up and trains the same models.
    let second = temporaryDirectory().path
    var lines: [String] = []
    let again = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: second, ablation: false) { lines.append($0) }
    again.only = ["exponential-restart"]
    let trunkSchedule = try SparsificationSchedule.make(.exponential, dimension: 32, targetNonzeros: 4, epochsPerStage: 1)
    let partial = CompressedELSATrainer(itemCount: experiment.dataset.itemCount,
                                        configuration: again.configuration(dimension: 32, epochs: 1), schedule: trunkSchedule,
                                        restart: true, carryOptimizerState: false,
                                        densePathFraction: CompressedELSATrainer.defaultDensePathFraction,
                                        initial: InitialMatrix.make(for: experiment.train,
                                                                    configuration: again.configuration(dimension: 32, epochs: 1)))
    partial.runStage(0, on: experiment.train)
    try partial.writeCheckpoint(to: "\(second)/runs/exponential-restart.checkpoint", run: again.checkpointRun)
    try again.run()
    #expect(lines.contains { $0.contains("resuming from the checkpoint") && $0.contains("1 stages, 1 epochs done") })
    // Only the trunk's two epochs after the checkpoint ran (target 8 forks after the stage at 8 with
    // nothing left to run); the reports still list every epoch.
    #expect(lines.filter { $0.contains("exponential-restart epoch") }.count == 2)
    let actual = again.orderedRuns().filter { $0.id.hasPrefix("exponential-restart") }
    #expect(actual.map(\.metrics) == expected.map(\.metrics))
    #expect(actual.map { $0.epochs.map(\.loss) } == expected.map { $0.epochs.map(\.loss) })
    #expect(!FileManager.default.fileExists(atPath: "\(second)/runs/exponential-restart.checkpoint"))
}

@Test func inputDropoutReachesEveryELSATrainingOfAStudyAndKeepsOldFingerprints() throws {
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("inputDropout"))
    var dropped = tinyStudyPreset()
    dropped.inputDropout = 0.5
    #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(dropped)) == dropped)

    let experiment = try smallStudyExperiment()
    var losses: [[Double]] = []
    for preset in [tinyStudyPreset(), dropped] {
        let directory = temporaryDirectory().path
        let study = BenchStudy(experiment: experiment, preset: preset, outputDirectory: directory, ablation: false) { _ in }
        study.only = ["pruned", "dense", "exponential-restart"]
        try study.run()
        let trained = try ["elsa-full", "elsa-dense-d16", "exponential-restart-k4"].map { id in
            try #require(study.runs.first { $0.id == id })
        }
        losses.append(trained.flatMap { $0.epochs.map(\.loss) })
        let table = try String(contentsOfFile: "\(directory)/table.md", encoding: .utf8)
        #expect(table.contains("input dropout 0.5") == (preset.inputDropout != nil))
    }
    // Every epoch, dense and sparse, trained on other inputs (the first batch already differs).
    #expect(losses[0].count == losses[1].count)
    for (plain, withDropout) in zip(losses[0], losses[1]) { #expect(plain != withDropout) }
}

@Test func learningRateAndActivationOverridesReachEveryTrainingConfigurationAndKeepOldFingerprints() throws {
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("learningRate") && !encoded.contains("activation"))
    let source = DatasetSource.embeddedSynthetic(SyntheticConfiguration(userCount: 200, itemCount: 50, segmentCount: 3,
                                                                       interactionsPerUser: 8, seed: 1))
    let experiment = try Experiment(source: source, testUsers: 20, seed: 1, threads: 1)
    let plain = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: temporaryDirectory().path,
                           ablation: false) { _ in }.configuration(dimension: 8, epochs: 1)
    #expect(plain.optimizer.learningRate == 0.1 && plain.activation == .relu6 && plain.inputDropout == 0)
    var changed = tinyStudyPreset()
    changed.learningRate = 0.03
    changed.activation = .relu
    changed.inputDropout = 0.2
    #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(changed)) == changed)
    let configuration = BenchStudy(experiment: experiment, preset: changed, outputDirectory: temporaryDirectory().path,
                                   ablation: false) { _ in }.configuration(dimension: 8, epochs: 1)
    #expect(configuration.optimizer.learningRate == 0.03 && configuration.activation == .relu && configuration.inputDropout == 0.2)
}

@Test func anInterruptedDenseRunResumesFromItsCheckpoint() throws {
    let experiment = try smallStudyExperiment()
    // Uninterrupted, with a checkpoint after every epoch: the file is gone once the run is done.
    let first = temporaryDirectory().path
    let whole = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: first, ablation: false) { _ in }
    whole.only = ["pruned"]
    whole.checkpointInterval = 0
    try whole.run()
    #expect(!FileManager.default.fileExists(atPath: "\(first)/runs/elsa-full.checkpoint"))
    let expected = try #require(whole.runs.first { $0.id == "elsa-full" })
    #expect(expected.epochs.count == 2)

    // Interrupted after the first of its two epochs: the restarted study trains only the second one.
    let second = temporaryDirectory().path
    var lines: [String] = []
    let again = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: second, ablation: false) { lines.append($0) }
    again.only = ["pruned"]
    let partial = DenseELSATrainer(initializingOn: experiment.train, configuration: again.configuration(dimension: 32, epochs: 2))
    partial.train(experiment.train, epochs: 1)
    try partial.writeCheckpoint(to: "\(second)/runs/elsa-full.checkpoint", run: again.checkpointRun)
    try again.run()
    #expect(lines.contains { $0.contains("resuming from the checkpoint") && $0.contains("1 of 2 epochs done") })
    #expect(lines.filter { $0.contains("elsa-full epoch") }.count == 1)
    let actual = try #require(again.runs.first { $0.id == "elsa-full" })
    #expect(actual.metrics == expected.metrics)
    #expect(actual.epochs.map(\.loss) == expected.epochs.map(\.loss))
    #expect(again.runs.filter { $0.id.hasPrefix("elsa-pruned") }.map(\.metrics) == whole.runs.filter { $0.id.hasPrefix("elsa-pruned") }.map(\.metrics))
    #expect(!FileManager.default.fileExists(atPath: "\(second)/runs/elsa-full.checkpoint"))

    // A checkpoint it cannot use (another run's) is reported and the run starts over.
    let third = temporaryDirectory().path
    var thirdLines: [String] = []
    let fresh = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: third, ablation: false) { thirdLines.append($0) }
    fresh.only = ["pruned"]
    try partial.writeCheckpoint(to: "\(third)/runs/elsa-full.checkpoint", run: "another study")
    try fresh.run()
    #expect(thirdLines.contains { $0.contains("not used") && $0.contains("checkpoint of another run") })
    #expect(try #require(fresh.runs.first { $0.id == "elsa-full" }).metrics == expected.metrics)
}

@Test func validationUsersChooseEachRunsEpochAndKeepOldFingerprints() throws {
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("validationUsers"))
    var preset = tinyStudyPreset()
    preset.validationUsers = 40
    preset.denseEpochs = 3
    preset.targetEpochs = 3
    #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(preset)) == preset)
    let plain = try smallStudyExperiment()
    let experiment = try Experiment(source: plain.source, testUsers: 40, validationUsers: 40, seed: 6, threads: 2)
    #expect(experiment.split.testUsers == plain.split.testUsers)
    let folds = try #require(experiment.validationFolds)
    let directory = temporaryDirectory().path
    var lines: [String] = []
    let study = BenchStudy(experiment: experiment, preset: preset, outputDirectory: directory, ablation: false) { lines.append($0) }
    study.only = ["pruned", "dense", "exponential-restart"]
    try study.run()
    // Progress lines show the validation recall of the epochs evaluated: every dense epoch and three per sparse target.
    #expect(lines.filter { $0.contains("elsa-full epoch") && $0.contains("validation recall@20 0.") }.count == 3)
    #expect(lines.filter { $0.contains("exponential-restart epoch") && $0.contains("validation recall@20") }.count == 6)

    let trained = study.runs.filter { !$0.epochs.isEmpty }
    #expect(Set(trained.map(\.id)) == ["elsa-full", "elsa-dense-d16", "elsa-dense-d8", "exponential-restart-k8", "exponential-restart-k4"])
    for run in trained {
        // Dense ELSA: every epoch is evaluated; a sparse schedule: its three epochs at the target k.
        let evaluated = run.epochs.filter { $0.validation != nil }
        #expect(evaluated.count == 3, "\(run.id)")
        if run.id.hasPrefix("exponential") { #expect(evaluated.allSatisfy { $0.k == run.k }, "\(run.id)") }
        // The kept epoch is the earliest with the best validation Recall@20 ...
        let bestRecall = evaluated.map { $0.validation!["recall@20"]! }.max()!
        let bestEpoch = try #require(evaluated.first { $0.validation!["recall@20"]! == bestRecall }).epoch
        #expect(run.selectedEpoch == bestEpoch, "\(run.id)")
        // ... and the saved model is that epoch's: scored on the validation users, it gives the epoch's metrics.
        let path = "\(directory)/runs/\(run.id).model"
        if FileManager.default.fileExists(atPath: path) {
            let model = try ModelFile.read(from: path, threads: 2).model
            let metrics = try Evaluator(threadCount: 2).evaluate(model, on: folds).metrics
            #expect(metrics == evaluated.first { $0.epoch == bestEpoch }!.validation, "\(run.id)")
        } else {
            #expect(run.id.hasPrefix("elsa-dense"), "\(run.id) kept no model file")
        }
    }
    let table = try String(contentsOfFile: "\(directory)/table.md", encoding: .utf8)
    #expect(table.contains("chosen on 40 validation users") && table.contains("40 validation users held out of training"))
    let csv = try String(contentsOfFile: "\(directory)/runs.csv", encoding: .utf8).split(separator: "\n")
    #expect(csv[0].hasSuffix(",selected_epoch"))
    for run in trained { #expect(csv.contains { $0.hasPrefix(run.id + ",") && $0.hasSuffix(",\(run.selectedEpoch!)") }, "\(run.id)") }
}

@Test func distilledSchedulesLearnFromTheFullDenseModelAndKeepOldFingerprints() throws {
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("distillWeight"))
    let experiment = try smallStudyExperiment()
    func study(distillWeight: Double?) throws -> (BenchStudy, [String], String) {
        var preset = tinyStudyPreset()
        preset.distillWeight = distillWeight
        #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(preset)) == preset)
        let directory = temporaryDirectory().path
        var lines: [String] = []
        let study = BenchStudy(experiment: experiment, preset: preset, outputDirectory: directory, ablation: false) { lines.append($0) }
        study.only = ["exponential-restart"]
        try study.run()
        return (study, lines, directory)
    }
    let (plain, plainLines, _) = try study(distillWeight: nil)
    let (distilled, lines, directory) = try study(distillWeight: 0.5)
    // Without distillation the study trains no dense model for these families; with it, the teacher comes first.
    #expect(Set(plain.runs.map(\.id)) == ["exponential-restart-k8", "exponential-restart-k4"])
    #expect(!plainLines.contains { $0.contains("distilling") })
    #expect(Set(distilled.runs.map(\.id)) == ["elsa-full", "exponential-restart-k8", "exponential-restart-k4"])
    #expect(lines.filter { $0.contains("distilling from the full dense ELSA with weight 0.5") }.count == 1)
    #expect(FileManager.default.fileExists(atPath: "\(directory)/runs/elsa-full.model"))
    for id in ["exponential-restart-k8", "exponential-restart-k4"] {
        let before = try #require(plain.runs.first { $0.id == id }), after = try #require(distilled.runs.first { $0.id == id })
        // Same schedule, same batches: the teacher's term changes every epoch's loss.
        #expect(before.epochs.map(\.k) == after.epochs.map(\.k))
        for (first, second) in zip(before.epochs, after.epochs) { #expect(first.loss != second.loss, "\(id) epoch \(first.epoch)") }
    }
    #expect(plain.fingerprint != distilled.fingerprint)
    let table = try String(contentsOfFile: "\(directory)/table.md", encoding: .utf8)
    #expect(table.contains("distilled from the full dense ELSA's predictions with weight 0.5"))
}

@Test func regrowthReachesTheTargetStagesOfEverySparseScheduleAndKeepsOldFingerprints() throws {
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("regrow"))
    let experiment = try smallStudyExperiment()
    func study(regrowFraction: Double?) throws -> (BenchStudy, String) {
        var preset = tinyStudyPreset()
        preset.targetEpochs = 3  // E = 1 leaves no epochs to regrow between
        preset.regrowFraction = regrowFraction
        #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(preset)) == preset)
        let directory = temporaryDirectory().path
        let study = BenchStudy(experiment: experiment, preset: preset, outputDirectory: directory, ablation: false) { _ in }
        study.only = ["exponential-restart"]
        try study.run()
        return (study, directory)
    }
    let (plain, _) = try study(regrowFraction: nil)
    let (regrown, directory) = try study(regrowFraction: 0.5)
    for id in ["exponential-restart-k8", "exponential-restart-k4"] {
        let before = try #require(plain.runs.first { $0.id == id }), after = try #require(regrown.runs.first { $0.id == id })
        #expect(before.epochs.map(\.k) == after.epochs.map(\.k))
        #expect(before.epochs.allSatisfy { $0.regrown == nil })
        // Only between the epochs of the last stage (the one-epoch stages before it have no "between"),
        // and only while the cosine-decayed count rounds above zero.
        let target = after.epochs.filter { $0.k == after.epochs.last!.k }
        #expect(after.epochs.dropLast(target.count).allSatisfy { $0.regrown == nil }, "\(id)")
        #expect(target.first!.regrown ?? 0 > 0, "\(id)")
        #expect(target.last!.regrown == nil, "\(id)")
    }
    #expect(plain.fingerprint != regrown.fingerprint)
    let table = try String(contentsOfFile: "\(directory)/table.md", encoding: .utf8)
    #expect(table.contains("pruned and regrown between the epochs of a stage (fraction 0.5 of k"))
}

@Test func learningRateDecayReachesTheTargetStagesOfEverySparseScheduleAndKeepsOldFingerprints() throws {
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("decay"))
    var preset = tinyStudyPreset()
    preset.targetEpochs = 3
    let plainFingerprint = BenchStudy(experiment: try smallStudyExperiment(), preset: preset, outputDirectory: temporaryDirectory().path,
                                      ablation: false) { _ in }.fingerprint
    preset.decayLearningRateTo = 0.1
    #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(preset)) == preset)
    let directory = temporaryDirectory().path
    let study = BenchStudy(experiment: try smallStudyExperiment(), preset: preset, outputDirectory: directory, ablation: false) { _ in }
    study.only = ["exponential-restart"]
    try study.run()
    #expect(study.fingerprint != plainFingerprint)
    // The three epochs at each target: the full rate, 0.1 + 0.9 · (1 + cos(π / 2)) / 2 = 0.55 of it, then 0.1 of it;
    // the one-epoch stages before keep the full rate.
    let rate = Double(Float(0.1))
    for id in ["exponential-restart-k8", "exponential-restart-k4"] {
        let run = try #require(study.runs.first { $0.id == id })
        let target = run.epochs.suffix(3)
        #expect(target.allSatisfy { $0.k == run.epochs.last!.k })
        let rates = target.map { $0.learningRate ?? .nan }
        #expect(zip(rates, [rate, 0.55 * rate, 0.1 * rate]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(id): \(rates)")
        #expect(run.epochs.dropLast(3).allSatisfy { $0.learningRate == rate }, "\(id)")
    }
    let table = try String(contentsOfFile: "\(directory)/table.md", encoding: .utf8)
    #expect(table.contains("learning rate decayed with a cosine within each stage of several epochs to 0.1 of it"))
}

@Test func weightAveragingEndsEverySparseScheduleOnTheMeanOfItsLastEpochsAndKeepsOldFingerprints() throws {
    let encoded = String(decoding: try JSONEncoder().encode(BenchPreset.paper), as: UTF8.self)
    #expect(!encoded.contains("average"))
    // Three studies on one split: three epochs at the target, two, and three ending on the mean of the last two.
    // Without regrowth or decay the two-epoch target stage is the three-epoch one cut short, so the averaged
    // models can be checked against the other two studies' models.
    func study(targetEpochs: Int, averageLastEpochs: Int?) throws -> (BenchStudy, String) {
        var preset = tinyStudyPreset()
        preset.targetEpochs = targetEpochs
        preset.averageLastEpochs = averageLastEpochs
        #expect(try JSONDecoder().decode(BenchPreset.self, from: JSONEncoder().encode(preset)) == preset)
        let directory = temporaryDirectory().path
        let study = BenchStudy(experiment: try smallStudyExperiment(), preset: preset, outputDirectory: directory, ablation: false) { _ in }
        study.only = ["exponential-restart"]
        try study.run()
        return (study, directory)
    }
    let (last, lastDirectory) = try study(targetEpochs: 3, averageLastEpochs: nil)
    let (_, earlierDirectory) = try study(targetEpochs: 2, averageLastEpochs: nil)
    let (averaged, averagedDirectory) = try study(targetEpochs: 3, averageLastEpochs: 2)
    #expect(averaged.fingerprint != last.fingerprint)
    func rowNormalized(_ matrix: CSRMatrix) -> CSRMatrix {
        var normalized = matrix
        for row in 0..<matrix.rows {
            let range = matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1]
            var squares = 0.0
            for p in range { squares += Double(matrix.values[p]) * Double(matrix.values[p]) }
            let norm = squares.squareRoot()
            for p in range where norm > 0 { normalized.values[p] = Float(Double(matrix.values[p]) / norm) }
        }
        return normalized
    }
    func saved(_ directory: String, _ id: String) throws -> CSRMatrix {
        guard case .sparse(let matrix) = try ModelFile.read(from: "\(directory)/runs/\(id).model").model.embedding else {
            throw BenchError.unavailable("\(id) saved a dense model")
        }
        return rowNormalized(matrix)
    }
    for id in ["exponential-restart-k8", "exponential-restart-k4"] {
        let plainRun = try #require(last.runs.first { $0.id == id }), averagedRun = try #require(averaged.runs.first { $0.id == id })
        // Averaging does not touch the trajectory.
        #expect(plainRun.epochs.map(\.loss) == averagedRun.epochs.map(\.loss), "\(id)")
        let third = try saved(lastDirectory, id), second = try saved(earlierDirectory, id), mean = try saved(averagedDirectory, id)
        #expect(mean.rowOffsets == third.rowOffsets)
        #expect(mean.columnIndices == third.columnIndices)
        #expect(second.columnIndices == third.columnIndices)
        #expect(second.values != third.values)
        // The averaged model's rows point along the mean of the last two epochs' normalized rows.
        var expected = third
        expected.values = zip(second.values, third.values).map { ($0 + $1) / 2 }
        let largest = zip(mean.values, rowNormalized(expected).values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest <= 1e-5, "\(id): largest difference \(largest)")
        #expect(zip(mean.values, third.values).map { abs($0 - $1) }.max()! > 1e-3, "\(id): the mean is the last epoch's weights")
    }
    let table = try String(contentsOfFile: "\(averagedDirectory)/table.md", encoding: .utf8)
    #expect(table.contains("ended on the mean of their last 2 epochs' weights"))
    // Validation users choose the final model too: the sparse part refuses both.
    var both = tinyStudyPreset()
    both.targetEpochs = 3
    both.averageLastEpochs = 2
    both.validationUsers = 40
    let refused = BenchStudy(experiment: try smallStudyExperiment(), preset: both, outputDirectory: temporaryDirectory().path,
                             ablation: false) { _ in }
    refused.only = ["exponential-restart"]
    #expect(throws: BenchError.self) { try refused.run() }
}
