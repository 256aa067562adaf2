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
    }

    @Option(help: "elsa (dense) or compressed-elsa (sparse rows, progressive sparsification).")
    var model: ModelName = .elsa

    @Option(help: "Latent dimension d.") var dimension: Int = 256
    @Option(help: "Epochs (dense ELSA).") var epochs: Int = 10
    @Option(help: "Users per batch.") var batchSize: Int = 1024
    @Option(help: "Nadam learning rate.") var learningRate: Float = 0.1
    @Option(help: "Nadam momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(s t)): s = 1 as Keras 3 (default), 0.004 as Keras 2.")
    var momentumDecayScale: Double = 1
    @Option(help: "Output columns per batch (batch items plus sampled negatives); omit for all items.")
    var maxOutput: Int?
    @Option(help: "Activation on the training prediction: relu or relu6.") var activation: Activation = .relu6

    @Option(help: "Save the trained model here (atomically).") var output: String?

    @Option(help: "compressed-elsa: nonzeros per item row at the end (8 B each).") var targetNonzeros: Int = 16
    @Option(help: "compressed-elsa: constant, stepwise, linear or exponential.")
    var schedule: SparsificationSchedule.Kind = .exponential
    @Option(help: "compressed-elsa, stepwise: the k of each stage, e.g. \"1024 512 256\".") var stages: String?
    @Flag(help: "compressed-elsa: rewind to the initialization times the new mask at every stage boundary.")
    var restart = false
    @Option(help: "compressed-elsa: epochs per stage E.") var epochsPerStage: Int = 10
    @Option(help: "compressed-elsa: epochs at the target k (the last stage); default E.") var targetEpochs: Int?
    @Flag(help: "compressed-elsa: carry Nadam moments over the surviving entries instead of a fresh optimizer per stage.")
    var carryOptimizerState = false
    @Option(help: "compressed-elsa: stages with k above this fraction of d run on the dense CBLAS path.")
    var densePathFraction: Double = CompressedELSATrainer.defaultDensePathFraction
    @Option(help: "compressed-elsa: keep a checkpoint of the training in this file (between stages, at most every --checkpoint-minutes; removed when the run is done). Started again with the same options, the run resumes from it.")
    var checkpoint: String?
    @Option(help: "compressed-elsa: minutes between checkpoints (0: after every stage).") var checkpointMinutes: Double = 10

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var splitOptions: SplitOptions

    func validate() throws {
        if dimension < 1 { throw ValidationError("--dimension must be at least 1") }
        if epochs < 0 { throw ValidationError("--epochs must not be negative") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let maxOutput, maxOutput < 1 { throw ValidationError("--max-output must be at least 1") }
        if !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
        if !(momentumDecayScale >= 0) { throw ValidationError("--momentum-decay-scale must not be negative, got \(momentumDecayScale)") }
        if model == .compressedELSA { _ = try sparsificationSchedule() }
        if !(checkpointMinutes >= 0) { throw ValidationError("--checkpoint-minutes must not be negative, got \(checkpointMinutes)") }
        if checkpoint != nil && model != .compressedELSA { throw ValidationError("--checkpoint is for --model compressed-elsa") }
    }

    func sparsificationSchedule() throws -> SparsificationSchedule {
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
        for path in [output, splitOptions.report].compactMap({ $0 }) {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let experiment = try Experiment(source: try dataOptions.source, testUsers: splitOptions.testUsers,
                                        seed: splitOptions.seed, threads: splitOptions.threads)
        note(experiment.loaded.summary + String(format: "\n(read and preprocessed in %.3f s)", experiment.loaded.seconds))
        note("split: \(experiment.split.train.rows) training users, \(experiment.split.testUsers.count) test users")
        let configuration = TrainingConfiguration(
            dimension: dimension, epochs: epochs, batchSize: batchSize, maxOutput: maxOutput ?? Int.max,
            optimizer: NadamConfiguration(learningRate: learningRate, momentumDecayScale: momentumDecayScale), activation: activation,
            threads: splitOptions.threads, seed: splitOptions.seed)
        let progress = ProgressPrinter()
        let trainStart = Date()
        let trained: ELSAModel
        let history: [EpochReport]
        var extra: [String: String] = [:]
        // Epoch seconds spent before a resume (restored from the checkpoint), counted into trainSeconds.
        var secondsBeforeResume = 0.0
        switch model {
        case .elsa:
            let trainer = DenseELSATrainer(itemCount: experiment.dataset.itemCount, configuration: configuration)
            trainer.train(experiment.train, observer: progress)
            trained = trainer.model(itemIDs: experiment.dataset.itemIDs)
            history = trainer.history
        case .compressedELSA:
            let plan = try sparsificationSchedule()
            note("\(plan.kind.rawValue) schedule: \(plan.stages.count) stages, \(plan.totalEpochs) epochs, k \(plan.stages.first!.k) -> \(plan.targetNonzeros)\(restart ? ", restarting" : "")")
            let items = experiment.dataset.itemCount
            let initial = XavierInitializer.matrix(rows: items, columns: dimension, seed: splitOptions.seed)
            let run = "elsa train on \(experiment.source.name) (\(experiment.dataset.userCount) users, \(items) items, "
                + "\(experiment.dataset.interactionCount) interactions), \(experiment.split.testUsers.count) test users, seed \(splitOptions.seed)"
            var trainer = CompressedELSATrainer(itemCount: items, configuration: configuration, schedule: plan, restart: restart,
                                                carryOptimizerState: carryOptimizerState, densePathFraction: densePathFraction,
                                                initial: initial)
            if let checkpoint {
                for temporary in SectionFile.removeAbandonedTemporaries(of: checkpoint) {
                    note("removed \(temporary), a checkpoint write that a crash interrupted")
                }
                if FileManager.default.fileExists(atPath: checkpoint) {
                    // A checkpoint of other options stops the run with the differences (it is not overwritten).
                    trainer = try CompressedELSATrainer.resume(from: checkpoint, run: run, configuration: configuration, schedule: plan,
                                                               restart: restart, carryOptimizerState: carryOptimizerState,
                                                               densePathFraction: densePathFraction, initial: initial)
                    secondsBeforeResume = trainer.history.reduce(0) { $0 + $1.seconds }
                    extra["resumedAfterEpochs"] = "\(trainer.history.count)"
                    note("resuming from the checkpoint \(checkpoint): \(trainer.stagesDone) of \(plan.stages.count) stages, \(trainer.history.count) epochs done")
                }
            }
            var lastCheckpoint = Date()
            for index in trainer.stagesDone..<plan.stages.count {
                trainer.runStage(index, on: experiment.train, observer: progress)
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
        }
        // After a resume: the epochs trained before it (their stage set-ups are not recorded) plus this process's time.
        let trainSeconds = secondsBeforeResume + Date().timeIntervalSince(trainStart)
        let result = try experiment.evaluate(trained)
        var report = experiment.report(model: model.rawValue, result: result, seconds: Date().timeIntervalSince(start))
        report.trainSeconds = trainSeconds
        report.bytesPerItem = trained.embedding.bytesPerItem
        report.dimension = dimension
        report.nonzerosPerRow = trained.embedding.nonzerosPerRow
        report.epochs = history
        report.parameters = ["batchSize": "\(batchSize)", "learningRate": "\(learningRate)", "momentumDecayScale": "\(momentumDecayScale)",
                             "maxOutput": maxOutput.map(String.init) ?? "all", "activation": activation.rawValue,
                             "threads": "\(splitOptions.threads)"].merging(extra) { $1 }
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
        if let checkpoint, FileManager.default.fileExists(atPath: checkpoint) {
            try FileManager.default.removeItem(atPath: checkpoint)
        }
    }
}
