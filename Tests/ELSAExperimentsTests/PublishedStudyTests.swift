import ELSABaselines
import Foundation
import Testing
import ELSAData
import ELSAEvaluation
import ELSAModels
@testable import ELSAExperiments

/// A compression study on a published split scores every run on the published test set, as `elsa evaluate
/// --split published` does, after training on every user of train.txt.
@Test func aStudyOnAPublishedSplitScoresThePublishedTestSet() throws {
    // A published folder made from planted data: each user's last two items are its test items.
    let planted = SyntheticData.generate(SyntheticConfiguration(userCount: 200, itemCount: 60, segmentCount: 4,
                                                                interactionsPerUser: 10, seed: 8)).dataset
    let folder = temporaryDirectory().path
    var train = "", test = ""
    for user in 0..<planted.userCount {
        let items = planted.interactions.columns(ofRow: user).map { planted.itemIDs[Int($0)] }
        guard items.count >= 4 else { continue }
        train += "\(user) " + items.dropLast(2).joined(separator: " ") + "\n"
        test += "\(user) " + items.suffix(2).joined(separator: " ") + "\n"
    }
    try Data(train.utf8).write(to: URL(fileURLWithPath: folder + "/train.txt"))
    try Data(test.utf8).write(to: URL(fileURLWithPath: folder + "/test.txt"))
    let published = try PublishedSplit(folder: folder)
    let experiment = try Experiment(published: published, name: "planted", seed: 3, threads: 2)
    #expect(experiment.train.rows == published.train.rows && experiment.train.nonzeroCount == published.train.nonzeroCount)
    let output = temporaryDirectory().path
    let study = BenchStudy(experiment: experiment, preset: tinyStudyPreset(), outputDirectory: output, ablation: false) { _ in }
    study.only = ["ease", "exponential-restart"]
    try study.run()
    let ids = Set(study.runs.map(\.id))
    #expect(ids == ["ease", "ease-pruned-k8", "ease-pruned-k4", "exponential-restart-k8", "exponential-restart-k4"])
    // Each run's metrics are the published-split metrics of its model, computed here again.
    let model = try ModelFile.read(from: output + "/runs/exponential-restart-k4.model").model
    let expected = try PublishedSplitMetrics.evaluate(model, train: published.train, test: published.test,
                                                      cutoffs: Experiment.publishedCutoffs, threadCount: 2)
    let run = try #require(study.runs.first { $0.id == "exponential-restart-k4" })
    #expect(run.metrics == expected.metrics)
    #expect(run.metrics["ndcg@20"] != nil && run.recipe?.split.kind == .published)
    let ease = try EASE(interactions: published.train, lambda: tinyStudyPreset().lambda, threads: 2)
    let easeMetrics = try PublishedSplitMetrics.evaluate(ease, train: published.train, test: published.test,
                                                         cutoffs: Experiment.publishedCutoffs, threadCount: 2).metrics
    #expect(study.runs.first { $0.id == "ease" }?.metrics == easeMetrics)
}
