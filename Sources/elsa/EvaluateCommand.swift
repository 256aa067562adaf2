import ArgumentParser
import Foundation
import ELSA
import ELSAExperiments
import _ELSASupport

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

    enum SplitKind: String, ExpressibleByArgument, CaseIterable { case strong, published }
    @Option(help: "strong: held-out test users, 5 folds each (the paper's protocol); published: the data folder's own train.txt and test.txt (adjacency), every user with test items ranking all items but their training items, Recall@20 and NDCG@20 as the LightGCN literature computes them.")
    var split: SplitKind = .strong

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
        let experiment = try makeExperiment()
        try writeSplitIfAsked(experiment, splitOptions)
        var parameters: [String: String] = [:]
        var recipe: TrainingRecipe?
        let name: String
        let result: EvaluationResult
        var bytesPerItem: Int?
        if let modelFile {
            let (loaded, metadata) = try ModelFile.read(from: modelFile, threads: splitOptions.threads)
            guard loaded.itemIDs == experiment.dataset.itemIDs else {
                throw ValidationError("\(modelFile) was trained on other items (\(loaded.itemCount) items; the data has \(experiment.dataset.itemCount) or orders them differently); evaluate on the data and preprocessing it was trained on")
            }
            // A published split has no held-out users to leak into: only the strong split's seed and size matter.
            for (key, value) in [("seed", "\(splitOptions.seed)"), ("testUsers", "\(experiment.split.testUsers.count)")]
            where experiment.published == nil {
                if let stored = metadata[key], stored != value {
                    note("warning: the model was trained with \(key) \(stored), this evaluation uses \(value): its training users may be among the test users")
                }
            }
            name = metadata["model"] ?? "elsa"
            parameters = metadata.filter { $0.key != "recipe" }
            recipe = metadata["recipe"].flatMap { try? TrainingRecipe.decode(Data($0.utf8), file: modelFile) }
            bytesPerItem = loaded.embedding.bytesPerItem
            result = try experiment.evaluate(loaded)
        } else {
            let baseline = try fitBaseline(on: experiment.train)
            (name, parameters, bytesPerItem) = (baseline.name, baseline.parameters, baseline.bytesPerItem)
            result = try experiment.evaluate(baseline.recommender)
        }
        var report = experiment.report(model: name, result: result, seconds: Date().timeIntervalSince(start))
        report.parameters.merge(ReportValue.parsing(parameters)) { $1 }
        report.recipe = recipe
        report.bytesPerItem = bytesPerItem
        let headline = experiment.published == nil
            ? "\(name) on \(experiment.source.name): \(report.users) users, \(report.items) items, \(report.testUsers) test users"
            : "\(name) on the published split of \(report.dataset): \(report.testUsers) users with test items, \(report.items) items"
        try finish(report, headline: headline)
    }

    /// The data and its split: held-out test users (strong), or the folder's own train.txt and test.txt (published).
    func makeExperiment() throws -> Experiment {
        guard split == .published else {
            let experiment = try Experiment(source: try dataOptions.source, testUsers: splitOptions.testUsers,
                                            seed: splitOptions.seed, threads: splitOptions.threads)
            note(experiment.loaded.summary + String(format: "\n(read and preprocessed in %.3f s)", experiment.loaded.seconds))
            note("split: \(experiment.split.train.rows) training users, \(experiment.split.testUsers.count) test users, \(experiment.folds.count) (user, fold) pairs")
            return experiment
        }
        guard dataOptions.format == .adjacency else { throw ValidationError("--split published needs --format adjacency (a folder with train.txt and test.txt)") }
        let published = try PublishedSplit(folder: dataOptions.data)
        note("published split of \(dataOptions.data): \(published.userIDs.count) users, \(published.itemIDs.count) items, "
             + "\(published.train.nonzeroCount) training and \(published.test.nonzeroCount) test interactions")
        return try Experiment(published: published, name: URL(fileURLWithPath: dataOptions.data).lastPathComponent,
                              seed: splitOptions.seed, threads: splitOptions.threads)
    }

    /// The `--model` baseline fitted on `train` (users x items): its report name and parameters, the recommender,
    /// and its bytes per item (EASE's dense row, 8 B per entry of a pruned one; none for popularity).
    func fitBaseline(on train: CSRMatrix) throws
        -> (name: String, parameters: [String: String], recommender: any Recommender, bytesPerItem: Int?) {
        switch model! {
        case .popularity:
            return ("popularity", [:], PopularityRecommender(interactions: train), nil)
        case .ease:
            let fitStart = Date()
            let ease = try EASE(interactions: train, lambda: lambda, threads: splitOptions.threads)
            note(String(format: "EASE fitted on %d items in %.1f s", ease.itemCount, Date().timeIntervalSince(fitStart)))
            guard let nonzeros else { return ("ease", ["lambda": "\(lambda)"], ease, 4 * ease.itemCount) }
            guard nonzeros <= ease.itemCount else {
                throw ValidationError("--nonzeros \(nonzeros) is more than the \(ease.itemCount) items")
            }
            return ("ease-pruned", ["lambda": "\(lambda)", "nonzeros": "\(nonzeros)"], ease.pruned(nonzerosPerRow: nonzeros), 8 * nonzeros)
        }
    }

    /// Prints the report's headline and metrics, and writes it when `--report` asks.
    func finish(_ report: ExperimentReport, headline: String) throws {
        print(headline)
        print(report.metricsTable)
        if let path = splitOptions.report {
            try report.write(to: path)
            note("report written to \(path)")
        }
    }
}
