import ArgumentParser
import Foundation
import ELSA

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train dense or compressed ELSA, evaluate it on held-out users and save it.")

    enum ModelName: String, ExpressibleByArgument, CaseIterable {
        case elsa
        case compressedELSA = "compressed-elsa"
        case compressae
    }

    @Option(help: "elsa (dense), compressed-elsa (sparse rows, progressive sparsification) or compressae (a top-k sparse autoencoder compressing the --from-model dense model).")
    var model: ModelName = .elsa

    @Option(help: "Latent dimension d (default 256; compressed-elsa with --from-model: the model's; compressae: the code width h).")
    var dimension: Int?
    @Option(help: "Epochs (dense ELSA and compressae).") var epochs: Int = 10
    @Option(help: "Users per batch (compressae: items per batch).") var batchSize: Int = 1024
    @Option(help: "Nadam learning rate (default 0.1; compressae: 0.003).") var learningRate: Float?
    @Option(help: "Nadam momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(s t)): s = 1 as Keras 3 (default), 0.004 as Keras 2.")
    var momentumDecayScale: Double = 1
    @Option(help: "Output columns per batch (batch items plus sampled negatives); omit for all items.")
    var maxOutput: Int?
    @Option(help: "Activation on the training prediction: relu or relu6.") var activation: Activation = .relu6
    @Option(help: "elsa and compressed-elsa: how the item matrix starts: warm-step (Xavier, then one Nadam step with a fresh optimizer on the first batch, as the authors' script does; the default), warm-steps:N (N such steps) or xavier (Xavier as it is).")
    var initialization: Initialization = .default
    @Option(help: "elsa and compressed-elsa: true: one extra step before each stage (a dense run's one stage), with its fresh optimizer, on the first batch of its first epoch, as the authors' script does before every fit (the default); false: none.")
    var preStageStep: Bool = true
    @Option(help: ArgumentHelp("elsa: a fresh optimizer every N epochs (0: one optimizer for the run).", visibility: .hidden))
    var optimizerResetEpochs: Int = 0
    @Option(help: "elsa and compressed-elsa: drop each item of a training user's input with this probability in every batch (the targets keep them all); a denoising regularizer, not in the paper. 0: off.")
    var inputDropout: Double = 0

    @Option(help: "Save the trained model here (atomically).") var output: String?

    @Option(help: "compressed-elsa: start from this saved model's item matrix (dense or sparse, trained on the same data) instead of a random initialization; --restart then rewinds to it. compressae: the dense model to compress.")
    var fromModel: String?
    @Option(help: "compressed-elsa and compressae: nonzeros per item row at the end (8 B each).") var targetNonzeros: Int = 16
    @Option(help: "compressed-elsa: constant, stepwise, linear or exponential.")
    var schedule: SparsificationSchedule.Kind = .exponential
    @Option(help: "compressed-elsa, stepwise: the k of each stage, e.g. \"1024 512 256\".") var stages: String?
    @Flag(help: "compressed-elsa: rewind to the initialization times the new mask at every stage boundary.")
    var restart = false
    @Option(help: "compressed-elsa: epochs per stage E.") var epochsPerStage: Int = 10
    @Option(help: "compressed-elsa: epochs at the target k (the last stage); default E.") var targetEpochs: Int?
    @Flag(help: "compressed-elsa: carry Nadam moments over the surviving entries instead of a fresh optimizer per stage.")
    var carryOptimizerState = false
    @Option(help: "compressed-elsa: prune and regrow the pattern between the epochs of a stage (after RigL; not in the paper): after the first epoch each row swaps this fraction of its k entries, the smallest out and the latents with the largest dense gradient in at zero, the fraction decaying with a cosine to 0 at the stage's end. 0: off (the pattern is fixed within a stage).")
    var regrowFraction: Double = 0
    @Option(help: "compressed-elsa with --regrow-fraction: batches of users whose dense gradient scores the latents to grow.")
    var regrowBatches: Int = PatternRegrowth.defaultBatches
    @Option(help: "compressed-elsa: within each stage of several epochs (the target's, in the exponential schedule) the learning rate falls with a cosine from --learning-rate at the stage's first epoch to this fraction of it at its last (not in the paper). 1: off (a constant rate).")
    var decayLearningRateTo: Double = 1
    @Option(help: "compressed-elsa: end each stage of several epochs (the target's, in the exponential schedule) on the mean of its last N epochs' row-normalized weights, on its final pattern (stochastic weight averaging; not in the paper). 0: off (the last epoch's weights).")
    var averageLastEpochs: Int = 0
    @Option(help: "compressed-elsa: stages with k above this fraction of d run on the dense CBLAS path.")
    var densePathFraction: Double = CompressedELSATrainer.defaultDensePathFraction
    @Option(help: "elsa and compressed-elsa: keep a checkpoint of the training in this file (between epochs of elsa, between stages of compressed-elsa, at most every --checkpoint-minutes; removed when the run is done). Started again with the same options, the run resumes from it.")
    var checkpoint: String?
    @Option(help: "Minutes between checkpoints (0: after every epoch of elsa or stage of compressed-elsa).") var checkpointMinutes: Double = 10
    @Option(help: "compressed-elsa with --checkpoint: while that file does not exist yet, start from this checkpoint of another run on the same data, split and seed (a trunk), whatever teacher it trained with, and continue under this run's options: a fork that tries other target stages (teacher, regrowth, decay, averaging; the last three only while the trunk has run no stage of several epochs). The trunk file is only read; this run's checkpoints go to --checkpoint.")
    var forkFrom: String?

    @Option(help: "compressed-elsa: a saved dense model of the same data (a teacher, such as the full dense ELSA) whose predictions join the targets of every training step: knowledge distillation, not in the paper. With --validation-users, a teacher trained on those users lends them its fit: train it with the same --validation-users.")
    var distillFrom: String?
    @Option(help: "compressed-elsa: fit EASE with this lambda on the run's training users (not its validation or test users) and distill its predictions x B, as --distill-from does a saved dense model's. Costs the EASE fit (items^3; about 3.5 minutes and 2 x items^2 x 4 bytes for 25,000 items).")
    var distillFromEase: Float?
    @Option(help: "With --distill-from or --distill-from-ease: weight w of the teacher's term; each user's loss is (1 - w) * cosine loss to the user's items + w * cosine loss to the teacher's prediction.")
    var distillWeight: Double = 0.5

    @Option(help: "compressed-elsa: a saved dense model to distill from in the target stage (the last) only, in place of the run's --distill-from or --distill-from-ease teacher (or of none) there. One run then does what a trunk with one teacher and a --fork-from fork with another do, with the same result; a checkpoint never holds target-stage epochs, so runs that differ only here resume each other's checkpoints.")
    var targetDistillFrom: String?
    @Option(help: "compressed-elsa: fit EASE with this lambda on the run's training users when the target stage begins and distill from it in that stage only (see --target-distill-from). The earlier stages' teacher is released first.")
    var targetDistillFromEase: Float?
    @Option(help: "With --target-distill-from or --target-distill-from-ease: the weight of the target stage's teacher (default: --distill-weight).")
    var targetDistillWeight: Double?

    @Option(help: "Users held out of training, besides the test users, to evaluate after every epoch of elsa and every epoch at the target k of compressed-elsa (metrics in the report's epochs as 'validation').")
    var validationUsers: Int = 0
    @Flag(help: "With --validation-users: keep the model of the evaluated epoch with the best validation Recall@20 instead of the last one.")
    var keepBest = false

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var splitOptions: SplitOptions

    /// The largest learning rate accepted (the paper's is 0.1): anything above diverges at once.
    static let maximumLearningRate: Float = 100

    /// The learning rate of the run: the option, or the model's default.
    var rate: Float { learningRate ?? (model == .compressae ? CompresSAEConfiguration().learningRate : 0.1) }

    func validate() throws {
        let maximumDimension = SparsificationSchedule.maximumDimension, maximumEpochs = SparsificationSchedule.maximumEpochs
        if let dimension, !(1...maximumDimension).contains(dimension) {
            throw ValidationError("--dimension must be in 1...\(maximumDimension), got \(dimension)")
        }
        if !(0...maximumEpochs).contains(epochs) { throw ValidationError("--epochs must be in 0...\(maximumEpochs), got \(epochs)") }
        if !(1...(1 << 24)).contains(batchSize) { throw ValidationError("--batch-size must be in 1...\(1 << 24), got \(batchSize)") }
        if let maxOutput, maxOutput < 1 { throw ValidationError("--max-output must be at least 1") }
        if let learningRate, !(learningRate > 0 && learningRate <= Self.maximumLearningRate) {
            throw ValidationError("--learning-rate must be positive and at most \(Self.maximumLearningRate), got \(learningRate)")
        }
        if !(inputDropout >= 0 && inputDropout < 1) { throw ValidationError("--input-dropout must be at least 0 and below 1, got \(inputDropout)") }
        if inputDropout > 0 && model == .compressae { throw ValidationError("--input-dropout is for --model elsa or compressed-elsa") }
        if !(regrowFraction >= 0 && regrowFraction <= 1) { throw ValidationError("--regrow-fraction must be in 0...1, got \(regrowFraction)") }
        if regrowBatches < 1 { throw ValidationError("--regrow-batches must be at least 1, got \(regrowBatches)") }
        if regrowFraction > 0 && model != .compressedELSA { throw ValidationError("--regrow-fraction is for --model compressed-elsa") }
        if !(decayLearningRateTo >= 0 && decayLearningRateTo <= 1) {
            throw ValidationError("--decay-learning-rate-to must be in 0...1, got \(decayLearningRateTo)")
        }
        if decayLearningRateTo < 1 && model != .compressedELSA { throw ValidationError("--decay-learning-rate-to is for --model compressed-elsa") }
        if averageLastEpochs < 0 || averageLastEpochs == 1 {
            throw ValidationError("--average-last-epochs must be 0 (off) or at least 2, got \(averageLastEpochs)")
        }
        if averageLastEpochs > 0 && model != .compressedELSA { throw ValidationError("--average-last-epochs is for --model compressed-elsa") }
        if !(0...maximumEpochs).contains(optimizerResetEpochs) {
            throw ValidationError("--optimizer-reset-epochs must be in 0...\(maximumEpochs), got \(optimizerResetEpochs)")
        }
        if optimizerResetEpochs > 0 && model != .elsa { throw ValidationError("--optimizer-reset-epochs is for --model elsa") }
        if (initialization != .default || !preStageStep) && model == .compressae { throw ValidationError("--initialization and --pre-stage-step are for --model elsa or compressed-elsa") }
        if !(momentumDecayScale >= 0 && momentumDecayScale.isFinite) {
            throw ValidationError("--momentum-decay-scale must be finite and not negative, got \(momentumDecayScale)")
        }
        if !(densePathFraction >= 0 && densePathFraction <= 1) {
            throw ValidationError("--dense-path-fraction must be in 0...1, got \(densePathFraction)")
        }
        if !(1...100_000).contains(regrowBatches) && regrowBatches != PatternRegrowth.defaultBatches {
            throw ValidationError("--regrow-batches must be in 1...100000, got \(regrowBatches)")
        }
        if averageLastEpochs > maximumEpochs { throw ValidationError("--average-last-epochs must be at most \(maximumEpochs), got \(averageLastEpochs)") }
        if model == .compressedELSA && fromModel == nil { _ = try sparsificationSchedule(dimension: dimension ?? 256) }
        if model == .compressae {
            if fromModel == nil { throw ValidationError("--model compressae needs --from-model, the dense model to compress") }
            let h = dimension ?? 256
            if targetNonzeros < 1 || targetNonzeros > h {
                throw ValidationError("--target-nonzeros must be between 1 and the code width --dimension (\(h)), got \(targetNonzeros)")
            }
        }
        if validationUsers < 0 { throw ValidationError("--validation-users must not be negative") }
        if keepBest && validationUsers == 0 { throw ValidationError("--keep-best needs --validation-users") }
        if keepBest && averageLastEpochs > 0 {
            throw ValidationError("--keep-best and --average-last-epochs both choose the final model; use one")
        }
        if validationUsers > 0 && model == .compressae { throw ValidationError("--validation-users is for --model elsa or compressed-elsa") }
        if let fromModel, !FileManager.default.fileExists(atPath: fromModel) {
            throw ValidationError("\(fromModel): no such model file (--from-model)")
        }
        if fromModel != nil && model == .elsa { throw ValidationError("--from-model is for --model compressed-elsa or compressae") }
        try validateTeacher("distill-from", file: distillFrom, ease: distillFromEase,
                            twoTeachers: "--distill-from and --distill-from-ease name two teachers: give one")
        if !(distillWeight >= 0 && distillWeight <= 1) { throw ValidationError("--distill-weight must be between 0 and 1, got \(distillWeight)") }
        try validateTeacher("target-distill-from", file: targetDistillFrom, ease: targetDistillFromEase,
                            twoTeachers: "--target-distill-from and --target-distill-from-ease name two teachers for the target stage: give one")
        if let targetDistillWeight {
            if targetDistillFrom == nil && targetDistillFromEase == nil {
                throw ValidationError("--target-distill-weight needs --target-distill-from or --target-distill-from-ease")
            }
            if !(targetDistillWeight >= 0 && targetDistillWeight <= 1) {
                throw ValidationError("--target-distill-weight must be between 0 and 1, got \(targetDistillWeight)")
            }
        }
        if !(checkpointMinutes >= 0 && checkpointMinutes.isFinite) { throw ValidationError("--checkpoint-minutes must be finite and not negative, got \(checkpointMinutes)") }
        if checkpoint != nil && model == .compressae { throw ValidationError("--checkpoint is for --model elsa or compressed-elsa") }
        if let forkFrom {
            if model != .compressedELSA { throw ValidationError("--fork-from is for --model compressed-elsa") }
            guard let checkpoint else { throw ValidationError("--fork-from needs --checkpoint, the fork's own checkpoint file") }
            if URL(fileURLWithPath: forkFrom).standardizedFileURL == URL(fileURLWithPath: checkpoint).standardizedFileURL {
                throw ValidationError("--fork-from and --checkpoint name the same file; the trunk is only read")
            }
            if !FileManager.default.fileExists(atPath: forkFrom) { throw ValidationError("\(forkFrom): no such checkpoint (--fork-from)") }
        }
    }

    /// Checks one teacher's options, `--FLAG FILE` and `--FLAG-ease LAMBDA` (at most one of them).
    func validateTeacher(_ flag: String, file: String?, ease: Float?, twoTeachers: String) throws {
        if let file {
            if model != .compressedELSA { throw ValidationError("--\(flag) is for --model compressed-elsa") }
            if !FileManager.default.fileExists(atPath: file) { throw ValidationError("\(file): no such model file (--\(flag))") }
        }
        if let ease {
            if model != .compressedELSA { throw ValidationError("--\(flag)-ease is for --model compressed-elsa") }
            if file != nil { throw ValidationError(twoTeachers) }
            if !(ease > 0 && ease.isFinite) { throw ValidationError("--\(flag)-ease must be a positive finite lambda, got \(ease)") }
        }
    }

    /// Where a distillation teacher comes from.
    enum TeacherSource {
        /// A saved dense model.
        case model(String)
        /// EASE with this lambda, fitted on the run's training users.
        case ease(Float)
    }

    /// The item matrix of the saved dense model `file`, rows in the data's item order.
    func teacherMatrix(_ file: String, experiment: Experiment) throws -> DenseMatrix {
        let loaded = try ModelFile.read(from: file, threads: splitOptions.threads).model
        guard case .dense = loaded.embedding else {
            throw ValidationError("\(file): a teacher must be a dense model; this one has \(loaded.embedding.nonzerosPerRow) nonzeros per row")
        }
        return try WarmStart.itemMatrix(of: loaded, file: file, itemIDs: experiment.dataset.itemIDs)
    }

    /// Builds a teacher of weight `weight`: loads the model or fits EASE, then precomputes each training
    /// user's targets (2 B per user and item) when they fit, instead of a teacher product per batch.
    /// `targetStage`: the target stage's teacher (only the messages differ).
    func buildTeacher(_ source: TeacherSource, weight: Double, targetStage: Bool, experiment: Experiment) throws
        -> (teacher: DistillationTeacher, fitSeconds: Double, precomputeSeconds: Double) {
        let teacher: DistillationTeacher
        var fitSeconds = 0.0, precomputeSeconds = 0.0
        let role = targetStage ? "the target stage's teacher" : "the teacher"
        switch source {
        case .model(let file):
            let matrix = try teacherMatrix(file, experiment: experiment)
            teacher = DistillationTeacher(itemMatrix: matrix, weight: weight, activation: activation, threads: splitOptions.threads)
            note("distilling from \(file) (d = \(matrix.columns)) with weight \(weight)" + (targetStage ? " in the target stage" : ""))
        case .ease(let lambda):
            note(String(format: "fitting EASE (lambda %g) on the %d training users x %d items as %@: a few minutes",
                        Double(lambda), experiment.train.rows, experiment.train.columns, role))
            let started = Date()
            let ease = try EASE(interactions: experiment.train, lambda: lambda, threads: splitOptions.threads)
            fitSeconds = Date().timeIntervalSince(started)
            teacher = DistillationTeacher(itemItemWeights: ease.weights, weight: weight, activation: activation,
                                          threads: splitOptions.threads)
            note(String(format: "distilling from EASE (lambda %g, fitted on the %d training users in %.1f s) with weight %g%@",
                        Double(lambda), experiment.train.rows, fitSeconds, weight, targetStage ? " in the target stage" : ""))
        }
        let started = Date()
        let gigabytes = Double(teacher.precomputedBytes(users: experiment.train.rows)) / 1e9
        if teacher.precomputeTargetsIfUseful(of: experiment.train, inputDropout: inputDropout) {
            precomputeSeconds = Date().timeIntervalSince(started)
            note(String(format: "the teacher's targets of the %d training users: %.1f s, %.1f GB", experiment.train.rows,
                        precomputeSeconds, gigabytes))
        } else if inputDropout == 0 {
            note(String(format: "the teacher's targets of every training user would take %.1f GB: computed per batch instead", gigabytes))
        }
        return (teacher, fitSeconds, precomputeSeconds)
    }

    /// The run's starting matrix; a warm start says how far it moved from Xavier.
    func initialMatrix(_ experiment: Experiment, _ configuration: TrainingConfiguration) throws -> DenseMatrix {
        let matrix = InitialMatrix.make(for: experiment.train, configuration: configuration)
        if case .warmSteps(let steps) = configuration.initialization {
            let moved = InitialMatrix.movement(of: matrix, fromXavierSeed: configuration.seed)
            note(String(format: "initialization: Xavier (entries within ±%.4f) then %d warm step%@: entries moved by %.4f on average, "
                        + "%.4f at most; mean row norm %.3f -> %.3f", (6 / Double(matrix.rows + matrix.columns)).squareRoot(), steps,
                        steps == 1 ? "" : "s", moved.meanChange, moved.largestChange, moved.meanRowNormBefore, moved.meanRowNormAfter))
        }
        return matrix
    }

    /// Refuses a run whose dense stage would not fit in this machine's memory: the weights, two Nadam
    /// moments, the gradient and the normalized rows (and the initial matrix of compressed ELSA), 4 B each.
    func checkMemory(items: Int, dimension: Int) throws {
        let copies = model == .compressedELSA ? 6 : 5
        let (perCopy, overflow) = items.multipliedReportingOverflow(by: dimension)
        let (bytes, overflow2) = perCopy.multipliedReportingOverflow(by: 4 * copies)
        let available = ProcessInfo.processInfo.physicalMemory
        if overflow || overflow2 || UInt64(bytes) > available {
            throw CommandError(String(format: "%d items x d = %d needs about %.1f GB for training (%d matrices of 4 B per entry), "
                                         + "more than this machine's %.1f GB: lower --dimension", items, dimension,
                                         overflow || overflow2 ? Double.infinity : Double(bytes) / 1e9, copies, Double(available) / 1e9))
        }
    }

    func sparsificationSchedule(dimension: Int) throws -> SparsificationSchedule {
        let list = try parseStageList(stages)
        do {
            return try SparsificationSchedule.make(schedule, dimension: dimension, targetNonzeros: targetNonzeros,
                                                   epochsPerStage: epochsPerStage, stepwiseStages: list, targetEpochs: targetEpochs)
        } catch let error as SparsificationSchedule.InvalidSchedule {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let start = Date()
        try OutputPaths.check(
            inputs: dataOptions.inputFiles
                + [("--from-model", fromModel), ("--distill-from", distillFrom), ("--target-distill-from", targetDistillFrom),
                   ("--fork-from", forkFrom)],
            outputs: [("--output", output), ("--report", splitOptions.report), ("--checkpoint", checkpoint),
                      ("--cache", dataOptions.cache)] + splitFiles(splitOptions))
        for path in [output, splitOptions.report].compactMap({ $0 }) { try makeFolder(of: path) }
        // Two runs on one checkpoint would overwrite and then delete each other's file.
        let checkpointLock = try checkpoint.map { try FileLock(for: $0) }
        defer { checkpointLock?.release() }
        let experiment = try Experiment(source: try dataOptions.source, testUsers: splitOptions.testUsers,
                                        validationUsers: validationUsers, seed: splitOptions.seed, threads: splitOptions.threads)
        note(experiment.loaded.summary + String(format: "\n(read and preprocessed in %.3f s)", experiment.loaded.seconds))
        note("split: \(experiment.split.train.rows) training users, \(experiment.split.testUsers.count) test users"
             + (validationUsers > 0 ? ", \(experiment.split.validationUsers.count) validation users" : ""))
        try writeSplitIfAsked(experiment, splitOptions)
        if model != .compressae && experiment.train.nonzeroCount == 0 {
            throw CommandError("no training users are left: \(experiment.dataset.userCount) users, \(experiment.split.testUsers.count) "
                                  + "held out for testing and \(experiment.split.validationUsers.count) for validation; lower --test-users or --validation-users")
        }
        if model != .compressae {
            try checkMemory(items: experiment.dataset.itemCount, dimension: fromModel == nil ? (dimension ?? 256) : 0)
        }
        let validation = experiment.validationFolds.map {
            ValidationTracker(folds: $0, itemIDs: experiment.dataset.itemIDs, threads: splitOptions.threads, keepBest: keepBest)
        }
        // The starting model (compressed-elsa) or the model to compress (compressae), rows in the data's item order.
        var startingMatrix: DenseMatrix?
        if let fromModel {
            let loaded = try ModelFile.read(from: fromModel, threads: splitOptions.threads).model
            startingMatrix = try WarmStart.itemMatrix(of: loaded, file: fromModel, itemIDs: experiment.dataset.itemIDs)
            note("starting from \(fromModel): \(loaded.itemCount) items, d = \(loaded.embedding.dimension), \(loaded.embedding.nonzerosPerRow) nonzeros per row")
        }
        // The teachers of a distilled run (rows in the data's item order), built when their stages begin so that
        // only one holds its targets at a time. A saved model for the target stage is checked now: a bad one fails
        // before the earlier stages run.
        let trunkTeacherSource = distillFrom.map { TeacherSource.model($0) } ?? distillFromEase.map { TeacherSource.ease($0) }
        let targetTeacherSource = targetDistillFrom.map { TeacherSource.model($0) }
            ?? targetDistillFromEase.map { TeacherSource.ease($0) }
        if case .model(let file)? = targetTeacherSource { _ = try teacherMatrix(file, experiment: experiment) }
        // Fitting the teachers (EASE) and precomputing their targets: part of the training's cost.
        var teacherFitSeconds = 0.0, teacherPrecomputeSeconds = 0.0
        var targetTeacherFitSeconds = 0.0, targetTeacherPrecomputeSeconds = 0.0
        var teacherSeconds: Double {
            teacherFitSeconds + teacherPrecomputeSeconds + targetTeacherFitSeconds + targetTeacherPrecomputeSeconds
        }
        let dimension: Int
        if model == .compressedELSA, let startingMatrix {
            if let requested = self.dimension, requested != startingMatrix.columns {
                throw ValidationError("--dimension \(requested) differs from the dimension of --from-model \(fromModel!) (\(startingMatrix.columns))")
            }
            dimension = startingMatrix.columns
        } else {
            dimension = self.dimension ?? 256
        }
        let configuration = TrainingConfiguration(
            dimension: dimension, epochs: epochs, batchSize: batchSize, maxOutput: maxOutput ?? Int.max,
            optimizer: NadamConfiguration(learningRate: rate, momentumDecayScale: momentumDecayScale), activation: activation,
            threads: splitOptions.threads, seed: splitOptions.seed, inputDropout: inputDropout, initialization: initialization,
            preStageStep: preStageStep, optimizerResetEpochs: optimizerResetEpochs)
        let progress = ProgressPrinter()
        let trainStart = Date()
        var trained: ELSAModel
        let history: [EpochReport]
        var extra: [String: String] = [:]
        // Epoch seconds spent before a resume (restored from the checkpoint), counted into trainSeconds.
        var secondsBeforeResume = 0.0
        let items = experiment.dataset.itemCount
        // What a checkpoint belongs to; a checkpoint of another run is refused. A dense checkpoint holds the
        // best epoch's model only under --keep-best, so that flag is part of a dense run's identity.
        // A fork (--fork-from) may continue a trunk of the same run whatever its teacher: `trunkRuns` accepts those labels.
        let runBeforeTeacher = "elsa train on \(experiment.source.name) (\(experiment.dataset.userCount) users, \(items) items, "
            + "\(experiment.dataset.interactionCount) interactions), \(experiment.split.testUsers.count) test users, seed \(splitOptions.seed)"
            + (validationUsers > 0 ? ", \(validationUsers) validation users" : "") + (fromModel.map { ", started from \($0)" } ?? "")
            + (model == .elsa && keepBest ? ", keeping the best epoch" : "")
        let teacherLabel = ", distilled from "
        let run = runBeforeTeacher
            + (distillFrom.map { "\(teacherLabel)\($0) with weight \(distillWeight)" } ?? "")
            + (distillFromEase.map { "\(teacherLabel)EASE with lambda \($0) and weight \(distillWeight)" } ?? "")
        let trunkRuns = { (label: String) in label == runBeforeTeacher || label.hasPrefix(runBeforeTeacher + teacherLabel) }
        if let checkpoint {
            for temporary in SectionFile.removeAbandonedTemporaries(of: checkpoint) {
                note("removed \(temporary), a checkpoint write that a crash interrupted")
            }
        }
        let resuming = checkpoint.map { FileManager.default.fileExists(atPath: $0) } ?? false
        switch model {
        case .elsa:
            let trainer: DenseELSATrainer
            if let checkpoint, resuming {
                // A checkpoint of other options stops the run with the differences (it is not overwritten).
                let (resumed, kept) = try DenseELSATrainer.resume(from: checkpoint, run: run, configuration: configuration, itemCount: items)
                trainer = resumed
                if let kept { validation?.restore(kept) }
                secondsBeforeResume = trainer.history.reduce(0) { $0 + $1.seconds }
                extra["resumedAfterEpochs"] = "\(trainer.history.count)"
                note("resuming from the checkpoint \(checkpoint): \(trainer.history.count) of \(epochs) epochs done")
            } else {
                trainer = DenseELSATrainer(parameters: try initialMatrix(experiment, configuration), configuration: configuration)
            }
            var eta = RunETA(totalEpochs: epochs)
            eta.restore(trainer.history)
            progress.start(eta)
            var lastCheckpoint = Date()
            while trainer.history.count < epochs {
                trainer.train(experiment.train, epochs: 1, observer: progress, afterEpoch: validation.map { tracker in
                    { tracker.evaluate(trainer.model(itemIDs: tracker.itemIDs), epoch: $0) }
                })
                if let failure = trainer.failure { throw failure }  // the last good checkpoint stays
                if let checkpoint, trainer.history.count < epochs, Date().timeIntervalSince(lastCheckpoint) >= checkpointMinutes * 60 {
                    do {
                        try trainer.writeCheckpoint(to: checkpoint, run: run, kept: validation?.keptEpoch)
                    } catch {
                        note("could not write the checkpoint (training goes on): \(error)")
                    }
                    lastCheckpoint = Date()
                }
            }
            if let failure = trainer.failure { throw failure }
            trained = trainer.model(itemIDs: experiment.dataset.itemIDs)
            history = trainer.history
        case .compressedELSA:
            let plan = try sparsificationSchedule(dimension: dimension)
            note("\(plan.kind.rawValue) schedule: \(plan.stages.count) stages, \(plan.totalEpochs) epochs, k \(plan.stages.first!.k) -> \(plan.targetNonzeros)\(restart ? ", restarting" : "")")
            let initial = try startingMatrix ?? initialMatrix(experiment, configuration)
            var trainer = CompressedELSATrainer(itemCount: items, configuration: configuration, schedule: plan, restart: restart,
                                                carryOptimizerState: carryOptimizerState, densePathFraction: densePathFraction,
                                                initial: initial)
            let regrowth = regrowFraction > 0 ? PatternRegrowth(fraction: regrowFraction, batches: regrowBatches) : nil
            let learningRateDecay = decayLearningRateTo < 1 ? StageLearningRateDecay(floor: decayLearningRateTo) : nil
            let weightAveraging = averageLastEpochs > 0 ? StageWeightAveraging(epochs: averageLastEpochs) : nil
            trainer.regrowth = regrowth
            trainer.learningRateDecay = learningRateDecay
            trainer.weightAveraging = weightAveraging
            // An interrupted run resumes from its own checkpoint; a fork's first start reads its trunk (--fork-from).
            // A plain resume refuses a trunk of this run with another teacher; `forkable` notes one, for the hint.
            var forkable = false
            let source = resuming ? checkpoint.map { (path: $0, accepts: { (label: String) in forkable = trunkRuns(label); return false },
                                                      verb: "resuming from") }
                : forkFrom.map { (path: $0, accepts: trunkRuns, verb: "forking from") }
            if let source {
                // A checkpoint of other options stops the run with the differences (it is not overwritten).
                do {
                    trainer = try CompressedELSATrainer.resume(from: source.path, run: run, alsoAccepting: source.accepts,
                                                               configuration: configuration, schedule: plan,
                                                               restart: restart, carryOptimizerState: carryOptimizerState,
                                                               densePathFraction: densePathFraction, regrowth: regrowth,
                                                               learningRateDecay: learningRateDecay, weightAveraging: weightAveraging,
                                                               initial: initial)
                } catch CheckpointError.otherRun(let file, let reason) where forkable {
                    throw CheckpointError.otherRun(file: file, reason: reason + "; it is a trunk of this run with another teacher: "
                                                   + "continue it as a fork with --fork-from \(file) --checkpoint NEW-FILE")
                }
                secondsBeforeResume = trainer.history.reduce(0) { $0 + $1.seconds }
                extra["resumedAfterEpochs"] = "\(trainer.history.count)"
                note("\(source.verb) the checkpoint \(source.path): \(trainer.stagesDone) of \(plan.stages.count) stages, \(trainer.history.count) epochs done")
            }
            if let forkFrom { extra["forkedFrom"] = forkFrom }
            // The run's teacher, unless only the target stage is left and it has a teacher of its own.
            let targetStage = plan.stages.count - 1
            if let trunkTeacherSource, trainer.stagesDone < targetStage || targetTeacherSource == nil {
                let built = try buildTeacher(trunkTeacherSource, weight: distillWeight, targetStage: false, experiment: experiment)
                trainer.teacher = built.teacher
                (teacherFitSeconds, teacherPrecomputeSeconds) = (built.fitSeconds, built.precomputeSeconds)
            }
            var eta = RunETA(plannedKs: plan.stages.flatMap { Array(repeating: $0.k, count: $0.epochs) }, dimension: dimension,
                             densePathFraction: densePathFraction, evaluations: validation == nil ? 0 : plan.stages.last!.epochs)
            eta.restore(trainer.history)
            progress.start(eta)
            var lastCheckpoint = Date()
            for index in trainer.stagesDone..<plan.stages.count {
                // Validation after each epoch at the target k (the last stage).
                let atTarget = index == targetStage
                if atTarget, let targetTeacherSource {
                    trainer.teacher = nil  // releases the earlier stages' teacher and its targets first
                    let built = try buildTeacher(targetTeacherSource, weight: targetDistillWeight ?? distillWeight,
                                                 targetStage: true, experiment: experiment)
                    trainer.teacher = built.teacher
                    (targetTeacherFitSeconds, targetTeacherPrecomputeSeconds) = (built.fitSeconds, built.precomputeSeconds)
                }
                let trainerNow = trainer
                trainer.runStage(index, on: experiment.train, observer: progress, afterEpoch: atTarget ? validation.map { tracker in
                    { epoch in
                        let started = Date()
                        defer { progress.evaluated(seconds: Date().timeIntervalSince(started)) }
                        return tracker.evaluate(trainerNow.model(itemIDs: tracker.itemIDs), epoch: epoch)
                    }
                } : nil)
                if let failure = trainer.failure { throw failure }  // the last good checkpoint stays
                if let checkpoint, index + 1 < plan.stages.count, Date().timeIntervalSince(lastCheckpoint) >= checkpointMinutes * 60 {
                    do {
                        try trainer.writeCheckpoint(to: checkpoint, run: run)
                    } catch {
                        note("could not write the checkpoint (training goes on): \(error)")
                    }
                    lastCheckpoint = Date()
                }
            }
            trained = trainer.model(itemIDs: experiment.dataset.itemIDs)
            history = trainer.history
            extra.merge(["schedule": plan.kind.rawValue, "restart": "\(restart)", "epochsPerStage": "\(epochsPerStage)",
                          "targetNonzeros": "\(targetNonzeros)", "carryOptimizerState": "\(carryOptimizerState)",
                          "targetEpochs": "\(plan.stages.last!.epochs)"]) { $1 }
            if let fromModel { extra["fromModel"] = fromModel }
            if let regrowth {
                extra.merge(["regrowFraction": "\(regrowth.fraction)", "regrowBatches": "\(regrowth.batches)"]) { $1 }
            }
            if let learningRateDecay { extra["decayLearningRateTo"] = "\(learningRateDecay.floor)" }
            if let weightAveraging { extra["averageLastEpochs"] = "\(weightAveraging.epochs)" }
            if let targetTeacherSource {
                extra["targetDistillWeight"] = "\(targetDistillWeight ?? distillWeight)"
                switch targetTeacherSource {
                case .model(let file): extra["targetDistillFrom"] = file
                case .ease(let lambda):
                    extra.merge(["targetDistillFromEase": "\(lambda)",
                                 "targetDistillFitSeconds": String(format: "%.1f", targetTeacherFitSeconds)]) { $1 }
                }
                extra["targetDistillPrecomputeSeconds"] = String(format: "%.1f", targetTeacherPrecomputeSeconds)
            }
            if trunkTeacherSource != nil {
                extra.merge(["distillWeight": "\(distillWeight)",
                             "distillPrecomputeSeconds": String(format: "%.1f", teacherPrecomputeSeconds)]) { $1 }
                if let distillFrom { extra["distillFrom"] = distillFrom }
                if let distillFromEase {
                    extra.merge(["distillFromEase": "\(distillFromEase)",
                                 "distillFitSeconds": String(format: "%.1f", teacherFitSeconds)]) { $1 }
                }
            }
        case .compressae:
            let dense = startingMatrix!
            let sae = CompresSAEConfiguration(hiddenDimension: dimension, nonzeros: targetNonzeros, epochs: epochs, batchSize: batchSize,
                                              learningRate: rate, threads: splitOptions.threads, seed: splitOptions.seed)
            note("CompresSAE: \(dense.rows) item vectors of d = \(dense.columns) -> codes of width \(dimension) with \(targetNonzeros) nonzeros, \(epochs) epochs")
            let autoencoder = CompresSAE(inputDimension: dense.columns, configuration: sae)
            progress.start(RunETA(totalEpochs: epochs))
            autoencoder.train(dense, observer: progress)
            trained = ELSAModel(embedding: .sparse(autoencoder.encode(dense)), itemIDs: experiment.dataset.itemIDs, threads: splitOptions.threads)
            history = autoencoder.history
            extra.merge(["fromModel": fromModel!, "targetNonzeros": "\(targetNonzeros)",
                         "auxiliaryWeight": "\(sae.auxiliaryWeight)"]) { $1 }
        }
        if model != .compressae, let stalled = TrainingFailure.stalled(history, learningRate: rate) { throw stalled }
        guard trained.embedding.allValuesFinite else {
            throw CommandError("training failed: the trained model holds NaN or infinite weights (learning rate \(rate)); nothing was saved")
        }
        var selectedEpoch: Int?
        if let validation {
            if let failure = validation.failure { throw failure }
            if keepBest, let best = validation.best {
                trained = best.model!
                selectedEpoch = best.epoch
                note(String(format: "keeping the model of epoch %d (validation recall@20 %.4f) of %d", best.epoch, best.recall, history.count))
            }
        }
        // After a resume: the epochs trained before it (their stage set-ups are not recorded) plus this process's time,
        // without the validation evaluations, with the teacher's precomputed targets.
        let trainSeconds = secondsBeforeResume + Date().timeIntervalSince(trainStart) - (validation?.seconds ?? 0) + teacherSeconds
        let result = try experiment.evaluate(trained)
        var report = experiment.report(model: model.rawValue, result: result, seconds: Date().timeIntervalSince(start))
        report.trainSeconds = trainSeconds
        report.bytesPerItem = trained.embedding.bytesPerItem
        report.dimension = dimension
        report.nonzerosPerRow = trained.embedding.nonzerosPerRow
        report.epochs = history
        if validationUsers > 0 { report.validationUsers = experiment.split.validationUsers.count }
        report.selectedEpoch = selectedEpoch
        if model != .compressae && fromModel == nil { extra["initialization"] = initialization.description }
        if model != .compressae { extra["preStageStep"] = "\(preStageStep)" }
        if optimizerResetEpochs > 0 { extra["optimizerResetEpochs"] = "\(optimizerResetEpochs)" }
        report.parameters = ["batchSize": "\(batchSize)", "learningRate": "\(rate)", "momentumDecayScale": "\(momentumDecayScale)",
                             "maxOutput": maxOutput.map(String.init) ?? "all", "activation": activation.rawValue,
                             "threads": "\(splitOptions.threads)"].merging(extra) { $1 }
        if inputDropout > 0 { report.parameters["inputDropout"] = "\(inputDropout)" }
        print("\(model.rawValue) d=\(dimension) on \(experiment.source.name): \(String(format: "%.1f", trainSeconds)) s training, \(report.bytesPerItem!) B per item")
        print(report.metricsTable)
        if let output {
            var metadata = report.parameters
            metadata["model"] = model.rawValue
            metadata["dataset"] = experiment.source.name
            metadata["dimension"] = "\(dimension)"
            metadata["seed"] = "\(splitOptions.seed)"
            metadata["testUsers"] = "\(experiment.split.testUsers.count)"
            try ModelFile.write(trained, metadata: metadata, to: output)
            note("model written to \(output)")
        }
        if let path = splitOptions.report {
            try report.write(to: path)
            note("report written to \(path)")
        }
        // The finished checkpoint goes, unless it is the file just written (the path checks refuse that already).
        if let checkpoint, FileManager.default.fileExists(atPath: checkpoint),
           ![output, splitOptions.report].contains(where: { $0.map(OutputPaths.resolved) == OutputPaths.resolved(checkpoint) }) {
            try FileManager.default.removeItem(atPath: checkpoint)
        }
    }
}
