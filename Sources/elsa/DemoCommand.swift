import ArgumentParser
import Foundation
import ELSA
import ELSATraining
import _ELSASupport

/// `make run`: the main job on the embedded synthetic data, no files needed.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Compress ELSA item embeddings on the embedded synthetic data and print a metrics table against the baselines.")

    @Option(help: "Threads.") var threads: Int = 2
    @Option(help: "Seed.") var seed: UInt64 = 42
    @Option(help: "Dimension of the full dense ELSA and the start of sparse training.") var dimension: Int = 256
    @Option(help: "Epochs per stage of the exponential schedule.") var epochsPerStage: Int = 3

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if dimension < 16 { throw ValidationError("--dimension must be at least 16 (the demo compresses to 16 and 8 nonzeros)") }
        if epochsPerStage < 1 { throw ValidationError("--epochs-per-stage must be at least 1") }
    }

    func run() throws {
        let experiment = try Experiment(source: .embeddedSynthetic(), testUsers: 500, seed: seed, threads: threads)
        print(experiment.loaded.summary)
        print("split: \(experiment.split.train.rows) training users, \(experiment.split.testUsers.count) test users x 5 folds\n")
        let ids = experiment.dataset.itemIDs
        var rows: [(String, Int, Double, EvaluationResult)] = []
        func add(_ name: String, _ bytes: Int, _ seconds: Double, _ result: EvaluationResult) {
            rows.append((name, bytes, seconds, result))
            note(name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: " recall@20 %.4f  (%.1f s)", result.metrics["recall@20"] ?? 0, seconds))
        }
        func configuration(_ d: Int, epochs: Int = 10) -> TrainingConfiguration {
            TrainingConfiguration(dimension: d, epochs: epochs, batchSize: 256, threads: threads, seed: seed)
        }
        add("popularity", 0, 0, try experiment.evaluate(PopularityRecommender(interactions: experiment.train)))
        var clock = Date()
        let ease = try EASE(interactions: experiment.train, lambda: 50, threads: threads)
        add("EASE (lambda 50, dense items x items)", 4 * ease.itemCount, Date().timeIntervalSince(clock), try experiment.evaluate(ease))
        clock = Date()
        let dense = DenseELSATrainer(initializingOn: experiment.train, configuration: configuration(dimension))
        dense.train(experiment.train)
        let full = dense.model(itemIDs: ids)
        let fullSeconds = Date().timeIntervalSince(clock)
        add("dense ELSA d=\(dimension)", full.embedding.bytesPerItem, fullSeconds, try experiment.evaluate(full))
        let targets = [16, 8]
        let schedules = try targets.map { try SparsificationSchedule.exponential(dimension: dimension, targetNonzeros: $0, epochsPerStage: epochsPerStage) }
        clock = Date()
        var sparse: [Int: (ELSAModel, Double)] = [:]
        ScheduleForks.train(schedules, initial: InitialMatrix.make(for: experiment.train, configuration: configuration(dimension)),
                            configuration: configuration(dimension), restart: true, interactions: experiment.train) { schedule, trainer in
            sparse[schedule.targetNonzeros] = (trainer.model(itemIDs: ids), trainer.history.reduce(0) { $0 + $1.seconds })
        }
        for k in targets {
            let (model, seconds) = sparse[k]!
            add("compressed ELSA k=\(k) (exponential, restart)", model.embedding.bytesPerItem, seconds, try experiment.evaluate(model))
            clock = Date()
            let small = DenseELSATrainer(initializingOn: experiment.train, configuration: configuration(2 * k))
            small.train(experiment.train)
            add("dense ELSA at the same bytes, d=\(2 * k)", 8 * k, Date().timeIntervalSince(clock), try experiment.evaluate(small.model(itemIDs: ids)))
            let pruned = ELSAModel(embedding: .sparse(CSRMatrix.topK(dense: full.embedding.toDense(), k: k)), itemIDs: ids, threads: threads)
            add("dense ELSA d=\(dimension) pruned to top-\(k)", 8 * k, fullSeconds, try experiment.evaluate(pruned))
        }
        print("model".padding(toLength: 46, withPad: " ", startingAt: 0) + "bytes/item  recall@20  recall@50  ndcg@100  train s")
        for (name, bytes, seconds, result) in rows {
            print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: " %10d  %9.4f  %9.4f  %8.4f  %7.1f", bytes,
                         result.metrics["recall@20"] ?? 0, result.metrics["recall@50"] ?? 0, result.metrics["ndcg@100"] ?? 0, seconds))
        }
        print("\nBytes per item: 4 per dense factor, 8 per sparse nonzero (value + index). `elsa bench` runs the full study.")
    }
}
