import Foundation
import ELSAData
import ELSAEvaluation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse

/// A dataset with its strong-generalization split and the test folds, ready to train and evaluate on.
public struct Experiment: Sendable {
    public let source: DatasetSource
    public let loaded: LoadedDataset
    public let split: StrongGeneralizationSplit
    public let folds: EvaluationFolds
    /// Folds of the validation users (held out of training like the test users), when asked for.
    public let validationFolds: EvaluationFolds?
    public let seed: UInt64
    public var threads: Int
    /// The published train/test split when the experiment is on one (every training user trains; `evaluate`
    /// ranks all items but each user's training items, as the LightGCN literature does).
    public private(set) var published: PublishedSplit?

    public var dataset: InteractionDataset { loaded.dataset }
    /// Training users' rows (users x items).
    public var train: CSRMatrix { split.train }

    /// Loads `source` and holds out `testUsers` users (capped at a fifth of the eligible users)
    /// and `validationUsers` more. The test users are the same with or without validation users
    /// (the split draws the test users first); validation users come out of the training users.
    public init(source: DatasetSource, testUsers: Int, validationUsers: Int = 0, seed: UInt64, threads: Int) throws {
        self.source = source
        let loaded = try source.load()
        self.loaded = loaded
        self.seed = seed
        self.threads = threads
        let interactions = loaded.dataset.interactions
        let eligible = (0..<interactions.rows).filter {
            interactions.count(ofRow: $0) >= StrongGeneralizationSplit.minimumItemsPerEvaluatedUser
        }.count
        let count = min(testUsers, max(1, eligible / 5))
        self.split = try StrongGeneralizationSplit(interactions: interactions, testUserCount: count,
                                                   validationUserCount: validationUsers, seed: seed)
        self.folds = try split.testFolds()
        self.validationFolds = validationUsers > 0 ? try split.validationFolds() : nil
    }

    /// An experiment on a dataset already in memory (named `name` in reports and checkpoints). Unlike the
    /// file-based initializer, `testUsers` may be 0: every user trains (less `validationUsers`), as an
    /// estimator's `fit` does.
    public init(dataset: InteractionDataset, name: String = "memory", testUsers: Int, validationUsers: Int = 0,
                seed: UInt64, threads: Int) throws {
        self.source = DatasetSource(path: name)
        self.loaded = LoadedDataset(dataset: dataset, report: nil, synthetic: nil, seconds: 0,
                                    summary: "\(name): \(dataset.userCount) users, \(dataset.itemCount) items, \(dataset.interactionCount) interactions")
        self.seed = seed
        self.threads = threads
        self.split = try StrongGeneralizationSplit(interactions: dataset.interactions, testUserCount: testUsers,
                                                   validationUserCount: validationUsers, seed: seed)
        self.folds = try split.testFolds()
        self.validationFolds = validationUsers > 0 ? try split.validationFolds() : nil
    }

    /// An experiment on a data set's published split: every user of `train.txt` trains (less `validationUsers`,
    /// held out for choosing epochs) and `evaluate` scores the users of `test.txt`.
    public init(published: PublishedSplit, name: String, validationUsers: Int = 0, seed: UInt64, threads: Int) throws {
        let dataset = InteractionDataset(interactions: published.train, userIDs: published.userIDs, itemIDs: published.itemIDs)
        try self.init(dataset: dataset, name: name, testUsers: 0, validationUsers: validationUsers, seed: seed, threads: threads)
        self.published = published
    }

    /// The cutoffs of a published-split evaluation.
    public static let publishedCutoffs = [20, 50, 100]

    /// Evaluates `model` on the test folds, or on the published test set (its users with test items: `evaluatedCount`).
    public func evaluate<Model: Recommender>(_ model: Model) throws -> EvaluationResult {
        guard let published else { return try Evaluator(threadCount: threads).evaluate(model, on: folds) }
        let start = Date()
        let outcome = try PublishedSplitMetrics.evaluate(model, train: published.train, test: published.test,
                                                         cutoffs: Self.publishedCutoffs, threadCount: threads)
        return EvaluationResult(metrics: outcome.metrics, evaluatedCount: outcome.users, seconds: Date().timeIntervalSince(start))
    }

    /// A report skeleton with the dataset's counts filled in (on a published split: the users with test items
    /// as test users, and `parameters.split` "published").
    public func report(model: String, result: EvaluationResult, seconds: Double) -> ExperimentReport {
        var report = ExperimentReport(model: model, dataset: source.name, format: published == nil ? source.format?.rawValue : "adjacency",
                                      metrics: result.metrics, users: dataset.userCount, items: dataset.itemCount,
                                      interactions: dataset.interactionCount + (published?.test.nonzeroCount ?? 0),
                                      testUsers: published == nil ? split.testUsers.count : result.evaluatedCount,
                                      evaluatedFolds: result.evaluatedCount, seconds: seconds, evaluationSeconds: result.seconds, seed: seed)
        if published != nil { report.parameters["split"] = "published" }
        return report
    }
}
