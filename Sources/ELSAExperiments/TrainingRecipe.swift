import ELSABaselines
import Foundation
import ELSAData
import ELSATraining

/// Everything that decides a training run: the model, its schedule, optimizer and batches, the
/// teachers, the target-stage policies, validation, checkpoints, threads and seed, and (for
/// `elsa train`) the data and split. JSON on disk (`elsa train --recipe FILE`); every report and
/// checkpoint carries the resolved recipe it ran.
///
/// Missing keys take their defaults, which are the paper's method (the exponential schedule with
/// restarting, Nadam at 0.1, batches of 1,024 users); unknown keys are refused. `validate()` is the
/// one check of a recipe: `elsa train`, `elsa bench` and the library all call it.
public struct TrainingRecipe: Codable, Equatable, Sendable {
    public enum Model: String, Codable, Sendable, CaseIterable {
        /// Dense ELSA (one dense item matrix).
        case elsa
        /// Compressed ELSA: sparse rows by progressive sparsification.
        case compressedELSA = "compressed-elsa"
        /// A top-k sparse autoencoder compressing a trained dense model (`startFrom`).
        case compressae
    }

    public var model: Model = .elsa
    /// Latent dimension d (compressae: the code width h); nil: 256, or the `startFrom` model's.
    public var dimension: Int?
    /// Epochs of dense ELSA and of compressae.
    public var epochs: Int = 10
    public var seed: UInt64 = 42
    /// Threads for the Dispatch kernels and BLAS; nil: the cores available to the process.
    public var threads: Int?
    /// Where `elsa train` reads its interactions (nil: the embedded synthetic data). The library's
    /// estimators ignore it: they are given their data.
    public var data: DataRecipe?
    public var split = Split()
    /// compressed-elsa: start from this saved model's item matrix; compressae: the dense model to compress.
    public var startFrom: String?
    public var schedule = Schedule()
    public var optimizer = Optimizer()
    public var batch = Batch()
    public var activation: Activation = .relu6
    public var initialization: Initialization = .default
    /// One extra step with a fresh optimizer before every stage, as the authors' script does.
    public var preStageStep = true
    public var regularizers = Regularizers()
    public var teachers = Teachers()
    public var targetStage = TargetStage()
    public var selection = Selection()
    public var checkpoint = Checkpointing()

    public init(model: Model = .elsa) { self.model = model }

    public struct Split: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// Held-out test users, 5 folds each (strong generalization, the paper's protocol).
            case strong
            /// The data folder's own train.txt and test.txt (adjacency; weak generalization, as LightGCN's tables).
            case published
        }
        public var kind: Kind = .strong
        /// Held-out test users (capped at a fifth of the users); not used by the published split.
        public var testUsers = 2500
        public init() {}
    }

    public struct Schedule: Codable, Equatable, Sendable {
        public var kind: SparsificationSchedule.Kind = .exponential
        /// Nonzeros per item row at the end (8 B each); compressae: nonzeros per code.
        public var targetNonzeros = 16
        /// stepwise: the k of each stage; nil: the default halvings.
        public var stages: [Int]?
        /// Rewind to the initialization times the new mask at every stage boundary (the paper's method).
        public var restart = true
        /// Epochs per stage E.
        public var epochsPerStage = 10
        /// Epochs at the target k (the last stage); nil: E.
        public var targetEpochs: Int?
        /// Carry Nadam moments over the surviving entries instead of a fresh optimizer per stage.
        public var carryOptimizerState = false
        /// Stages with k above this fraction of d run on the dense CBLAS path; nil: this machine's switch point.
        public var densePathFraction: Double?
        public init() {}
    }

    public struct Optimizer: Codable, Equatable, Sendable {
        /// Nadam's learning rate; nil: 0.1 (compressae: 0.003).
        public var learningRate: Float?
        /// Nadam momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(s t)): 1 as Keras 3, 0.004 as Keras 2.
        public var momentumDecayScale: Double = 1
        /// elsa: a fresh optimizer every this many epochs (0: one for the run).
        public var resetEpochs = 0
        public init() {}
    }

    public struct Batch: Codable, Equatable, Sendable {
        /// Users per batch (compressae: items per batch).
        public var size = 1024
        /// Output columns per batch (the batch's items plus sampled negatives); nil: every item.
        public var outputs: Int?
        public init() {}
    }

    public struct Regularizers: Codable, Equatable, Sendable {
        /// Drop each input item of a training user with this probability in every batch (0: off).
        public var inputDropout: Double = 0
        public init() {}
    }

    /// Knowledge distillation (compressed-elsa): a teacher for the whole run and one for the target stage.
    public struct Teachers: Codable, Equatable, Sendable {
        /// A saved dense model whose predictions join every step's targets.
        public var model: String?
        /// EASE with this lambda, fitted on the run's training users, as the teacher.
        public var ease: Float?
        /// Weight w of the teacher's term: (1 - w) cosine loss to the items + w to the teacher.
        public var weight: Double = 0.5
        /// The target stage's teacher (a saved dense model), replacing the run's there.
        public var targetModel: String?
        /// EASE with this lambda as the target stage's teacher.
        public var targetEase: Float?
        /// The target stage teacher's weight; nil: `weight`.
        public var targetWeight: Double?
        public init() {}

        public var hasRunTeacher: Bool { model != nil || ease != nil }
        public var hasTargetTeacher: Bool { targetModel != nil || targetEase != nil }
    }

    /// What the stages of several epochs do (compressed-elsa; not in the paper).
    public struct TargetStage: Codable, Equatable, Sendable {
        /// Prune and regrow this fraction of k between epochs (0: off).
        public var regrowFraction: Double = 0
        /// Batches whose dense gradient scores the latents to grow.
        public var regrowBatches = PatternRegrowth.defaultBatches
        /// The learning rate falls with a cosine to this fraction of it within the stage (1: off).
        public var decayLearningRateTo: Double = 1
        /// End the stage on the mean of its last this many epochs' weights (0: off).
        public var averageLastEpochs = 0
        public init() {}
    }

    public struct Selection: Codable, Equatable, Sendable {
        /// Users held out of training, besides the test users, evaluated after every epoch (at the target k).
        public var validationUsers = 0
        /// Keep the epoch with the best validation Recall@20 instead of the last.
        public var keepBest = false
        public init() {}
    }

    public struct Checkpointing: Codable, Equatable, Sendable {
        /// Keep a checkpoint of the run here (removed when it is done); a run started again resumes from it.
        public var file: String?
        /// Minutes between checkpoints (0: after every epoch of elsa or stage of compressed-elsa).
        public var minutes: Double = 10
        /// compressed-elsa: start a fork from this trunk checkpoint while `file` does not exist yet.
        public var forkFrom: String?
        public init() {}
    }
}

// MARK: - Resolved values

extension TrainingRecipe {
    /// The dimension when neither the recipe nor a starting model sets one.
    public static let defaultDimension = 256

    /// The learning rate of the run: the recipe's, or the model's default.
    public var learningRate: Float {
        optimizer.learningRate ?? (model == .compressae ? CompresSAEConfiguration().learningRate : NadamConfiguration().learningRate)
    }

    /// Threads of the run: the recipe's, or the cores available to the process.
    public var resolvedThreads: Int { threads ?? TrainingRecipe.availableCores }

    /// The cores this process may run on.
    public static var availableCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public var densePathFraction: Double { schedule.densePathFraction ?? CompressedELSATrainer.defaultDensePathFraction }

    /// The training configuration of a run at `dimension`.
    public func configuration(dimension: Int) -> TrainingConfiguration {
        TrainingConfiguration(dimension: dimension, epochs: epochs, batchSize: batch.size, maxOutput: batch.outputs ?? Int.max,
                              optimizer: NadamConfiguration(learningRate: learningRate,
                                                            momentumDecayScale: optimizer.momentumDecayScale),
                              activation: activation, threads: resolvedThreads, seed: seed,
                              inputDropout: regularizers.inputDropout, initialization: initialization,
                              preStageStep: preStageStep, optimizerResetEpochs: optimizer.resetEpochs)
    }

    /// The sparsification schedule of a compressed-elsa run at `dimension`.
    /// - Throws: `RecipeError` naming the schedule field at fault.
    public func sparsificationSchedule(dimension: Int) throws -> SparsificationSchedule {
        do {
            return try SparsificationSchedule.make(schedule.kind, dimension: dimension, targetNonzeros: schedule.targetNonzeros,
                                                   epochsPerStage: schedule.epochsPerStage, stepwiseStages: schedule.stages ?? [],
                                                   targetEpochs: schedule.targetEpochs)
        } catch let error as SparsificationSchedule.InvalidSchedule {
            let text = error.description
            let field = text.hasPrefix("target nonzeros") ? "schedule.targetNonzeros"
                : text.hasPrefix("epochs at the target") ? "schedule.targetEpochs"
                : text.hasPrefix("epochs per stage") ? "schedule.epochsPerStage"
                : text.hasPrefix("dimension") ? "dimension" : "schedule.stages"
            throw RecipeError(field: field, text)
        }
    }

    public var regrowth: PatternRegrowth? {
        targetStage.regrowFraction > 0 ? PatternRegrowth(fraction: targetStage.regrowFraction, batches: targetStage.regrowBatches) : nil
    }
    public var learningRateDecay: StageLearningRateDecay? {
        targetStage.decayLearningRateTo < 1 ? StageLearningRateDecay(floor: targetStage.decayLearningRateTo) : nil
    }
    public var weightAveraging: StageWeightAveraging? {
        targetStage.averageLastEpochs > 0 ? StageWeightAveraging(epochs: targetStage.averageLastEpochs) : nil
    }
}

// MARK: - Validation

/// A recipe field with a value it cannot take: one line naming the field (and its `elsa train` flag).
public struct RecipeError: Error, CustomStringConvertible, Equatable {
    /// The field's path in the recipe's JSON, such as `schedule.targetNonzeros`.
    public let field: String
    public let message: String
    /// The recipe file the field was read from, when the error is in the file itself (JSON, types, unknown keys).
    public let file: String?

    public init(field: String, _ message: String, file: String? = nil) {
        self.field = field
        self.message = message
        self.file = file
    }

    /// `elsa train`'s flag for each field.
    public static let flags: [String: String] = [
        "model": "--model", "dimension": "--dimension", "epochs": "--epochs", "seed": "--seed", "threads": "--threads",
        "split.testUsers": "--test-users", "split.kind": "--split", "startFrom": "--from-model", "schedule.kind": "--schedule",
        "schedule.targetNonzeros": "--target-nonzeros", "schedule.stages": "--stages", "schedule.restart": "--no-restart",
        "schedule.epochsPerStage": "--epochs-per-stage", "schedule.targetEpochs": "--target-epochs",
        "schedule.carryOptimizerState": "--carry-optimizer-state", "schedule.densePathFraction": "--dense-path-fraction",
        "optimizer.learningRate": "--learning-rate", "optimizer.momentumDecayScale": "--momentum-decay-scale",
        "optimizer.resetEpochs": "--optimizer-reset-epochs", "batch.size": "--batch-size", "batch.outputs": "--max-output",
        "activation": "--activation", "initialization": "--initialization", "preStageStep": "--pre-stage-step",
        "regularizers.inputDropout": "--input-dropout", "teachers.model": "--distill-from", "teachers.ease": "--distill-from-ease",
        "teachers.weight": "--distill-weight", "teachers.targetModel": "--target-distill-from",
        "teachers.targetEase": "--target-distill-from-ease", "teachers.targetWeight": "--target-distill-weight",
        "targetStage.regrowFraction": "--regrow-fraction", "targetStage.regrowBatches": "--regrow-batches",
        "targetStage.decayLearningRateTo": "--decay-learning-rate-to", "targetStage.averageLastEpochs": "--average-last-epochs",
        "selection.validationUsers": "--validation-users", "selection.keepBest": "--keep-best",
        "checkpoint.file": "--checkpoint", "checkpoint.minutes": "--checkpoint-minutes", "checkpoint.forkFrom": "--fork-from",
        "data.path": "--data", "data.format": "--format", "data.cache": "--cache", "data.minRating": "--min-rating",
        "data.minUserSupport": "--min-user-support", "data.minItemSupport": "--min-item-support", "data.separator": "--separator",
        "data.userColumn": "--user-column", "data.itemColumn": "--item-column", "data.ratingColumn": "--rating-column",
        "data.timestampColumn": "--timestamp-column", "data.header": "--header",
        "data.synthetic.users": "--synthetic-users", "data.synthetic.items": "--synthetic-items",
        "data.synthetic.segments": "--synthetic-segments", "data.synthetic.interactionsPerUser": "--synthetic-interactions",
    ]

    /// `--flag message (recipe field F)` for a value out of range, `FILE: recipe field F: message` for a file at fault.
    public var description: String {
        if let file { return "\(file): recipe field \(field): \(message)" }
        guard let flag = Self.flags[field] else { return "recipe field \(field): \(message)" }
        let joined = ["must ", "is ", "needs ", "and ", "names "].contains { message.hasPrefix($0) } ? " " : ": "
        return flag + joined + message + " (recipe field \(field))"
    }
}

extension TrainingRecipe {
    /// The largest learning rate accepted (the paper's is 0.1): anything above diverges at once.
    public static let maximumLearningRate: Float = 100
    /// The largest batch accepted.
    public static let maximumBatchSize = 1 << 24

    /// Checks every field and their combinations, and that the files the recipe reads exist.
    /// - Throws: `RecipeError` naming the first field at fault and its value.
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> RecipeError { RecipeError(field: field, message) }
        let maxDimension = SparsificationSchedule.maximumDimension, maxEpochs = SparsificationSchedule.maximumEpochs
        let sparse = model == .compressedELSA
        if let dimension, !(1...maxDimension).contains(dimension) {
            throw fail("dimension", "must be in 1...\(maxDimension), got \(dimension)")
        }
        if !(0...maxEpochs).contains(epochs) { throw fail("epochs", "must be in 0...\(maxEpochs), got \(epochs)") }
        if let threads, !(1...1024).contains(threads) { throw fail("threads", "must be in 1...1024, got \(threads)") }
        if split.testUsers < 1 { throw fail("split.testUsers", "must be at least 1, got \(split.testUsers)") }
        if split.kind == .published, let format = data?.format, format != DataFormat.adjacency.rawValue {
            throw fail("split.kind", "published needs the data format adjacency (a folder with train.txt and test.txt), got \(format)")
        }
        if !(1...Self.maximumBatchSize).contains(batch.size) {
            throw fail("batch.size", "must be in 1...\(Self.maximumBatchSize), got \(batch.size)")
        }
        if let outputs = batch.outputs, outputs < 1 { throw fail("batch.outputs", "must be at least 1, got \(outputs)") }
        if let rate = optimizer.learningRate, !(rate > 0 && rate <= Self.maximumLearningRate) {
            throw fail("optimizer.learningRate", "must be positive and at most \(Self.maximumLearningRate), got \(rate)")
        }
        if !(optimizer.momentumDecayScale >= 0 && optimizer.momentumDecayScale.isFinite) {
            throw fail("optimizer.momentumDecayScale", "must be finite and not negative, got \(optimizer.momentumDecayScale)")
        }
        if !(0...maxEpochs).contains(optimizer.resetEpochs) {
            throw fail("optimizer.resetEpochs", "must be in 0...\(maxEpochs), got \(optimizer.resetEpochs)")
        }
        if optimizer.resetEpochs > 0 && model != .elsa { throw fail("optimizer.resetEpochs", "is for the model elsa") }
        if model == .compressae && (initialization != .default || !preStageStep) {
            throw fail(initialization != .default ? "initialization" : "preStageStep", "is for the models elsa and compressed-elsa")
        }
        let dropout = regularizers.inputDropout
        if !(dropout >= 0 && dropout < 1) { throw fail("regularizers.inputDropout", "must be at least 0 and below 1, got \(dropout)") }
        if dropout > 0 && model == .compressae { throw fail("regularizers.inputDropout", "is for the models elsa and compressed-elsa") }
        if let fraction = schedule.densePathFraction, !(fraction >= 0 && fraction <= 1) {
            throw fail("schedule.densePathFraction", "must be in 0...1, got \(fraction)")
        }
        try validateTargetStage(sparse: sparse)
        if sparse && startFrom == nil { _ = try sparsificationSchedule(dimension: dimension ?? Self.defaultDimension) }
        if model == .compressae {
            guard startFrom != nil else { throw fail("startFrom", "the model compressae needs the dense model to compress") }
            let width = dimension ?? Self.defaultDimension
            if !(1...width).contains(schedule.targetNonzeros) {
                throw fail("schedule.targetNonzeros", "must be between 1 and the code width (dimension \(width)), got \(schedule.targetNonzeros)")
            }
        }
        if let startFrom {
            if model == .elsa { throw fail("startFrom", "is for the models compressed-elsa and compressae") }
            if !FileManager.default.fileExists(atPath: startFrom) { throw fail("startFrom", "\(startFrom): no such model file") }
        }
        try validateTeachers(sparse: sparse)
        try validateSelection()
        try validateCheckpoint(sparse: sparse)
    }

    private func validateTargetStage(sparse: Bool) throws {
        let stage = targetStage
        if !(stage.regrowFraction >= 0 && stage.regrowFraction <= 1) {
            throw RecipeError(field: "targetStage.regrowFraction", "must be in 0...1, got \(stage.regrowFraction)")
        }
        if !(1...100_000).contains(stage.regrowBatches) {
            throw RecipeError(field: "targetStage.regrowBatches", "must be in 1...100000, got \(stage.regrowBatches)")
        }
        if !(stage.decayLearningRateTo >= 0 && stage.decayLearningRateTo <= 1) {
            throw RecipeError(field: "targetStage.decayLearningRateTo", "must be in 0...1, got \(stage.decayLearningRateTo)")
        }
        if stage.averageLastEpochs < 0 || stage.averageLastEpochs == 1 || stage.averageLastEpochs > SparsificationSchedule.maximumEpochs {
            throw RecipeError(field: "targetStage.averageLastEpochs",
                              "must be 0 (off) or in 2...\(SparsificationSchedule.maximumEpochs), got \(stage.averageLastEpochs)")
        }
        if !sparse {
            for (field, on) in [("targetStage.regrowFraction", stage.regrowFraction > 0),
                                ("targetStage.decayLearningRateTo", stage.decayLearningRateTo < 1),
                                ("targetStage.averageLastEpochs", stage.averageLastEpochs > 0),
                                ("schedule.carryOptimizerState", schedule.carryOptimizerState)] where on {
                throw RecipeError(field: field, "is for the model compressed-elsa")
            }
        }
    }

    private func validateTeachers(sparse: Bool) throws {
        let t = teachers
        for (field, file, ease, twoTeachers) in [("teachers.model", t.model, t.ease, "teachers.ease"),
                                                 ("teachers.targetModel", t.targetModel, t.targetEase, "teachers.targetEase")] {
            if let file {
                if !sparse { throw RecipeError(field: field, "is for the model compressed-elsa") }
                if !FileManager.default.fileExists(atPath: file) { throw RecipeError(field: field, "\(file): no such model file") }
            }
            if let ease {
                if !sparse { throw RecipeError(field: twoTeachers, "is for the model compressed-elsa") }
                if file != nil { throw RecipeError(field: twoTeachers, "names a second teacher beside \(field) \(file!): give one") }
                if !(ease > 0 && ease.isFinite) { throw RecipeError(field: twoTeachers, "must be a positive finite lambda, got \(ease)") }
            }
        }
        if !(t.weight >= 0 && t.weight <= 1) { throw RecipeError(field: "teachers.weight", "must be between 0 and 1, got \(t.weight)") }
        if let weight = t.targetWeight {
            if !t.hasTargetTeacher { throw RecipeError(field: "teachers.targetWeight", "needs a target-stage teacher (teachers.targetModel or teachers.targetEase)") }
            if !(weight >= 0 && weight <= 1) { throw RecipeError(field: "teachers.targetWeight", "must be between 0 and 1, got \(weight)") }
        }
    }

    private func validateSelection() throws {
        let s = selection
        if s.validationUsers < 0 { throw RecipeError(field: "selection.validationUsers", "must not be negative, got \(s.validationUsers)") }
        if s.validationUsers > 0 && model == .compressae {
            throw RecipeError(field: "selection.validationUsers", "is for the models elsa and compressed-elsa")
        }
        if s.keepBest && s.validationUsers == 0 { throw RecipeError(field: "selection.keepBest", "needs selection.validationUsers") }
        if s.keepBest && targetStage.averageLastEpochs > 0 {
            throw RecipeError(field: "selection.keepBest", "and targetStage.averageLastEpochs both choose the final model; use one")
        }
    }

    private func validateCheckpoint(sparse: Bool) throws {
        let c = checkpoint
        if !(c.minutes >= 0 && c.minutes.isFinite) { throw RecipeError(field: "checkpoint.minutes", "must be finite and not negative, got \(c.minutes)") }
        if c.file != nil && model == .compressae { throw RecipeError(field: "checkpoint.file", "is for the models elsa and compressed-elsa") }
        guard let forkFrom = c.forkFrom else { return }
        if !sparse { throw RecipeError(field: "checkpoint.forkFrom", "is for the model compressed-elsa") }
        guard let file = c.file else { throw RecipeError(field: "checkpoint.forkFrom", "needs checkpoint.file, the fork's own checkpoint") }
        if URL(fileURLWithPath: forkFrom).standardizedFileURL == URL(fileURLWithPath: file).standardizedFileURL {
            throw RecipeError(field: "checkpoint.forkFrom", "names the same file as checkpoint.file; the trunk is only read")
        }
        if !FileManager.default.fileExists(atPath: forkFrom) { throw RecipeError(field: "checkpoint.forkFrom", "\(forkFrom): no such checkpoint") }
    }
}
