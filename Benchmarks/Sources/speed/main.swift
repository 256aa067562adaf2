// Speed benchmarks that print ratios measured side by side in one run.
//
//   speed dense-epoch   --data PATH --format F [--dimensions 1024,4096] [--max-batches N]
//   speed sparse-epochs --data PATH --format F [--dimension 4096] [--ks 4096,1024,256,64,16] [--max-batches N] [--crossover] [--warm-up 1]
//   speed schedule      --data PATH --format F [--dimension 4096] [--target 16] [--epochs-per-stage 10] [--dense-epochs 10] [--users N]
//                       [--dense-path-fraction F]
//   speed scoring       --data PATH --format F [--users 1000] [--k 16] [--dense-dimension 1024] [--dimension 4096] [--repeats 5]
//   speed kernels       [--dimension 4096] [--outputs 24915] [--ks 256,16]   (synthetic operands, one call per kernel)
//   speed compressae    [--items 24915] [--input 1024] [--hidden 4096] [--ks 128,16] [--steps 10]   (random item matrix)
//
// Every mode uses 2 threads (Dispatch kernels and BLAS, never both at once), batch 1024,
// all items as output columns, seed 42.
import Foundation
import ELSA
import ELSALinearAlgebra
import ELSASparse
import ELSATraining
import _ELSASupport

// OpenBLAS's idle workers sleep at once and a CPU OpenBLAS does not know gets the kernels it can
// run, as in `elsa` (see `BLASEnvironment`); set OPENBLAS_THREAD_TIMEOUT or OPENBLAS_CORETYPE
// yourself to measure another setting.
BLASEnvironment.relaunchIfNeeded()

let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "help"
let arguments = Array(CommandLine.arguments.dropFirst(2))
func option(_ name: String, _ fallback: String) -> String {
    if let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count { return arguments[index + 1] }
    return fallback
}
func flag(_ name: String) -> Bool { arguments.contains("--" + name) }
func list(_ name: String, _ fallback: String) -> [Int] { option(name, fallback).split(separator: ",").compactMap { Int($0) } }
func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
func now() -> Double { Date().timeIntervalSinceReferenceDate }

let threads = Int(option("threads", "2"))!
let batchSize = Int(option("batch-size", "1024"))!
let maxBatches = Int(option("max-batches", "0"))!

func loadTrainingMatrix() throws -> (CSRMatrix, String) {
    let path = option("data", "synthetic")
    let format = try? DataFormat(parsing: option("format", "adjacency"))
    let loaded = try DatasetSource(path: path, format: path == "synthetic" ? nil : format).load()
    return (loaded.dataset.interactions, loaded.summary.split(separator: "\n").first.map(String.init) ?? path)
}

/// The batches of one epoch (seeded order), truncated to --max-batches when given.
func epochBatches(_ x: CSRMatrix) -> [TrainingBatch] {
    let schedule = BatchSchedule(users: x.rows, batchSize: batchSize, seed: 42, epoch: 1)
    var generator = SeededGenerator(seed: 42)
    var batches: [TrainingBatch] = []
    for users in schedule.batches.prefix(maxBatches > 0 ? maxBatches : Int.max) {
        batches.append(TrainingBatch(rows: x.selectingRows(users), maxOutput: Int.max, generator: &generator))
    }
    return batches
}

/// The three dense products of one batch as bare sgemm calls of the same shapes.
func bareGemmSeconds(batches: [TrainingBatch], dimension d: Int) -> Double {
    var a = [Float](repeating: 0.01, count: 1), h = a, p = a, g = a
    var total = 0.0
    for batch in batches {
        let n = batch.outputs.count, b = batch.userCount
        if a.count != n * d { a = [Float](repeating: 0.01, count: n * d); g = a }
        if h.count != b * d { h = [Float](repeating: 0.02, count: b * d) }
        if p.count != n * b { p = [Float](repeating: 0.03, count: n * b) }
        let start = now()
        BLASThreads.with(threads) {
            // Pᵀ = Â_O Hᵀ, dÂ_O = Gᵀ H, GA = G Â_O (as in DenseTrainingStep).
            BLAS.gemm(.none, .transpose, m: n, n: b, k: d, a: a, lda: d, b: h, ldb: d, c: &p, ldc: b)
            BLAS.gemm(.none, .none, m: n, n: d, k: b, a: p, lda: b, b: h, ldb: d, c: &g, ldc: d)
            BLAS.gemm(.transpose, .none, m: b, n: d, k: n, a: p, lda: b, b: a, ldb: d, c: &h, ldc: d)
        }
        total += now() - start
    }
    return total
}




switch mode {
case "dense-epoch":
    let (x, summary) = try loadTrainingMatrix()
    let batches = epochBatches(x)
    say("dense ELSA epoch against its bare sgemm calls: \(summary)")
    say("\(batches.count) batches of \(batchSize) users, \(x.columns) output items, \(threads) threads")
    say("each batch is timed twice back to back, as a training step and as its three bare sgemm calls, so load changes hit both")
    say("d       epoch s   bare gemm s   epoch/gemm   gemm GFLOP/s   epoch GFLOP/s   gemm share in step   finite check/step")
    for d in list("dimensions", "1024,4096") {
        let trainer = DenseELSATrainer(itemCount: x.columns, configuration: TrainingConfiguration(dimension: d, threads: threads, seed: 42))
        var epoch = 0.0, gemm = 0.0, flops = 0.0, check = 0.0
        for batch in batches {
            flops += 6 * Double(batch.outputs.count) * Double(batch.userCount) * Double(d)
            let start = now()
            trainer.step(batch)
            epoch += now() - start
            gemm += bareGemmSeconds(batches: [batch], dimension: d)
            // The epoch loop's check after every step that no weight is NaN or infinite.
            let checkStart = now()
            let finite = BLASThreads.with(threads) {
                trainer.parameters.storage.withUnsafeBufferPointer { BLAS.allFinite(count: $0.count, $0.baseAddress!) }
            }
            check += now() - checkStart
            precondition(finite, "the weights went non-finite")
        }
        say(String(format: "%-6d  %8.2f  %12.2f  %11.3f  %13.1f  %14.1f  %17.3f  %18.4f", d, epoch, gemm, epoch / gemm, flops / gemm / 1e9,
                   flops / epoch / 1e9, trainer.gemmSeconds / epoch, check / epoch))
    }
case "sparse-epochs":
    let (x, summary) = try loadTrainingMatrix()
    let batches = epochBatches(x)
    let d = Int(option("dimension", "4096"))!
    let ks = list("ks", "1024,256,64,16").filter { $0 < d }
    let crossover = flag("crossover")
    say("compressed ELSA epoch against the dense epoch, d = \(d): \(summary)")
    say("\(batches.count) batches of \(batchSize) users, \(x.columns) output items, \(threads) threads; every batch runs on every path back to back")
    let items = x.columns
    let initial = XavierInitializer.matrix(rows: items, columns: d, seed: 42)
    var dense = DenseMatrix(rows: 0, columns: 0)
    dense = initial
    let denseOptimizer = Nadam(parameterCount: items * d)
    let denseStep = DenseTrainingStep(threads: threads)
    var sparse = ks.map { FixedPatternEmbedding(topKOf: initial, nonzerosPerRow: $0, threads: threads) }
    let sparseOptimizers = sparse.map { Nadam(parameterCount: $0.values.count) }
    let sparseSteps = ks.map { _ in SparseTrainingStep(threads: threads) }
    var masked: [(DenseMatrix, [UInt8], Nadam)] = []
    if crossover {
        for pattern in sparse {
            var mask = [UInt8](repeating: 0, count: items * d)
            let k = pattern.nonzerosPerRow
            for i in 0..<items { for p in (i * k)..<((i + 1) * k) { mask[i * d + Int(pattern.columnIndices[p])] = 1 } }
            masked.append((pattern.toDense(), mask, Nadam(parameterCount: items * d)))
        }
    }
    var denseSeconds = 0.0
    var sparseSeconds = [Double](repeating: 0, count: ks.count), maskedSeconds = [Double](repeating: 0, count: ks.count)
    // Warm-up: every path runs the first batch(es) untimed. A trainer allocates its step's workspaces
    // (the n_out x b predictions, 100 MB here, and the d x b matrices) and touches their pages once
    // per run, not once per epoch; timing them inside 10 batches would charge a tenth of it to every epoch.
    let warmUp = Int(option("warm-up", "1"))!
    say("warm-up: \(warmUp) untimed batch(es) on every path first (workspace allocation, first page touches, BLAS threads)")
    BLASThreads.with(threads) {
        for batch in batches.prefix(warmUp) {
            _ = denseStep.run(batch: batch, parameters: &dense, optimizer: denseOptimizer, activation: .relu6)
            for index in ks.indices {
                _ = sparseSteps[index].run(batch: batch, weights: &sparse[index], optimizer: sparseOptimizers[index], activation: .relu6)
                sparseSteps[index].resetPhaseSeconds()
                if crossover {
                    _ = denseStep.run(batch: batch, parameters: &masked[index].0, optimizer: masked[index].2, activation: .relu6, mask: masked[index].1)
                }
            }
        }
    }
    BLASThreads.with(threads) {
        for batch in batches {
            var start = now()
            _ = denseStep.run(batch: batch, parameters: &dense, optimizer: denseOptimizer, activation: .relu6)
            denseSeconds += now() - start
            for index in ks.indices {
                start = now()
                _ = sparseSteps[index].run(batch: batch, weights: &sparse[index], optimizer: sparseOptimizers[index], activation: .relu6)
                sparseSeconds[index] += now() - start
                if crossover {
                    start = now()
                    _ = denseStep.run(batch: batch, parameters: &masked[index].0, optimizer: masked[index].2, activation: .relu6, mask: masked[index].1)
                    maskedSeconds[index] += now() - start
                }
            }
        }
    }
    say(String(format: "k = d = %d (dense CBLAS path): %.2f s", d, denseSeconds))
    say("k       sparse s   sparse/dense   dense/sparse" + (crossover ? "   masked dense s   sparse/masked" : ""))
    for (index, k) in ks.enumerated() {
        var line = String(format: "%-6d  %8.2f  %13.4f  %12.1f", k, sparseSeconds[index], sparseSeconds[index] / denseSeconds, denseSeconds / sparseSeconds[index])
        if crossover { line += String(format: "  %15.2f  %14.3f", maskedSeconds[index], sparseSeconds[index] / maskedSeconds[index]) }
        say(line)
    }
    say("phases of the sparse step (seconds over all batches):")
    for (index, k) in ks.enumerated() {
        say("  k \(k): " + sparseSteps[index].phaseSeconds.named.map { String(format: "%@ %.2f", $0.0, $0.1) }.joined(separator: ", "))
    }
case "schedule":
    let (all, summary) = try loadTrainingMatrix()
    // --users N trains on the first N users only (every item stays an output): the ratio
    // between the schedule and the dense epochs does not depend on how many batches an epoch has.
    let userLimit = Int(option("users", "0"))!
    let x = userLimit > 0 ? all.selectingRows(Array(0..<min(userLimit, all.rows))) : all
    say("training users: \(x.rows) of \(all.rows)")
    let d = Int(option("dimension", "4096"))!
    let target = Int(option("target", "16"))!
    let epochsPerStage = Int(option("epochs-per-stage", "10"))!
    let denseEpochs = Int(option("dense-epochs", "10"))!
    say("exponential schedule with restarting against \(denseEpochs) dense epochs, d = \(d): \(summary)")
    let configuration = TrainingConfiguration(dimension: d, epochs: denseEpochs, batchSize: batchSize, threads: threads, seed: 42)
    var start = now()
    let dense = DenseELSATrainer(itemCount: x.columns, configuration: configuration)
    dense.train(x)
    let denseSeconds = now() - start
    say(String(format: "%d dense epochs: %.1f s", denseEpochs, denseSeconds))
    let plan = try SparsificationSchedule.exponential(dimension: d, targetNonzeros: target, epochsPerStage: epochsPerStage)
    start = now()
    // --dense-path-fraction F overrides the switch this machine gets (`elsa platform` prints it).
    let densePathFraction = Double(option("dense-path-fraction", String(CompressedELSATrainer.defaultDensePathFraction)))!
    say("dense path: stages with k > \(densePathFraction) d")
    let compressed = CompressedELSATrainer(itemCount: x.columns, configuration: configuration, schedule: plan, restart: true,
                                           densePathFraction: densePathFraction)
    compressed.train(x)
    let scheduleSeconds = now() - start
    say(String(format: "exponential schedule (%d stages, %d epochs): %.1f s", plan.stages.count, plan.totalEpochs, scheduleSeconds))
    say(String(format: "schedule / dense = %.2f (target: below 3)", scheduleSeconds / denseSeconds))
    // Set-up of a stage = its seconds minus its epochs' (new pattern, values, optimizer, first touches).
    var epochIndex = 0
    var setUp = (dense: 0.0, sparse: 0.0), epochs = (dense: 0.0, sparse: 0.0)
    say("  k      path    stage s  set-up s")
    for (index, entry) in compressed.stageLog.enumerated() {
        let count = plan.stages[index].epochs
        let trained = compressed.history[epochIndex..<(epochIndex + count)].reduce(0) { $0 + $1.seconds }
        epochIndex += count
        if entry.dense { setUp.dense += entry.seconds - trained; epochs.dense += trained }
        else { setUp.sparse += entry.seconds - trained; epochs.sparse += trained }
        say(String(format: "  %5d  %@  %7.1f  %8.2f", entry.k, entry.dense ? "dense " : "sparse", entry.seconds, entry.seconds - trained))
    }
    say(String(format: "dense-path stages: %.1f s in epochs + %.1f s set-up; sparse stages: %.1f s in epochs + %.1f s set-up",
               epochs.dense, setUp.dense, epochs.sparse, setUp.sparse))
case "scoring":
    let (x, summary) = try loadTrainingMatrix()
    let users = Int(option("users", "1000"))!
    let k = Int(option("k", "16"))!
    let d = Int(option("dimension", "4096"))!
    let denseDimension = Int(option("dense-dimension", "1024"))!
    let histories = x.selectingRows(Array(0..<min(users, x.rows)))
    let sparseModel = ELSAModel(embedding: .sparse(CSRMatrix.topK(dense: XavierInitializer.matrix(rows: x.columns, columns: d, seed: 1), k: k)),
                                itemIDs: (0..<x.columns).map(String.init), threads: threads)
    let denseModel = ELSAModel(embedding: .dense(XavierInitializer.matrix(rows: x.columns, columns: denseDimension, seed: 1)),
                               itemIDs: (0..<x.columns).map(String.init), threads: threads)
    say("top-100 recommendation for \(histories.rows) users: \(summary)")
    let repeats = Int(option("repeats", "5"))!
    func time(_ model: ELSAModel) throws -> Double {
        let start = now()
        _ = try recommend(model, histories: histories, count: 100, threadCount: threads)
        return now() - start
    }
    // Warm-up, then the two models alternate so that load changes hit both; the fastest run of each counts.
    _ = try recommend(sparseModel, histories: histories.selectingRows(Array(0..<min(50, histories.rows))), count: 100, threadCount: threads)
    _ = try recommend(denseModel, histories: histories.selectingRows(Array(0..<min(50, histories.rows))), count: 100, threadCount: threads)
    var sparseRuns: [Double] = [], denseRuns: [Double] = []
    for _ in 0..<repeats {
        sparseRuns.append(try time(sparseModel))
        denseRuns.append(try time(denseModel))
    }
    let sparseSeconds = sparseRuns.min()!, denseSeconds = denseRuns.min()!
    let medianRatio = zip(denseRuns, sparseRuns).map { $0 / $1 }.sorted()[repeats / 2]
    say(String(format: "sparse k = %d of d = %d: %.3f s (%.1f µs per user), fastest of %d", k, d, sparseSeconds,
               sparseSeconds / Double(histories.rows) * 1e6, repeats))
    say(String(format: "dense d = %d:            %.3f s (%.1f µs per user), fastest of %d", denseDimension, denseSeconds,
               denseSeconds / Double(histories.rows) * 1e6, repeats))
    say(String(format: "dense / sparse = %.1fx fastest against fastest, %.1fx median of paired runs (target: at least 10x)",
               denseSeconds / sparseSeconds, medianRatio))
case "kernels":
    let report = SparseKernelProbe.run(users: batchSize, dimension: Int(option("dimension", "4096"))!,
                                       outputCount: Int(option("outputs", "24915"))!, nonzeroCounts: list("ks", "256,16"),
                                       threads: threads)
    say(report.description)
case "compressae":
    // Seconds per CompresSAE training step by phase, on a random items x input matrix.
    let items = Int(option("items", "24915"))!, input = Int(option("input", "1024"))!
    let hidden = Int(option("hidden", "4096"))!, steps = Int(option("steps", "10"))!
    let matrix = XavierInitializer.matrix(rows: items, columns: input, seed: 7)
    say("CompresSAE steps on a random \(items) x \(input) matrix, h = \(hidden), batch \(batchSize), \(threads) threads")
    for k in list("ks", "128,16") {
        let configuration = CompresSAEConfiguration(hiddenDimension: hidden, nonzeros: k, epochs: 1, batchSize: batchSize,
                                                    threads: threads, seed: 42)
        let autoencoder = CompresSAE(inputDimension: input, configuration: configuration)
        let batch = DenseMatrix(rows: batchSize, columns: input,
                                storage: Array(matrix.storage.prefix(batchSize * input)))
        autoencoder.step(batch)  // first touches of the workspaces
        let before = autoencoder.phaseSeconds
        let start = now()
        for _ in 0..<steps { autoencoder.step(batch) }
        let perStep = (now() - start) / Double(steps)
        say(String(format: "k = %d (K = %d selected): %.1f ms per step, %.1f s per epoch of %d items", k,
                   configuration.selectedNonzeros, perStep * 1e3, perStep * Double((items + batchSize - 1) / batchSize), items))
        let phases = zip(before.named, autoencoder.phaseSeconds.named).map { old, new in
            String(format: "%@ %.1f", new.0, (new.1 - old.1) / Double(steps) * 1e3)
        }
        say("  ms per step: " + phases.joined(separator: ", "))
    }
default:
    say("usage: speed dense-epoch|sparse-epochs|schedule|scoring|kernels|compressae --data PATH --format FORMAT [options]; see the top of main.swift")
}
