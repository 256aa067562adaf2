import ELSABaselines
import Foundation
import ELSAData

/// Writes a study's table (Markdown), every run (JSON and CSV), the Recall@20-versus-bytes plot
/// (SVG) and the speed table under the study's output folder.
struct BenchOutputs {
    let study: BenchStudy
    let runs: [BenchRun]

    var directory: String { study.outputDirectory }

    func writeAll() throws {
        try AtomicFile.write(table(), to: directory + "/table.md")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(runs), to: directory + "/runs.json")
        try AtomicFile.write(csv(), to: directory + "/runs.csv")
        try AtomicFile.write(BenchPlot(runs: runs, budgets: study.preset.budgets, title: "Recall@20 against bytes per item: \(study.experiment.source.name)").svg(),
                             to: directory + "/recall.svg")
        try AtomicFile.write(speed(), to: directory + "/speed.md")
    }

    /// Methods in table order: the paper's method first, then the other schedules, then the baselines.
    var methods: [String] {
        BenchOutputs.methods(of: runs)
    }

    static func methods(of runs: [BenchRun]) -> [String] {
        let order = ["exponential-restart-", "exponential-", "stepwise-restart-", "stepwise-", "linear-restart-", "linear-", "constant-",
                     "elsa-dense-", "elsa-pruned-", "compressae-tuned-", "compressae-", "ease-pruned-"]
        func rank(_ run: BenchRun) -> Int { order.firstIndex { run.id.hasPrefix($0) } ?? order.count }
        var seen: [String] = []
        for run in runs.filter({ $0.budget != nil }).sorted(by: { rank($0) < rank($1) }) where !seen.contains(run.method) {
            seen.append(run.method)
        }
        return seen
    }

    func table() -> String {
        let preset = study.preset
        let data = study.experiment.dataset
        // Overrides beyond the paper's training appear only when set.
        var overrides = preset.targetEpochs.map { ", \($0) epochs at the target" } ?? ""
        if let dropout = preset.inputDropout { overrides += ", input dropout \(dropout) in every ELSA training" }
        if let rate = preset.learningRate { overrides += ", learning rate \(rate)" }
        if let activation = preset.activation { overrides += ", activation \(activation.rawValue)" }
        if let weight = preset.distillWeight {
            overrides += ", every sparse schedule distilled from the full dense ELSA's predictions with weight \(weight)"
        }
        if let regrowth = preset.regrowth {
            overrides += ", every sparse schedule's pattern pruned and regrown between the epochs of a stage (fraction "
                + "\(regrowth.fraction) of k after a stage's first epoch, decaying with a cosine; \(regrowth.batches) batches score the candidates)"
        }
        if let floor = preset.decayLearningRateTo {
            overrides += ", every sparse schedule's learning rate decayed with a cosine within each stage of several epochs to \(floor) of it"
        }
        if let epochs = preset.averageLastEpochs {
            overrides += ", every sparse schedule's stages of several epochs ended on the mean of their last \(epochs) epochs' weights"
        }
        if let validation = preset.validationUsers {
            overrides += ", the epoch of each ELSA run chosen on \(validation) validation users (the best Recall@20 among "
                + "dense ELSA's epochs and the epochs at the target k)"
        }
        var lines = ["# Compression study: \(study.experiment.source.name)", "",
                     "\(data.userCount) users, \(data.itemCount) items, \(data.interactionCount) interactions; "
                        + (study.experiment.published.map { published in
                            "the published split: every user trains on train.txt, the users with test items rank every item "
                                + "but their training items against test.txt's \(published.test.nonzeroCount) interactions, "
                                + "Recall@20 and NDCG@20 as the LightGCN literature computes them"
                        } ?? "\(study.experiment.split.testUsers.count) test users x 5 folds (strong generalization)")
                        + (study.experiment.split.validationUsers.isEmpty ? ""
                            : ", \(study.experiment.split.validationUsers.count) validation users held out of training")
                        + ", seed \(study.seed).",
                     "Preset `\(preset.name)`: D = \(preset.dimension), E = \(preset.epochsPerStage)" + overrides
                        + ", dense epochs \(preset.denseEpochs), "
                        + "batch \(preset.batchSize), EASE lambda \(preset.lambda), CompresSAE h = \(preset.saeHidden).", ""]
        lines.append("Uncompressed references:")
        lines.append("")
        lines.append("| model | bytes per item | Recall@20 | Recall@50 | NDCG@100 | train s |")
        lines.append("|---|---|---|---|---|---|")
        for run in runs where run.budget == nil {
            lines.append("| \(run.method) | \(run.bytesPerItem) | \(f(run.metrics["recall@20"])) | \(f(run.metrics["recall@50"])) | \(f(run.metrics["ndcg@100"])) | \(String(format: "%.1f", run.trainSeconds)) |")
        }
        // A published split adds the literature's NDCG@20.
        let published = study.experiment.published != nil ? [("ndcg@20", "NDCG@20")] : []
        for (metric, title) in [("recall@20", "Recall@20")] + published + [("recall@50", "Recall@50"), ("ndcg@100", "NDCG@100")] {
            lines += ["", "\(title) by byte budget per item vector (sparse: 8 B per nonzero, k = B/8; dense: 4 B per factor, d = B/4):", ""]
            lines.append("| method | " + preset.budgets.map { "\($0) B" }.joined(separator: " | ") + " |")
            lines.append("|---|" + preset.budgets.map { _ in "---|" }.joined())
            for method in methods {
                let cells = preset.budgets.map { budget -> String in
                    let value = runs.first { $0.method == method && $0.budget == budget }?.metrics[metric]
                    let best = runs.filter { $0.budget == budget }.compactMap { $0.metrics[metric] }.max()
                    let text = f(value)
                    return value != nil && value == best ? "**\(text)**" : text
                }
                lines.append("| \(method) | " + cells.joined(separator: " | ") + " |")
            }
        }
        if let reference = runs.first(where: { $0.id == "elsa-full" })?.recall20 {
            lines += ["", "Recall@20 relative to full dense ELSA (\(f(reference))):", ""]
            lines.append("| method | " + preset.budgets.map { "\($0) B" }.joined(separator: " | ") + " |")
            lines.append("|---|" + preset.budgets.map { _ in "---|" }.joined())
            for method in methods {
                let cells = preset.budgets.map { budget -> String in
                    guard let value = runs.first(where: { $0.method == method && $0.budget == budget })?.recall20 else { return "–" }
                    return String(format: "%+.1f%%", (value / reference - 1) * 100)
                }
                lines.append("| \(method) | " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func csv() -> String {
        var lines = ["id,method,budget,bytes_per_item,k,dimension,recall@20,recall@50,ndcg@100,train_seconds,epochs,model_bytes,latency_us,selected_epoch"]
        for run in runs {
            let fields: [String] = [run.id, "\"\(run.method)\"", run.budget.map(String.init) ?? "", "\(run.bytesPerItem)",
                                    run.k.map(String.init) ?? "", run.dimension.map(String.init) ?? "",
                                    f(run.metrics["recall@20"], 6), f(run.metrics["recall@50"], 6), f(run.metrics["ndcg@100"], 6),
                                    String(format: "%.2f", run.trainSeconds), "\(run.epochs.count)", "\(run.modelBytes)",
                                    String(format: "%.1f", run.latencyMicroseconds), run.selectedEpoch.map(String.init) ?? ""]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func speed() -> String {
        var lines = ["# Speed: \(study.experiment.source.name), preset `\(study.preset.name)`", ""]
        // Seconds per epoch against k, from the exponential run toward the smallest target (it passes every k).
        let trunk = runs.filter { $0.id.hasPrefix("exponential-restart-k") }.min { ($0.k ?? 0) < ($1.k ?? 0) }
        if let trunk, !trunk.epochs.isEmpty {
            lines += ["Seconds per epoch against nonzeros per row k (exponential schedule, d = \(study.preset.dimension); "
                        + "k = d runs dense, k > \(Int(CompressedELSATrainerFraction.value * 100))% of d on the masked dense path "
                        + "in this build; runs finished by an older build may have switched paths elsewhere):", "",
                      "| k | epochs | seconds per epoch | relative to k = d |", "|---|---|---|---|"]
            var byK: [Int: [Double]] = [:]
            for epoch in trunk.epochs { byK[epoch.k, default: []].append(epoch.seconds) }
            let denseSeconds = byK[study.preset.dimension].map { $0.reduce(0, +) / Double($0.count) }
            var shown = 0
            for k in byK.keys.sorted(by: >) {
                let seconds = byK[k]!.reduce(0, +) / Double(byK[k]!.count)
                let isPowerOfTwo = k & (k - 1) == 0
                if !(isPowerOfTwo || k == byK.keys.max() || k == byK.keys.min() || shown % 10 == 0) { shown += 1; continue }
                shown += 1
                let relative = denseSeconds.map { String(format: "%.3f", seconds / $0) } ?? "–"
                lines.append("| \(k) | \(byK[k]!.count) | \(String(format: "%.2f", seconds)) | \(relative) |")
            }
            lines.append("")
        }
        lines += ["Training time, memory and latency per run:", "",
                  "| run | method | bytes per item | epochs | train s | model bytes in memory | top-100 latency per user (µs) |",
                  "|---|---|---|---|---|---|---|"]
        for run in runs {
            lines.append("| \(run.id) | \(run.method) | \(run.bytesPerItem) | \(run.epochs.count) | \(String(format: "%.1f", run.trainSeconds)) | \(run.modelBytes) | \(String(format: "%.1f", run.latencyMicroseconds)) |")
        }
        lines += ["", "Train seconds of the schedule runs count every epoch on the run's path, including the stages it shares with the other targets (they ran once). "
                  + "Runs that compress the full dense ELSA after training (pruned, CompresSAE) count its training too; "
                  + "CompresSAE's own fit is the difference. Latencies were measured while other jobs may have shared the machine."]
        return lines.joined(separator: "\n") + "\n"
    }

    private func f(_ value: Double?, _ digits: Int = 4) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.\(digits)f", value)
    }
}

import ELSATraining
import _ELSASupport
enum CompressedELSATrainerFraction { static var value: Double { CompressedELSATrainer.defaultDensePathFraction } }
