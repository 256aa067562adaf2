import ArgumentParser
import Foundation
import ELSA

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a baseline or a saved model on held-out users (strong generalization, 5 folds).")

    enum ModelName: String, ExpressibleByArgument, CaseIterable { case ease, popularity }

    @Option(help: "A baseline to fit and evaluate: ease, popularity.")
    var model: ModelName?

    @Option(help: "A saved model file to evaluate (instead of --model).")
    var modelFile: String?

    @Option(help: "EASE L2 regularization.")
    var lambda: Float = 500

    @Option(help: "EASE: keep only this many entries per row of B (pruned EASE).")
    var nonzeros: Int?

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var splitOptions: SplitOptions

    func validate() throws {
        if (model == nil) == (modelFile == nil) { throw ValidationError("give exactly one of --model and --model-file") }
        if lambda < 0 { throw ValidationError("--lambda must not be negative") }
        if let nonzeros, nonzeros < 1 { throw ValidationError("--nonzeros must be at least 1") }
    }

    func run() throws {
        let start = Date()
        try OutputPaths.check(inputs: dataOptions.inputFiles + [("--model-file", modelFile)],
                              outputs: [("--report", splitOptions.report), ("--cache", dataOptions.cache)] + splitFiles(splitOptions))
        if let report = splitOptions.report { try makeFolder(of: report) }
        let experiment = try Experiment(source: try dataOptions.source, testUsers: splitOptions.testUsers,
                                        seed: splitOptions.seed, threads: splitOptions.threads)
        note(experiment.loaded.summary + String(format: "\n(read and preprocessed in %.3f s)", experiment.loaded.seconds))
        note("split: \(experiment.split.train.rows) training users, \(experiment.split.testUsers.count) test users, \(experiment.folds.count) (user, fold) pairs")
        try writeSplitIfAsked(experiment, splitOptions)
        var parameters: [String: String] = [:]
        let name: String
        let result: EvaluationResult
        var bytesPerItem: Int?
        if let modelFile {
            let (loaded, metadata) = try ModelFile.read(from: modelFile, threads: splitOptions.threads)
            guard loaded.itemIDs == experiment.dataset.itemIDs else {
                throw ValidationError("\(modelFile) was trained on other items (\(loaded.itemCount) items; the data has \(experiment.dataset.itemCount) or orders them differently); evaluate on the data and preprocessing it was trained on")
            }
            for (key, value) in [("seed", "\(splitOptions.seed)"), ("testUsers", "\(experiment.split.testUsers.count)")] {
                if let stored = metadata[key], stored != value {
                    note("warning: the model was trained with \(key) \(stored), this evaluation uses \(value): its training users may be among the test users")
                }
            }
            name = metadata["model"] ?? "elsa"
            parameters = metadata
            bytesPerItem = loaded.embedding.bytesPerItem
            result = try experiment.evaluate(loaded)
        } else {
            switch model! {
            case .popularity:
                name = "popularity"
                result = try experiment.evaluate(PopularityRecommender(interactions: experiment.train))
            case .ease:
                let fitStart = Date()
                let ease = try EASE(interactions: experiment.train, lambda: lambda, threads: splitOptions.threads)
                note(String(format: "EASE fitted on %d items in %.1f s", ease.itemCount, Date().timeIntervalSince(fitStart)))
                parameters["lambda"] = "\(lambda)"
                if let nonzeros {
                    guard nonzeros <= ease.itemCount else {
                        throw ValidationError("--nonzeros \(nonzeros) is more than the \(ease.itemCount) items")
                    }
                    name = "ease-pruned"
                    parameters["nonzeros"] = "\(nonzeros)"
                    result = try experiment.evaluate(ease.pruned(nonzerosPerRow: nonzeros))
                } else {
                    name = "ease"
                    result = try experiment.evaluate(ease)
                }
            }
        }
        var report = experiment.report(model: name, result: result, seconds: Date().timeIntervalSince(start))
        report.parameters = parameters
        report.bytesPerItem = bytesPerItem
        print("\(name) on \(experiment.source.name): \(report.users) users, \(report.items) items, \(report.testUsers) test users")
        print(report.metricsTable)
        if let path = splitOptions.report {
            try report.write(to: path)
            note("report written to \(path)")
        }
    }
}
