import ArgumentParser
import Foundation
import ELSA
import _ELSASupport

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "The compression study: every method at every byte budget, with tables, CSV/JSON, an SVG plot and speed figures.",
        discussion: "Finished runs are kept under OUTPUT/runs/ and skipped when the study is started again, so an interrupted study resumes. "
            + "A sparse schedule family also keeps a checkpoint of its shared trunk (OUTPUT/runs/FAMILY.checkpoint, "
            + "removed when the family is done), and a dense ELSA run one of its epochs (OUTPUT/runs/RUN.checkpoint), "
            + "so an interrupted family or dense run continues from its last checkpoint.")

    @Option(help: "quick (a few minutes on the synthetic data) or paper (d = 4096, E = 10, batch 1024).")
    var preset: String = "quick"
    @Flag(help: "Also run the schedule ablation (step-wise, linear, with and without restarting).") var ablation = false
    @Option(help: "Output folder (default ./elsa-bench/<dataset>).") var output: String?
    @Option(help: "Override the preset's dimension D.") var dimension: Int?
    @Option(help: "Override the preset's epochs per stage E.") var epochsPerStage: Int?
    @Option(help: "Epochs at the target k of the sparse schedules (default: E, as in the paper).") var targetEpochs: Int?
    @Option(help: "Input dropout in every ELSA training of the study, dense and sparse (see elsa train --input-dropout; default none, as in the paper).")
    var inputDropout: Double?
    @Option(help: "Nadam learning rate of every ELSA training of the study (default 0.1, as in the paper).") var learningRate: Float?
    @Option(help: "Activation of every ELSA training of the study: relu or relu6 (default relu6, the authors' sparse step).")
    var activation: Activation?
    @Option(help: "How every ELSA training of the study starts: warm-step (the default, as the authors' script), warm-steps:N or xavier (see elsa train --initialization).")
    var initialization: Initialization?
    @Option(help: "Whether every ELSA training of the study takes one extra step before each stage, as the authors' script does (default true; see elsa train --pre-stage-step).")
    var preStageStep: Bool?
    @Option(help: "Users held out of training besides the test users: every dense ELSA epoch and every epoch at a sparse schedule's target k is evaluated on them, and each run keeps its epoch with the best validation Recall@20 (default none: the last epoch, as in the paper).")
    var validationUsers: Int?
    @Option(help: "Distill every sparse schedule from the full dense ELSA: weight w of its predictions in the loss (see elsa train --distill-from; default none, as in the paper).")
    var distillWeight: Double?
    @Option(help: "Prune and regrow the pattern between the epochs of every sparse schedule's stages: the fraction of k swapped after a stage's first epoch (see elsa train --regrow-fraction; default none, as in the paper).")
    var regrowFraction: Double?
    @Option(help: "With --regrow-fraction: batches whose dense gradient scores the latents to grow (default \(PatternRegrowth.defaultBatches)).")
    var regrowBatches: Int?
    @Option(help: "Lower the learning rate of every sparse schedule within each stage of several epochs, with a cosine to this fraction of it at the stage's last epoch (see elsa train --decay-learning-rate-to; default none: a constant rate, as in the paper).")
    var decayLearningRateTo: Double?
    @Option(help: "End every sparse schedule's stages of several epochs (the target's, in the exponential schedule) on the mean of their last N epochs' row-normalized weights (see elsa train --average-last-epochs; default 0: the last epoch's weights, as in the paper).")
    var averageLastEpochs: Int = 0
    @Option(help: "Override the preset's dense ELSA epochs.") var denseEpochs: Int?
    @Option(help: "Override the preset's batch size.") var batchSize: Int?
    @Option(help: "Override the preset's EASE lambda.") var lambda: Float?
    @Option(help: "Override the preset's byte budgets, e.g. \"1024 512 256 128 64\".") var budgets: String?
    @Option(help: "Override the preset's output columns per batch (default: all items).") var maxOutput: Int?
    @Option(help: "Override the preset's CompresSAE hidden dimension.") var saeHidden: Int?
    @Option(help: "Run only these method families (comma-separated: ease, pruned, dense, sparse, compressae, or one schedule family of sparse such as exponential-restart); the tables cover every finished run.")
    var only: String?
    @Option(help: "Minutes between checkpoints of a sparse schedule family's trunk or a dense ELSA run (0: after every stage or epoch).")
    var checkpointMinutes: Double = 10

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Held-out test users (default: the preset's).") var testUsers: Int?
    @Option(help: "strong (held-out test users, the paper's protocol) or published (the data folder's train.txt and test.txt, adjacency; every model ranks all items but each user's training items).")
    var split: TrainingRecipe.Split.Kind = .strong
    @Option(help: "Seed for the split, the initialization and the batches.") var seed: UInt64 = 42
    @Option(help: "Threads (default: the cores available).") var threads: Int = TrainingRecipe.availableCores

    func validate() throws {
        guard BenchPreset.named(preset) != nil else { throw ValidationError("--preset must be quick or paper, got '\(preset)'") }
        if let budgets, try parsedBudgets(budgets).isEmpty { throw ValidationError("--budgets needs at least one number") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        for (name, value) in [("--dimension", dimension), ("--epochs-per-stage", epochsPerStage), ("--target-epochs", targetEpochs),
                              ("--dense-epochs", denseEpochs),
                              ("--batch-size", batchSize), ("--max-output", maxOutput), ("--sae-hidden", saeHidden), ("--test-users", testUsers),
                              ("--validation-users", validationUsers)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
        // The training options are recipe fields: checked by the recipe's own validation (see `run`).
        if let lambda, lambda < 0 { throw ValidationError("--lambda must not be negative") }
        if !(checkpointMinutes >= 0) { throw ValidationError("--checkpoint-minutes must not be negative, got \(checkpointMinutes)") }
        let known = BenchStudy.families.union(BenchStudy.scheduleFamilyNames)
        for family in selectedFamilies ?? [] where !known.contains(family) {
            throw ValidationError("--only: unknown family '\(family)' (use \(BenchStudy.families.sorted().joined(separator: ", ")), "
                                  + "or one schedule family: \(BenchStudy.scheduleFamilyNames.sorted().joined(separator: ", ")))")
        }
    }

    var selectedFamilies: Set<String>? {
        only.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
    }

    func parsedBudgets(_ text: String) throws -> [Int] {
        try text.split(whereSeparator: { $0 == " " || $0 == "," }).map {
            guard let value = Int($0), value >= 8, value % 8 == 0 else { throw ValidationError("--budgets: '\($0)' is not a multiple of 8 bytes") }
            return value
        }
    }

    func run() throws {
        var chosen = BenchPreset.named(preset)!
        if let dimension { chosen.dimension = dimension }
        if let epochsPerStage { chosen.epochsPerStage = epochsPerStage }
        if let targetEpochs { chosen.targetEpochs = targetEpochs }
        if let inputDropout, inputDropout > 0 { chosen.inputDropout = inputDropout }
        if let learningRate { chosen.learningRate = learningRate }
        if let activation { chosen.activation = activation }
        if let initialization { chosen.initialization = initialization }
        if let preStageStep { chosen.preStageStep = preStageStep }
        if let validationUsers { chosen.validationUsers = validationUsers }
        if let distillWeight { chosen.distillWeight = distillWeight }
        if let regrowFraction, regrowFraction > 0 { chosen.regrowFraction = regrowFraction }
        if let regrowBatches { chosen.regrowBatches = regrowBatches }
        if let decayLearningRateTo, decayLearningRateTo < 1 { chosen.decayLearningRateTo = decayLearningRateTo }
        if averageLastEpochs > 0 { chosen.averageLastEpochs = averageLastEpochs }
        if let denseEpochs { chosen.denseEpochs = denseEpochs }
        if let batchSize { chosen.batchSize = batchSize }
        if let lambda { chosen.lambda = lambda }
        if let budgets { chosen.budgets = try parsedBudgets(budgets) }
        if let maxOutput { chosen.maxOutput = maxOutput }
        if let saeHidden { chosen.saeHidden = saeHidden }
        if let testUsers { chosen.testUsers = testUsers }
        // The study's trainings as recipes, validated as elsa train validates them (the sparse form holds every field),
        // with every option as given: a value that leaves the preset as it is (such as --input-dropout 0) is checked too.
        var checked = chosen
        (checked.inputDropout, checked.regrowFraction) = (inputDropout ?? checked.inputDropout, regrowFraction ?? checked.regrowFraction)
        checked.decayLearningRateTo = decayLearningRateTo ?? checked.decayLearningRateTo
        if averageLastEpochs != 0 { checked.averageLastEpochs = averageLastEpochs }
        try commandLine { try checked.recipe(model: .compressedELSA, seed: seed, threads: threads).validate() }
        if let largest = chosen.budgets.max(), largest / 8 > chosen.dimension {
            throw ValidationError("budget \(largest) B needs k = \(largest / 8) nonzeros, more than d = \(chosen.dimension)")
        }
        if let largest = chosen.budgets.max(), largest / 8 > chosen.saeHidden {
            throw ValidationError("budget \(largest) B needs k = \(largest / 8) nonzeros, more than the CompresSAE width \(chosen.saeHidden)")
        }
        let experiment: Experiment
        if split == .published {
            guard dataOptions.format == .adjacency else { throw ValidationError("--split published needs --format adjacency (a folder with train.txt and test.txt)") }
            experiment = try Experiment(published: try PublishedSplit(folder: dataOptions.data),
                                        name: URL(fileURLWithPath: dataOptions.data).lastPathComponent,
                                        validationUsers: chosen.validationUsers ?? 0, seed: seed, threads: threads)
        } else {
            experiment = try Experiment(source: try dataOptions.source, testUsers: chosen.testUsers,
                                        validationUsers: chosen.validationUsers ?? 0, seed: seed, threads: threads)
        }
        note(experiment.loaded.summary + String(format: "\n(read and preprocessed in %.3f s)", experiment.loaded.seconds))
        let folder = output ?? "elsa-bench/\(experiment.source.name)"
        note("study on \(experiment.source.name): preset \(chosen.name) (D = \(chosen.dimension), E = \(chosen.epochsPerStage)\(chosen.targetEpochs.map { ", \($0) epochs at the target" } ?? "")\(chosen.inputDropout.map { ", input dropout \($0)" } ?? "")\(chosen.validationUsers.map { ", epochs chosen on \($0) validation users" } ?? "")\(chosen.distillWeight.map { ", schedules distilled from the full dense ELSA with weight \($0)" } ?? "")\(chosen.regrowFraction.map { ", patterns regrown (fraction \($0))" } ?? "")\(chosen.decayLearningRateTo.map { ", learning rate decayed to \($0) within stages" } ?? "")\(chosen.averageLastEpochs.map { ", stages ended on the mean of their last \($0) epochs" } ?? "")), output \(folder)")
        let study = BenchStudy(experiment: experiment, preset: chosen, outputDirectory: folder, ablation: ablation, log: note)
        study.only = selectedFamilies
        study.checkpointInterval = checkpointMinutes * 60
        try study.run()
        print(try String(contentsOfFile: folder + "/table.md", encoding: .utf8))
        print("written: \(folder)/table.md, runs.json, runs.csv, recall.svg, speed.md")
    }
}
