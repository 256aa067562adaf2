import ArgumentParser
import Foundation
import ELSA

/// `make run`: the main job on the embedded synthetic data, no files needed.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train and compare models on the embedded synthetic data and print a metrics table.")

    @Option(help: "Threads.") var threads: Int = 2
    @Option(help: "Seed.") var seed: UInt64 = 42

    func run() throws {
        let experiment = try Experiment(source: .embeddedSynthetic(), testUsers: 500, seed: seed, threads: threads)
        print(experiment.loaded.summary)
        print("split: \(experiment.split.train.rows) training users, \(experiment.split.testUsers.count) test users x 5 folds\n")
        var rows: [(String, Int, Double, EvaluationResult)] = []
        func add(_ name: String, _ bytes: Int, _ seconds: Double, _ result: EvaluationResult) {
            rows.append((name, bytes, seconds, result))
            note(name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " recall@20 %.4f  (%.1f s)", result.metrics["recall@20"] ?? 0, seconds))
        }
        var clock = Date()
        add("popularity", 0, 0, try experiment.evaluate(PopularityRecommender(interactions: experiment.train)))
        clock = Date()
        let ease = try EASE(interactions: experiment.train, lambda: 50, threads: threads)
        add("EASE (lambda 50)", 4 * ease.itemCount, Date().timeIntervalSince(clock), try experiment.evaluate(ease))
        for dimension in [32, 128] {
            clock = Date()
            let trainer = DenseELSATrainer(itemCount: experiment.dataset.itemCount, configuration: TrainingConfiguration(
                dimension: dimension, epochs: 10, batchSize: 256, threads: threads, seed: seed))
            trainer.train(experiment.train)
            let model = trainer.model(itemIDs: experiment.dataset.itemIDs)
            add("dense ELSA d=\(dimension)", model.embedding.bytesPerItem, Date().timeIntervalSince(clock), try experiment.evaluate(model))
        }
        print("model                          bytes/item  recall@20  recall@50  ndcg@100  train s")
        for (name, bytes, seconds, result) in rows {
            print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " %10d  %9.4f  %9.4f  %8.4f  %7.1f", bytes,
                         result.metrics["recall@20"] ?? 0, result.metrics["recall@50"] ?? 0, result.metrics["ndcg@100"] ?? 0, seconds))
        }
    }
}
