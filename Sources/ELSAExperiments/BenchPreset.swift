import ELSABaselines
import ELSATraining

/// The settings of a compression study (`elsa bench`).
public struct BenchPreset: Sendable, Equatable, Codable {
    public var name: String
    /// Dimension D of the full dense ELSA and the start of sparse training.
    public var dimension: Int
    /// E: epochs per stage of the schedules (and epochs at the target unless `targetEpochs` is set).
    public var epochsPerStage: Int
    /// Epochs at the target k of every sparse schedule; nil: E (the paper). Absent from the
    /// fingerprint of studies that do not set it, so their finished runs stay valid.
    public var targetEpochs: Int?
    /// Input dropout of every ELSA training of the study (dense and sparse; see
    /// `TrainingConfiguration.inputDropout`); nil: none (the paper), absent from the fingerprint.
    public var inputDropout: Double?
    /// Nadam learning rate of every ELSA training of the study; nil: 0.1 (the paper), absent from the fingerprint.
    public var learningRate: Float?
    /// Activation of every ELSA training of the study; nil: ReLU6 (the authors' sparse step), absent from the fingerprint.
    public var activation: Activation?
    /// Users held out of training besides the test users, on which every dense ELSA epoch and every
    /// epoch at a sparse schedule's target k is evaluated; each run keeps its epoch with the best
    /// validation Recall@20. nil: none (the paper trains every epoch), absent from the fingerprint.
    public var validationUsers: Int?
    /// Weight of the full dense ELSA's predictions in the loss of every sparse schedule (knowledge
    /// distillation, see `DistillationTeacher`; not in the paper). nil: none, absent from the fingerprint.
    public var distillWeight: Double?
    /// Prune and regrow the pattern between the epochs of every sparse schedule's stages (see `PatternRegrowth`;
    /// not in the paper): the fraction of k swapped after a stage's first epoch. nil: none, absent from the fingerprint.
    public var regrowFraction: Double?
    /// Batches whose dense gradient scores the latents to grow; nil: `PatternRegrowth.defaultBatches`. Absent from the fingerprint unless set.
    public var regrowBatches: Int?
    /// The learning rate of every sparse schedule falls with a cosine within each stage of several epochs to this
    /// fraction of it (see `StageLearningRateDecay`; not in the paper). nil: a constant rate, absent from the fingerprint.
    public var decayLearningRateTo: Double?
    /// Every sparse schedule ends each stage of several epochs on the mean of its last this many epochs'
    /// row-normalized weights (see `StageWeightAveraging`; not in the paper; not with `validationUsers`, which
    /// choose the final model too). nil: the last epoch's weights, absent from the fingerprint.
    public var averageLastEpochs: Int?
    /// How every ELSA training of the study starts; nil: `Initialization.default` (the reference's warm step).
    public var initialization: Initialization?
    /// Whether every ELSA training of the study takes the extra step before each stage; nil: the default (yes).
    public var preStageStep: Bool?

    /// The regrowth of the study's sparse schedules, or nil.
    public var regrowth: PatternRegrowth? {
        regrowFraction.map { PatternRegrowth(fraction: $0, batches: regrowBatches ?? PatternRegrowth.defaultBatches) }
    }
    /// The learning-rate decay of the study's sparse schedules, or nil.
    public var learningRateDecay: StageLearningRateDecay? { decayLearningRateTo.map { StageLearningRateDecay(floor: $0) } }
    /// The weight averaging of the study's sparse schedules, or nil.
    public var weightAveraging: StageWeightAveraging? { averageLastEpochs.map { StageWeightAveraging(epochs: $0) } }
    /// Epochs of every dense ELSA run (full size and at the byte budget).
    public var denseEpochs: Int
    public var batchSize: Int
    /// Byte budgets per item vector: 8 B per sparse nonzero, 4 B per dense factor.
    public var budgets: [Int]
    /// EASE regularization for the full and the pruned EASE.
    public var lambda: Float
    public var testUsers: Int
    /// Output columns per batch (`Int.max`: all items).
    public var maxOutput: Int
    /// CompresSAE: hidden dimension, epochs and batch size.
    public var saeHidden: Int
    public var saeEpochs: Int

    public init(name: String, dimension: Int, epochsPerStage: Int, denseEpochs: Int, batchSize: Int, budgets: [Int],
                lambda: Float, testUsers: Int, maxOutput: Int, saeHidden: Int, saeEpochs: Int) {
        self.name = name
        self.dimension = dimension
        self.epochsPerStage = epochsPerStage
        self.denseEpochs = denseEpochs
        self.batchSize = batchSize
        self.budgets = budgets
        self.lambda = lambda
        self.testUsers = testUsers
        self.maxOutput = maxOutput
        self.saeHidden = saeHidden
        self.saeEpochs = saeEpochs
    }

    /// A few minutes on 2 cores on the embedded synthetic data.
    public static let quick = BenchPreset(name: "quick", dimension: 512, epochsPerStage: 2, denseEpochs: 10, batchSize: 256,
                                          budgets: [1024, 512, 256, 128, 64], lambda: 50, testUsers: 500, maxOutput: Int.max,
                                          saeHidden: 1024, saeEpochs: 20)
    /// The paper's settings: d = 4096, E = 10, batch 1024, targets 128/64/32/16/8 nonzeros.
    public static let paper = BenchPreset(name: "paper", dimension: 4096, epochsPerStage: 10, denseEpochs: 10, batchSize: 1024,
                                          budgets: [1024, 512, 256, 128, 64], lambda: 100, testUsers: 10000, maxOutput: Int.max,
                                          saeHidden: 4096, saeEpochs: 20)

    /// The recipe of the study's ELSA trainings of `model` (dense ELSA or compressed ELSA; each run then sets its
    /// dimension, target, schedule kind and files): the preset's settings as recipe fields, so that `elsa bench`
    /// validates them as `elsa train` does.
    public func recipe(model: TrainingRecipe.Model, seed: UInt64, threads: Int) -> TrainingRecipe {
        var recipe = TrainingRecipe(model: model)
        (recipe.dimension, recipe.epochs, recipe.seed, recipe.threads) = (dimension, denseEpochs, seed, threads)
        recipe.split.testUsers = testUsers
        recipe.batch.size = batchSize
        recipe.batch.outputs = maxOutput == Int.max ? nil : maxOutput
        recipe.optimizer.learningRate = learningRate
        recipe.activation = activation ?? .relu6
        recipe.regularizers.inputDropout = inputDropout ?? 0
        recipe.initialization = initialization ?? .default
        recipe.preStageStep = preStageStep ?? true
        if let validationUsers {
            recipe.selection.validationUsers = validationUsers
            recipe.selection.keepBest = true
        }
        guard model == .compressedELSA else { return recipe }
        recipe.epochs = 1
        (recipe.schedule.epochsPerStage, recipe.schedule.targetEpochs) = (epochsPerStage, targetEpochs)
        recipe.schedule.targetNonzeros = min(budgets.min().map { $0 / 8 } ?? 1, dimension)
        recipe.teachers.weight = distillWeight ?? recipe.teachers.weight
        recipe.targetStage.regrowFraction = regrowFraction ?? 0
        recipe.targetStage.regrowBatches = regrowBatches ?? PatternRegrowth.defaultBatches
        recipe.targetStage.decayLearningRateTo = decayLearningRateTo ?? 1
        recipe.targetStage.averageLastEpochs = averageLastEpochs ?? 0
        return recipe
    }

    public static func named(_ name: String) -> BenchPreset? {
        switch name {
        case "quick": return .quick
        case "paper": return .paper
        default: return nil
        }
    }
}
