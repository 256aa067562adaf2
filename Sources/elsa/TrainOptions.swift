import ArgumentParser
import Foundation
import ELSA

// The options of `elsa train`, one group per part of the training recipe. Every option is optional:
// left out, the recipe's field (from `--recipe`, or its default) stays. Expert options are in
// `--help-hidden`; docs/recipes.md explains each field.

extension TrainingRecipe.Model: ExpressibleByArgument {
    public static var allValueStrings: [String] { [] }
}

private func hidden(_ text: String, _ value: String? = nil) -> ArgumentHelp {
    ArgumentHelp(text, valueName: value, visibility: .hidden)
}

struct TrainModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("elsa (default), compressed-elsa or compressae.", valueName: "name"))
    var model: TrainingRecipe.Model?
    @Option(help: ArgumentHelp("Latent dimension d (default 256).", valueName: "d")) var dimension: Int?
    @Option(help: ArgumentHelp("Epochs of elsa and compressae (default 10).", valueName: "n")) var epochs: Int?
    @Option(help: ArgumentHelp("Start from (compressae: compress) this model.", valueName: "file")) var fromModel: String?
    @Option(help: hidden("Activation on the training prediction: relu or relu6 (default).")) var activation: Activation?
    @Option(help: hidden("warm-step (default: Xavier, then one Nadam step on the first batch, as the authors' script), warm-steps:N or xavier."))
    var initialization: Initialization?
    @Option(help: hidden("true (default): one extra step before each stage with a fresh optimizer, as the authors' script; false: none."))
    var preStageStep: Bool?
    @Option(help: hidden("Drop each input item with this probability in every batch (a denoising regularizer; default 0)."))
    var inputDropout: Double?

    func apply(to recipe: inout TrainingRecipe) {
        if let model { recipe.model = model }
        if let dimension { recipe.dimension = dimension }
        if let epochs { recipe.epochs = epochs }
        if let fromModel { recipe.startFrom = fromModel }
        if let activation { recipe.activation = activation }
        if let initialization { recipe.initialization = initialization }
        if let preStageStep { recipe.preStageStep = preStageStep }
        if let inputDropout { recipe.regularizers.inputDropout = inputDropout }
    }
}

struct TrainScheduleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Nonzeros per item row at the end (default 16).", valueName: "k")) var targetNonzeros: Int?
    @Option(help: ArgumentHelp("exponential (default), stepwise, linear, constant.", valueName: "kind"))
    var schedule: SparsificationSchedule.Kind?
    @Option(help: ArgumentHelp("Epochs per stage E (default 10).", valueName: "e")) var epochsPerStage: Int?
    @Option(help: ArgumentHelp("Epochs at the target k (default E).", valueName: "n")) var targetEpochs: Int?
    @Flag(name: .customLong("restart"), inversion: .prefixedNo,
          help: "Rewind to the start at each stage (default on).")
    var restart: Bool?
    @Option(help: hidden("stepwise: the k of each stage, e.g. \"1024 512 256\".")) var stages: String?
    @Flag(help: hidden("Carry Nadam moments over the surviving entries instead of a fresh optimizer per stage."))
    var carryOptimizerState = false
    @Option(help: hidden("Stages with k above this fraction of d run on the dense CBLAS path (default: this machine's).")) var densePathFraction: Double?

    func apply(to recipe: inout TrainingRecipe) throws {
        if let targetNonzeros { recipe.schedule.targetNonzeros = targetNonzeros }
        if let schedule { recipe.schedule.kind = schedule }
        if let epochsPerStage { recipe.schedule.epochsPerStage = epochsPerStage }
        if let targetEpochs { recipe.schedule.targetEpochs = targetEpochs }
        if let restart { recipe.schedule.restart = restart }
        if let stages { recipe.schedule.stages = try parseStageList(stages) }
        if carryOptimizerState { recipe.schedule.carryOptimizerState = true }
        if let densePathFraction { recipe.schedule.densePathFraction = densePathFraction }
    }
}

struct TrainOptimizerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Nadam learning rate (default 0.1).", valueName: "rate")) var learningRate: Float?
    @Option(help: ArgumentHelp("Users per batch (default 1024).", valueName: "n")) var batchSize: Int?
    @Option(help: hidden("Output columns per batch: the batch's items plus sampled negatives (default: all items).")) var maxOutput: Int?
    @Option(help: hidden("Nadam momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(s t)): s = 1 as Keras 3 (default), 0.004 as Keras 2."))
    var momentumDecayScale: Double?
    @Option(help: hidden("elsa: a fresh optimizer every N epochs (default 0: one optimizer for the run).")) var optimizerResetEpochs: Int?

    func apply(to recipe: inout TrainingRecipe) {
        if let learningRate { recipe.optimizer.learningRate = learningRate }
        if let batchSize { recipe.batch.size = batchSize }
        if let maxOutput { recipe.batch.outputs = maxOutput }
        if let momentumDecayScale { recipe.optimizer.momentumDecayScale = momentumDecayScale }
        if let optimizerResetEpochs { recipe.optimizer.resetEpochs = optimizerResetEpochs }
    }
}

struct TrainTargetStageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Prune and regrow this fraction of k.", valueName: "f")) var regrowFraction: Double?
    @Option(help: hidden("End each stage of several epochs on the mean of its last N epochs' weights (default 0: off)."))
    var averageLastEpochs: Int?
    @Option(help: hidden("Cosine decay of the learning rate within a stage of several epochs to this fraction (default 1: off)."))
    var decayLearningRateTo: Double?
    @Option(help: hidden("With --regrow-fraction: batches whose dense gradient scores the latents to grow (default 4)."))
    var regrowBatches: Int?

    func apply(to recipe: inout TrainingRecipe) {
        if let regrowFraction { recipe.targetStage.regrowFraction = regrowFraction }
        if let averageLastEpochs { recipe.targetStage.averageLastEpochs = averageLastEpochs }
        if let decayLearningRateTo { recipe.targetStage.decayLearningRateTo = decayLearningRateTo }
        if let regrowBatches { recipe.targetStage.regrowBatches = regrowBatches }
    }
}

struct TrainTeacherOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Distill from this dense model.", valueName: "file")) var distillFrom: String?
    @Option(help: ArgumentHelp("Distill from EASE with this lambda.", valueName: "λ")) var distillFromEase: Float?
    @Option(help: ArgumentHelp("The teacher's weight w (default 0.5).", valueName: "w")) var distillWeight: Double?
    @Option(help: hidden("A saved dense model to distill from in the target stage only (replacing the run's teacher there)."))
    var targetDistillFrom: String?
    @Option(help: hidden("Fit EASE with this lambda when the target stage begins and distill from it there only."))
    var targetDistillFromEase: Float?
    @Option(help: hidden("The target stage teacher's weight (default: --distill-weight).")) var targetDistillWeight: Double?

    func apply(to recipe: inout TrainingRecipe) {
        // A teacher given here replaces the recipe's (a model and EASE are two teachers).
        if let distillFrom { (recipe.teachers.model, recipe.teachers.ease) = (distillFrom, nil) }
        if let distillFromEase { (recipe.teachers.ease, recipe.teachers.model) = (distillFromEase, distillFrom) }
        if let distillWeight { recipe.teachers.weight = distillWeight }
        if let targetDistillFrom { (recipe.teachers.targetModel, recipe.teachers.targetEase) = (targetDistillFrom, nil) }
        if let targetDistillFromEase { (recipe.teachers.targetEase, recipe.teachers.targetModel) = (targetDistillFromEase, targetDistillFrom) }
        if let targetDistillWeight { recipe.teachers.targetWeight = targetDistillWeight }
    }
}

struct TrainCheckpointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Checkpoint file; a rerun resumes from it.", valueName: "file")) var checkpoint: String?
    @Option(help: ArgumentHelp("Fork from this trunk checkpoint.", valueName: "file")) var forkFrom: String?
    @Option(help: hidden("Minutes between checkpoints (default 10; 0: after every epoch of elsa or stage of compressed-elsa)."))
    var checkpointMinutes: Double?

    func apply(to recipe: inout TrainingRecipe) {
        if let checkpoint { recipe.checkpoint.file = checkpoint }
        if let forkFrom { recipe.checkpoint.forkFrom = forkFrom }
        if let checkpointMinutes { recipe.checkpoint.minutes = checkpointMinutes }
    }
}

extension TrainingRecipe.Split.Kind: ExpressibleByArgument {
    public static var allValueStrings: [String] { [] }
}

struct TrainSplitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("strong (default) or published (adjacency).", valueName: "kind"))
    var split: TrainingRecipe.Split.Kind?
    @Option(help: ArgumentHelp("Held-out test users (default 2500).", valueName: "n")) var testUsers: Int?
    @Option(help: ArgumentHelp("Seed of split, start and batches (42).", valueName: "n")) var seed: UInt64?
    @Option(help: ArgumentHelp("Users to validate on after each epoch.", valueName: "n")) var validationUsers: Int?
    @Flag(help: "Keep the best validation epoch.") var keepBest = false
    @Option(help: hidden("Write the split (items.tsv, train.tsv, test.tsv, validation.tsv) to this folder, for tools in other languages."))
    var writeSplit: String?

    func apply(to recipe: inout TrainingRecipe) {
        if let split { recipe.split.kind = split }
        if let testUsers { recipe.split.testUsers = testUsers }
        if let seed { recipe.seed = seed }
        if let validationUsers { recipe.selection.validationUsers = validationUsers }
        if keepBest { recipe.selection.keepBest = true }
    }
}

struct TrainOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Save the model here (else it is not saved).", valueName: "file")) var output: String?
    @Option(help: ArgumentHelp("Write the JSON report here.", valueName: "file")) var report: String?
    @Option(help: ArgumentHelp("Threads (default: the cores available).", valueName: "n")) var threads: Int?
    @Option(help: hidden("Write the resolved recipe (JSON) here before training.")) var writeRecipe: String?

    func apply(to recipe: inout TrainingRecipe) {
        if let threads { recipe.threads = threads }
    }
}
