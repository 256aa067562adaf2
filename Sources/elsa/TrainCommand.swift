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
    @Option(help: "Output columns per batch (batch items plus sampled negatives); omit for all items.")
    var maxOutput: Int?
    @Option(help: "Activation on the training prediction: relu or relu6.") var activation: Activation = .relu6

    @Option(help: "Save the trained model here (atomically).") var output: String?

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var splitOptions: SplitOptions

    func validate() throws {
        if dimension < 1 { throw ValidationError("--dimension must be at least 1") }
        if epochs < 0 { throw ValidationError("--epochs must not be negative") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let maxOutput, maxOutput < 1 { throw ValidationError("--max-output must be at least 1") }
        if !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
    }

    func run() throws {
        let start = Date()
        let experiment = try Experiment(source: try dataOptions.source, testUsers: splitOptions.testUsers,
                                        seed: splitOptions.seed, threads: splitOptions.threads)
        note(experiment.loaded.summary)
        note("split: \(experiment.split.train.rows) training users, \(experiment.split.testUsers.count) test users")
        let configuration = TrainingConfiguration(
            dimension: dimension, epochs: epochs, batchSize: batchSize, maxOutput: maxOutput ?? Int.max,
            optimizer: NadamConfiguration(learningRate: learningRate), activation: activation,
            threads: splitOptions.threads, seed: splitOptions.seed)
        let progress = ProgressPrinter()
        let trainStart = Date()
        let trainer = DenseELSATrainer(itemCount: experiment.dataset.itemCount, configuration: configuration)
        trainer.train(experiment.train, observer: progress)
        let trained = trainer.model(itemIDs: experiment.dataset.itemIDs)
        let trainSeconds = Date().timeIntervalSince(trainStart)
        let history = trainer.history
        let result = try experiment.evaluate(trained)
        var report = experiment.report(model: model.rawValue, result: result, seconds: Date().timeIntervalSince(start))
        report.trainSeconds = trainSeconds
        report.bytesPerItem = trained.embedding.bytesPerItem
        report.dimension = dimension
        report.nonzerosPerRow = trained.embedding.nonzerosPerRow
        report.epochs = history
        report.parameters = ["batchSize": "\(batchSize)", "learningRate": "\(learningRate)",
                             "maxOutput": maxOutput.map(String.init) ?? "all", "activation": activation.rawValue,
                             "threads": "\(splitOptions.threads)"]
        print("\(model.rawValue) d=\(dimension) on \(experiment.source.name): \(String(format: "%.1f", trainSeconds)) s training, \(report.bytesPerItem!) B per item")
        print(report.metricsTable)
        if let output {
            var metadata = report.parameters
            metadata["model"] = model.rawValue
            metadata["dataset"] = experiment.source.name
            metadata["dimension"] = "\(dimension)"
            metadata["seed"] = "\(splitOptions.seed)"
            try ModelFile.write(trained, metadata: metadata, to: output)
            note("model written to \(output)")
        }
        if let path = splitOptions.report {
            try report.write(to: path)
            note("report written to \(path)")
        }
    }
}
