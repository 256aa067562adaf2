import ELSABaselines
import Foundation
import ELSAData
import ELSAEvaluation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ELSATraining
import _ELSASupport

/// The compression-versus-accuracy study behind `elsa bench`: for each byte budget, the paper's
/// method and every baseline, plus the uncompressed references, on one dataset and split.
///
/// Finished runs are kept as one JSON file each under `<output>/runs/` (written atomically) and
/// skipped on the next start, so an interrupted study resumes. The full dense ELSA is trained once
/// (its model file is kept beside the runs) and reused by the post-training compression baselines;
/// EASE is fitted once for the full and every pruned variant; all sparse-training runs start from
/// the same seeded initialization, and the exponential runs share their common stages.
public final class BenchStudy {
    public let experiment: Experiment
    public let preset: BenchPreset
    public let outputDirectory: String
    public let ablation: Bool
    public let threads: Int
    public let seed: UInt64
    /// Method families to run (nil: all): `ease`, `pruned`, `dense`, `sparse`, `compressae`.
    /// The full dense ELSA runs whenever a family needs it. Outputs cover every finished run.
    public var only: Set<String>?
    /// Sparse schedule families write a checkpoint of their trunk after a stage, and dense ELSA runs
    /// after an epoch, when this many seconds have passed since the last one (`runs/FAMILY.checkpoint`,
    /// `runs/RUN.checkpoint`, removed when done), and an interrupted study resumes from it.
    public var checkpointInterval: TimeInterval = 600
    /// Method families for `only`; `sparse` is every schedule family, which can also be named
    /// alone by its run-id prefix (`exponential-restart`, `constant`, and with the ablation
    /// `exponential`, `stepwise-restart`, `stepwise`, `linear-restart`, `linear`).
    public static let families: Set<String> = ["ease", "pruned", "dense", "sparse", "compressae"]
    public static let scheduleFamilyNames = Set(allScheduleFamilies.map(\.0))
    private let log: (String) -> Void
    public private(set) var runs: [BenchRun] = []
    private var plannedRuns: [String] = []
    private let started = Date()

    public init(experiment: Experiment, preset: BenchPreset, outputDirectory: String, ablation: Bool,
                log: @escaping (String) -> Void) {
        self.experiment = experiment
        self.preset = preset
        self.outputDirectory = outputDirectory
        self.ablation = ablation
        self.threads = experiment.threads
        self.seed = experiment.seed
        self.log = log
    }

    var runsDirectory: String { outputDirectory + "/runs" }
    var items: Int { experiment.dataset.itemCount }
    var itemIDs: [String] { experiment.dataset.itemIDs }

    /// Every sparse-training schedule family: (id prefix, table name, kind, restart); the first two
    /// always run, the others with the ablation.
    static let allScheduleFamilies: [(String, String, SparsificationSchedule.Kind, Bool)] = [
        ("exponential-restart", "Compressed ELSA (exponential, restart)", .exponential, true),
        ("constant", "Sparse training, constant k", .constant, false),
        ("exponential", "Compressed ELSA (exponential)", .exponential, false),
        ("stepwise-restart", "Compressed ELSA (step-wise, restart)", .stepwise, true),
        ("stepwise", "Compressed ELSA (step-wise)", .stepwise, false),
        ("linear-restart", "Compressed ELSA (linear, restart)", .linear, true),
        ("linear", "Compressed ELSA (linear)", .linear, false),
    ]

    /// The schedule families of this study.
    var scheduleFamilies: [(String, String, SparsificationSchedule.Kind, Bool)] {
        ablation ? BenchStudy.allScheduleFamilies : Array(BenchStudy.allScheduleFamilies.prefix(2))
    }

    /// The ids of every run of the study, in the order they run.
    public var runIDs: [String] {
        var ids = ["ease", "elsa-full"]
        for budget in preset.budgets {
            let k = budget / 8
            ids += ["elsa-dense-d\(budget / 4)", "elsa-pruned-k\(k)", "compressae-k\(k)", "compressae-tuned-k\(k)", "ease-pruned-k\(k)"]
        }
        for (prefix, _, _, _) in scheduleFamilies { ids += preset.budgets.map { "\(prefix)-k\($0 / 8)" } }
        return ids
    }

    /// Runs everything not already on disk, then writes the table, CSV/JSON, plot and speed table.
    public func run() throws {
        try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
        try checkFingerprint()
        plannedRuns = runIDs
        for id in plannedRuns { if let run = loadRun(id) { runs.append(run) } }
        log("study: \(plannedRuns.count) runs, \(runs.count) already done (\(runsDirectory))")
        // A failing part is logged and the others still run; the outputs cover what finished.
        var failures: [String] = []
        func part(_ name: String, _ body: () throws -> Void) {
            do { try body() } catch {
                failures.append("\(name): \(error)")
                log("\(name) failed: \(error)")
            }
        }
        func selected(_ family: String) -> Bool { only?.contains(family) ?? true }
        if selected("ease") { part("EASE") { try runEASE() } }
        var full: ELSAModel?
        let schedules = scheduleFamilies.map(\.0).filter { selected("sparse") || selected($0) }
        // Distilled schedules learn from the full dense ELSA's predictions.
        let distilling = preset.distillWeight != nil && !schedules.isEmpty
        if selected("pruned") || selected("compressae") || distilling { part("dense ELSA") { full = try runFullDense() } }
        if let full, selected("pruned") { part("pruned dense ELSA") { try runPrunedAfterTraining(full: full) } }
        if selected("dense") { part("dense ELSA at the budget") { try runDenseAtBudget() } }
        if !schedules.isEmpty && (!distilling || full != nil) {
            part("sparse training") { try runSparseTraining(families: Set(schedules)) }
        }
        if let full, selected("compressae") { part("CompresSAE") { try runSparseAutoencoder(full: full) } }
        // Runs finished meanwhile by another process on the same folder count too.
        for id in plannedRuns where !done(id) { if let run = loadRun(id) { runs.append(run) } }
        try BenchOutputs(study: self, runs: orderedRuns()).writeAll()
        log("study finished in \(String(format: "%.0f", Date().timeIntervalSince(started))) s: \(outputDirectory)")
        if !failures.isEmpty { throw BenchError.failed(failures) }
    }

    /// What the finished runs depend on: the preset (after overrides), the split and the data.
    struct Fingerprint: Codable, Equatable {
        var preset: BenchPreset
        var seed: UInt64
        var testUsers: Int
        var dataset: String
        var users: Int
        var items: Int
        var interactions: Int
        /// Always stored, so that a study recorded before initializations were chosen (Xavier) is not reused.
        var initialization: Initialization
        var preStageStep: Bool
    }

    var fingerprint: Fingerprint {
        let data = experiment.dataset
        return Fingerprint(preset: preset, seed: seed, testUsers: experiment.split.testUsers.count, dataset: experiment.source.name,
                           users: data.userCount, items: data.itemCount, interactions: data.interactionCount,
                           initialization: preset.initialization ?? .default, preStageStep: preset.preStageStep ?? true)
    }

    /// Finished runs are reused only by a study with the same fingerprint (`runs/study.json`).
    func checkFingerprint() throws {
        let path = "\(runsDirectory)/study.json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let data = FileManager.default.contents(atPath: path) {
            guard let stored = try? JSONDecoder().decode(Fingerprint.self, from: data), stored == fingerprint else {
                throw BenchError.mismatch("\(path) describes another study (other preset, overrides, seed, test users or data); "
                                          + "use another --output folder, or delete \(runsDirectory) to start over")
            }
            return
        }
        try AtomicFile.write(try encoder.encode(fingerprint), to: path)
    }

    func orderedRuns() -> [BenchRun] {
        plannedRuns.compactMap { id in runs.first { $0.id == id } }
    }

    // MARK: - Runs

    private func done(_ id: String) -> Bool { runs.contains { $0.id == id } }

    private func loadRun(_ id: String) -> BenchRun? {
        guard let data = FileManager.default.contents(atPath: "\(runsDirectory)/\(id).json") else { return nil }
        return try? JSONDecoder().decode(BenchRun.self, from: data)
    }

    private func record(_ run: BenchRun) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(run), to: "\(runsDirectory)/\(run.id).json")
        runs.append(run)
        log(String(format: "[%d/%d] %@: recall@20 %.4f, %d B per item, train %.1f s",
                   runs.count, plannedRuns.count, run.id, run.recall20, run.bytesPerItem, run.trainSeconds))
    }

    private func measure<Model: Recommender>(_ model: Model, id: String, method: String, budget: Int?, bytesPerItem: Int,
                                             k: Int?, dimension: Int?, trainSeconds: Double, epochs: [EpochReport],
                                             modelBytes: Int, selectedEpoch: Int? = nil, recipe: TrainingRecipe? = nil) throws -> BenchRun {
        log("[\(runs.count + 1)/\(plannedRuns.count)] \(id): evaluating")
        let result = try experiment.evaluate(model)
        let histories = experiment.published?.train ?? experiment.folds.inputs
        let sample = histories.selectingRows(Array(0..<min(1000, histories.rows)))
        let start = Date()
        _ = try recommend(model, histories: sample, count: 100, threadCount: threads)
        let latency = Date().timeIntervalSince(start) / Double(max(1, sample.rows)) * 1e6
        return BenchRun(id: id, method: method, budget: budget, bytesPerItem: bytesPerItem, k: k, dimension: dimension,
                        metrics: result.metrics, trainSeconds: trainSeconds, epochs: epochs, modelBytes: modelBytes,
                        latencyMicroseconds: latency, selectedEpoch: selectedEpoch, recipe: recipe)
    }

    /// The recipe of every ELSA training of the study (dense ELSA at the preset's dimension; each run
    /// changes what it needs). Validated as `elsa train` validates its recipes.
    var baseRecipe: TrainingRecipe {
        var recipe = preset.recipe(model: .elsa, seed: seed, threads: threads)
        recipe.split.testUsers = max(1, experiment.split.testUsers.count)
        if experiment.published != nil { recipe.split.kind = .published }
        recipe.checkpoint.minutes = checkpointInterval / 60
        return recipe
    }

    func configuration(dimension: Int, epochs: Int) -> TrainingConfiguration {
        var recipe = baseRecipe
        recipe.epochs = epochs
        return recipe.configuration(dimension: dimension)
    }

    /// Trains `recipe` through `TrainingRun`, with the study's checkpoint label and progress lines.
    func training(_ recipe: TrainingRecipe, label: String) throws -> TrainingRun {
        let run = try TrainingRun(recipe: recipe, experiment: experiment, observer: BenchProgress(study: self, label: label))
        run.checkpointLabel = checkpointRun
        run.startsOverOnUnusableCheckpoint = true
        return run
    }

    private func runEASE() throws {
        let missing = ["ease"] + preset.budgets.map { "ease-pruned-k\($0 / 8)" }
        guard missing.contains(where: { !done($0) }) else { return }
        log("[\(runs.count + 1)/\(plannedRuns.count)] EASE (lambda \(preset.lambda)) on \(items) items")
        let start = Date()
        let ease = try EASE(interactions: experiment.train, lambda: preset.lambda, threads: threads)
        let fitSeconds = Date().timeIntervalSince(start)
        if !done("ease") {
            try record(try measure(ease, id: "ease", method: "EASE", budget: nil, bytesPerItem: 4 * items, k: nil, dimension: items,
                                   trainSeconds: fitSeconds, epochs: [], modelBytes: 4 * items * items))
        }
        for budget in preset.budgets where !done("ease-pruned-k\(budget / 8)") {
            let k = budget / 8
            let pruned = ease.pruned(nonzerosPerRow: min(k, items))
            try record(try measure(pruned, id: "ease-pruned-k\(k)", method: "EASE pruned to top-k", budget: budget,
                                   bytesPerItem: 8 * k, k: k, dimension: items, trainSeconds: fitSeconds, epochs: [],
                                   modelBytes: pruned.weights.nonzeroCount * 8 + (items + 1) * 8))
        }
    }

    /// The full dense ELSA, trained once; its model file is kept for the post-training baselines.
    private func runFullDense() throws -> ELSAModel {
        let path = "\(runsDirectory)/elsa-full.model"
        if done("elsa-full"), let (model, _) = try? ModelFile.read(from: path, threads: threads) { return model }
        log("[\(runs.count + 1)/\(plannedRuns.count)] dense ELSA d = \(preset.dimension), \(preset.denseEpochs) epochs")
        let trained = try trainDense(id: "elsa-full", dimension: preset.dimension)
        try ModelFile.write(trained.model, metadata: ["model": "elsa", "dimension": "\(preset.dimension)"], to: path)
        if !done("elsa-full") {
            try record(try measure(trained.model, id: "elsa-full", method: "Dense ELSA (full)", budget: nil, bytesPerItem: 4 * preset.dimension,
                                   k: nil, dimension: preset.dimension, trainSeconds: trained.seconds, epochs: trained.history,
                                   modelBytes: 4 * items * preset.dimension, selectedEpoch: trained.selectedEpoch, recipe: trained.recipe))
        }
        return trained.model
    }

    private func runPrunedAfterTraining(full: ELSAModel) throws {
        let dense = full.embedding.toDense()
        let fullTrain = runs.first { $0.id == "elsa-full" }?.trainSeconds ?? 0
        for budget in preset.budgets {
            let k = budget / 8
            if !done("elsa-pruned-k\(k)") {
                let pruned = ELSAModel(embedding: .sparse(CSRMatrix.topK(dense: dense, k: min(k, dense.columns), threads: threads)),
                                       itemIDs: itemIDs, threads: threads)
                try record(try measure(pruned, id: "elsa-pruned-k\(k)", method: "Dense ELSA pruned to top-k after training",
                                       budget: budget, bytesPerItem: 8 * k, k: k, dimension: preset.dimension,
                                       trainSeconds: fullTrain, epochs: [], modelBytes: items * k * 8 + (items + 1) * 8))
            }
        }
    }

    /// Epochs of compressed ELSA that train the CompresSAE codes' values with their pattern fixed
    /// (`compressae-tuned-k*`, at the preset's learning rate). One epoch was the best of 1 and 3
    /// on amazon-book at k = 16 (docs/notebook/results-log.md).
    static let compressaeTuneEpochs = 1

    private func runSparseAutoencoder(full: ELSAModel) throws {
        let fullTrain = runs.first { $0.id == "elsa-full" }?.trainSeconds ?? 0
        for budget in preset.budgets {
            let k = budget / 8
            guard !done("compressae-k\(k)") || !done("compressae-tuned-k\(k)") else { continue }
            // The codes are kept beside the run; when only the tuned run is missing and they are not
            // there, they are computed again (the autoencoder is seeded, so they come out the same).
            let path = "\(runsDirectory)/compressae-k\(k).model"
            let model: ELSAModel
            var seconds = 0.0
            if done("compressae-k\(k)"), let (saved, _) = try? ModelFile.read(from: path, threads: threads) {
                model = saved
                seconds = (runs.first { $0.id == "compressae-k\(k)" }?.trainSeconds ?? fullTrain) - fullTrain
            } else {
                log("[\(runs.count + 1)/\(plannedRuns.count)] CompresSAE h = \(preset.saeHidden), k = \(k)")
                var recipe = TrainingRecipe(model: .compressae)
                (recipe.seed, recipe.threads, recipe.dimension, recipe.epochs) = (seed, threads, preset.saeHidden, preset.saeEpochs)
                recipe.schedule.targetNonzeros = k
                recipe.batch.size = min(1024, max(64, items / 8))
                recipe.startFrom = "\(runsDirectory)/elsa-full.model"
                let outcome = try training(recipe, label: "compressae-k\(k)").run()
                log(String(format: "  CompresSAE k = %d: reconstruction loss 1 - cos = %.4f after %d epochs", k,
                           outcome.history.last?.loss ?? .nan, outcome.history.count))
                seconds = outcome.trainSeconds
                model = outcome.model
                try ModelFile.write(model, metadata: ["model": "compressae", "k": "\(k)", "dimension": "\(preset.saeHidden)"], to: path)
            }
            if !done("compressae-k\(k)") {
                try record(try measure(model, id: "compressae-k\(k)", method: "Dense ELSA + CompresSAE (top-k sparse autoencoder)",
                                       budget: budget, bytesPerItem: 8 * k, k: k, dimension: preset.saeHidden,
                                       trainSeconds: fullTrain + seconds, epochs: [], modelBytes: items * k * 8 + (items + 1) * 8))
            }
            if !done("compressae-tuned-k\(k)") {
                let epochs = BenchStudy.compressaeTuneEpochs
                log("[\(runs.count + 1)/\(plannedRuns.count)] CompresSAE codes, k = \(k), tuned by compressed ELSA for \(epochs) epoch(s)")
                // The codes (rows normalized as scored) trained with their pattern fixed: no teacher, no validation.
                var recipe = baseRecipe
                (recipe.model, recipe.dimension, recipe.epochs, recipe.startFrom) = (.compressedELSA, preset.saeHidden, 1, path)
                (recipe.schedule.kind, recipe.schedule.targetNonzeros, recipe.schedule.epochsPerStage) = (.constant, k, epochs)
                recipe.schedule.restart = false
                recipe.selection = TrainingRecipe.Selection()
                let outcome = try training(recipe, label: "compressae-tuned-k\(k)").run()
                let tuneSeconds = outcome.history.reduce(0) { $0 + $1.seconds }
                try record(try measure(outcome.model, id: "compressae-tuned-k\(k)",
                                       method: "Dense ELSA + CompresSAE, codes tuned by compressed ELSA",
                                       budget: budget, bytesPerItem: 8 * k, k: k, dimension: preset.saeHidden,
                                       trainSeconds: fullTrain + seconds + tuneSeconds, epochs: outcome.history,
                                       modelBytes: items * k * 8 + (items + 1) * 8, recipe: outcome.recipe))
            }
        }
    }

    private func runDenseAtBudget() throws {
        for budget in preset.budgets where !done("elsa-dense-d\(budget / 4)") {
            let d = budget / 4
            log("[\(runs.count + 1)/\(plannedRuns.count)] dense ELSA at the budget: d = \(d)")
            let trained = try trainDense(id: "elsa-dense-d\(d)", dimension: d)
            try record(try measure(trained.model, id: "elsa-dense-d\(d)", method: "Dense ELSA at the budget (d = 2k)",
                                   budget: budget, bytesPerItem: 4 * d, k: nil, dimension: d, trainSeconds: trained.seconds,
                                   epochs: trained.history, modelBytes: 4 * items * d, selectedEpoch: trained.selectedEpoch,
                                   recipe: trained.recipe))
        }
    }

    /// Dense ELSA for the run `id`: its model (with validation users, that of its best epoch), history,
    /// epoch seconds and chosen epoch. A checkpoint of it (`runs/ID.checkpoint`, removed when the
    /// training is done) is written after an epoch when `checkpointInterval` has passed since the last
    /// one, so an interrupted study continues the run from its last checkpoint (a checkpoint it cannot
    /// use is logged and the run starts over).
    func trainDense(id: String, dimension: Int) throws
        -> (model: ELSAModel, history: [EpochReport], seconds: Double, selectedEpoch: Int?, recipe: TrainingRecipe) {
        var recipe = baseRecipe
        recipe.dimension = dimension
        recipe.checkpoint.file = "\(runsDirectory)/\(id).checkpoint"
        let outcome = try training(recipe, label: id).run()
        try? FileManager.default.removeItem(atPath: recipe.checkpoint.file!)
        return (outcome.model, outcome.history, outcome.history.reduce(0) { $0 + $1.seconds }, outcome.selectedEpoch, outcome.recipe)
    }

    /// The sparse schedule families; with `preset.distillWeight`, each learns from the full dense ELSA's predictions too.
    private func runSparseTraining(families: Set<String>) throws {
        if preset.averageLastEpochs != nil && preset.validationUsers != nil {
            throw BenchError.unavailable("validation users (each run keeps its best epoch) and weight averaging both choose "
                                         + "a sparse run's final model; the preset sets both")
        }
        for (prefix, name, kind, restart) in scheduleFamilies where families.contains(prefix) {
            let missing = preset.budgets.filter { !done("\(prefix)-k\($0 / 8)") }.map { $0 / 8 }
            if missing.isEmpty { continue }
            var recipe = preset.recipe(model: .compressedELSA, seed: seed, threads: threads)
            (recipe.split, recipe.checkpoint.minutes) = (baseRecipe.split, baseRecipe.checkpoint.minutes)
            (recipe.schedule.kind, recipe.schedule.restart, recipe.schedule.targetNonzeros) = (kind, restart, missing.min()!)
            if let weight = preset.distillWeight {
                recipe.teachers.model = "\(runsDirectory)/elsa-full.model"
                log("  distilling from the full dense ELSA with weight \(weight) (runs/elsa-full.model)")
            }
            recipe.checkpoint.file = "\(runsDirectory)/\(prefix).checkpoint"
            // Shared stages run once; progress counts the epochs actually run.
            log("[\(runs.count + 1)/\(plannedRuns.count)] \(name): targets \(missing), stages shared where the schedules agree")
            try training(recipe, label: prefix).runTargets(missing) { k, outcome in
                // Kept beside the run (small: 8 B per nonzero) for `elsa segments`, `recommend` and `export`.
                try ModelFile.write(outcome.model, metadata: ["model": "compressed-elsa", "schedule": prefix, "k": "\(k)",
                                                              "dimension": "\(preset.dimension)"],
                                    to: "\(runsDirectory)/\(prefix)-k\(k).model")
                try record(try measure(outcome.model, id: "\(prefix)-k\(k)", method: name, budget: 8 * k, bytesPerItem: 8 * k, k: k,
                                       dimension: preset.dimension, trainSeconds: outcome.trainSeconds, epochs: outcome.history,
                                       modelBytes: items * k * 8 + (items + 1) * 8, selectedEpoch: outcome.selectedEpoch,
                                       recipe: outcome.recipe))
            }
        }
    }

    /// What a trunk checkpoint of this study belongs to (the runs folder is tied to the study's fingerprint).
    var checkpointRun: String { "bench study on \(experiment.source.name), seed \(seed)" }


    // MARK: - Progress

    /// The k of every epoch that `ScheduleForks` runs for `schedules`: shared stages once.
    static func distinctEpochKs(_ schedules: [SparsificationSchedule]) -> [Int] {
        let ordered = schedules.sorted { $0.targetNonzeros < $1.targetNonzeros }
        guard let trunk = ordered.first else { return [] }
        func epochs(_ stages: ArraySlice<SparsificationSchedule.Stage>) -> [Int] {
            stages.flatMap { Array(repeating: $0.k, count: $0.epochs) }
        }
        var ks = epochs(trunk.stages[...])
        for schedule in ordered.dropFirst() {
            var index = 0
            while index < schedule.stages.count && index < trunk.stages.count && schedule.stages[index] == trunk.stages[index] { index += 1 }
            ks += epochs(schedule.stages[index...])
        }
        return ks
    }

    func progressLine(label: String, report: EpochReport, done: Int, total: Int, remaining: Double) -> String {
        let validation = report.validation?["recall@20"].map { String(format: ", validation recall@20 %.4f", $0) } ?? ""
        return String(format: "  %@ epoch %d/%d (stage %d, k %d): loss %.6f, %.1f s%@; run ETA %@, study elapsed %@",
                      label, done, total, report.stage, report.k, report.loss, report.seconds, validation,
                      RunETA.clock(remaining), RunETA.clock(Date().timeIntervalSince(started)))
    }

    func say(_ text: String) { log(text) }
}

public enum BenchError: Error, CustomStringConvertible {
    case unavailable(String)
    case failed([String])
    case mismatch(String)
    public var description: String {
        switch self {
        case .unavailable(let what), .mismatch(let what): return what
        case .failed(let parts): return "parts of the study failed (rerun to resume): " + parts.joined(separator: "; ")
        }
    }
}

/// Epoch lines with the run's progress and an estimate of its time left (`RunETA`), and the run's notes.
final class BenchProgress: TrainingRunObserver {
    let study: BenchStudy
    let label: String
    private(set) var eta = RunETA(totalEpochs: 0)
    private var start = Date()

    init(study: BenchStudy, label: String) {
        self.study = study
        self.label = label
    }

    func note(_ message: String) { study.say("  " + message) }

    func started(_ eta: RunETA) {
        self.eta = eta
        start = Date()
    }

    /// Counts a validation evaluation into the run's time left.
    func evaluated(seconds: Double) { eta.evaluated(seconds: seconds) }

    func epochFinished(_ report: EpochReport) {
        let left = eta.secondsLeft(afterEpochAt: report.k, seconds: report.seconds,
                                   elapsed: eta.restoredSeconds + Date().timeIntervalSince(start))
        study.say(study.progressLine(label: label, report: report, done: eta.epochsDone, total: eta.totalEpochs, remaining: left))
    }
}
