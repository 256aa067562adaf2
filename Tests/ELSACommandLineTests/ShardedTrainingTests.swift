import Foundation
import Testing

/// `mpirun -np 2 elsa train`: items sharded over two processes train the model one process trains.
@Suite(.serialized) struct ShardedTrainingTests {
    static let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts `mpirun -np ranks elsa arguments...` in `folder`.
    static func start(ranks: Int, _ arguments: [String], in folder: URL) throws -> (process: Process, output: URL, errors: URL) {
        guard let mpirun, let elsa = ELSAExecutable.url else {
            Issue.record("mpirun (Open MPI: make deps installs openmpi-bin) or the elsa executable is missing")
            throw CancellationError()
        }
        let output = folder.appendingPathComponent("mpirun-\(UUID().uuidString).out")
        let errors = folder.appendingPathComponent("mpirun-\(UUID().uuidString).err")
        try Data().write(to: output)
        try Data().write(to: errors)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = ["-np", "\(ranks)", "--oversubscribe"] + (getuid() == 0 ? ["--allow-run-as-root"] : []) + [elsa.path] + arguments
        process.currentDirectoryURL = folder
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output, errors)
    }

    /// The process ids of `mpirun`'s children (its ranks on this machine).
    static func processes(startedBy mpirun: Process) throws -> [Int32] {
        let children = Process()
        children.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        children.arguments = ["-P", "\(mpirun.processIdentifier)"]
        let pipe = Pipe()
        children.standardOutput = pipe
        try children.run()
        children.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
    }

    static func run(ranks: Int, _ arguments: [String], in folder: URL) throws -> ELSAExecutable.Outcome {
        let (process, output, errors) = try start(ranks: ranks, arguments, in: folder)
        process.waitUntilExit()
        return ELSAExecutable.finished(process, output: output, errors: errors)
    }

    static let recipe = ["train", "--model", "compressed-elsa", "--dimension", "64", "--target-nonzeros", "8", "--epochs-per-stage", "1",
                         "--target-epochs", "2", "--test-users", "600", "--seed", "5", "--threads", "1"]

    @Test func twoProcessesTrainTheModelOneProcessTrains() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let one = try ELSAExecutable.run(Self.recipe + ["--output", "one.model", "--report", "one.json"], in: folder.url)
        #expect(one.status == 0, "\(one.errors)")
        let two = try Self.run(ranks: 2, Self.recipe + ["--output", "two.model", "--report", "two.json"], in: folder.url)
        #expect(two.status == 0, "\(two.errors)")
        #expect(two.errors.contains("items 0..<500 of 1000 on each of 2 processes"))
        for name in ["one", "two"] {
            let exported = try ELSAExecutable.run(["export", "--model-file", "\(name).model", "--format", "npy", "--output", "\(name).npy"],
                                                  in: folder.url)
            #expect(exported.status == 0, "\(exported.errors)")
        }
        let a = try readFloatNPY(folder.contents("one.npy")), b = try readFloatNPY(folder.contents("two.npy"))
        #expect(a.rows == 1000 && a.columns == 64 && b.rows == a.rows && b.columns == a.columns)
        // The same pattern (8 entries per row, in the same places), and the same values up to the order of float sums:
        // every difference below 1e-4 of its row's largest weight, and of the weight itself where that weight is at
        // least 1% of its row's largest (a weight near zero can lose all of its relative digits to a rounding).
        var worstOfRow: Float = 0, worstOfWeight: Float = 0
        for row in 0..<a.rows {
            let x = a.values[(row * 64)..<((row + 1) * 64)], y = b.values[(row * 64)..<((row + 1) * 64)]
            #expect(x.filter { $0 != 0 }.count == 8)
            #expect(zip(x, y).allSatisfy { ($0 == 0) == ($1 == 0) }, "row \(row): the patterns differ")
            let largest = x.map(abs).max()!
            for (u, v) in zip(x, y) {
                worstOfRow = max(worstOfRow, abs(u - v) / largest)
                if max(abs(u), abs(v)) >= largest / 100 { worstOfWeight = max(worstOfWeight, abs(u - v) / max(abs(u), abs(v))) }
            }
        }
        #expect(worstOfRow < 1e-4)
        #expect(worstOfWeight < 1e-4)
        let oneReport = try jsonObject(folder.contents("one.json")), twoReport = try jsonObject(folder.contents("two.json"))
        let oneMetrics = try #require(oneReport["metrics"] as? [String: Double]), twoMetrics = try #require(twoReport["metrics"] as? [String: Double])
        #expect(!oneMetrics.isEmpty && Set(oneMetrics.keys) == Set(twoMetrics.keys))
        for (name, value) in oneMetrics { #expect(abs(value - twoMetrics[name]!) < 1e-3, "\(name)") }
        #expect((twoReport["parameters"] as? [String: Any])?["processes"] as? Int == 2)
        // Per batch each process sends the b x d hidden layer and its gradient (4 B per float), three per-user sums of
        // the loss (8 B each) and one flag (8 B): 2,400 training users in batches of 1,024 (3 batches) at d = 64.
        let epochs = try #require(twoReport["epochs"] as? [[String: Any]])
        #expect(epochs.count == (oneReport["epochs"] as? [[String: Any]])?.count)
        for epoch in epochs {
            #expect(epoch["batches"] as? Int == 3)
            #expect(epoch["bytesSummed"] as? Int == (2 * 64 * 4 + 3 * 8) * 2_400 + 8 * 3)
            #expect((epoch["rankPeakResidentBytes"] as? [Int])?.count == 2)
            let stagePeaks = try #require(epoch["rankStagePeakResidentBytes"] as? [Int])
            #expect(stagePeaks.count == 2 && stagePeaks.allSatisfy { $0 > 0 })
            #expect(stagePeaks.first == epoch["stagePeakResidentBytes"] as? Int)  // rank 0 writes the report
        }
        #expect(!folder.names().contains { $0.contains(".rank-") })
    }

    @Test func aKilledProcessEndsTheJobWithoutAModel() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let (process, output, errors) = try Self.start(ranks: 2, [
            "train", "--model", "compressed-elsa", "--data", "synthetic", "--synthetic-users", "20000", "--synthetic-items", "4000",
            "--dimension", "256", "--target-nonzeros", "8", "--epochs-per-stage", "3", "--threads", "1", "--output", "killed.model",
        ], in: folder.url)
        // Once the first epoch has ended, rank 1 (the second process mpirun started) is killed.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !((try? String(contentsOf: errors, encoding: .utf8)) ?? "").contains("epoch   1/") {
            Thread.sleep(forTimeInterval: 0.2)
        }
        let ranks = try Self.processes(startedBy: process)
        #expect(ranks.count == 2)
        if let last = ranks.max() { kill(last, SIGKILL) }
        process.waitUntilExit()
        let outcome = ELSAExecutable.finished(process, output: output, errors: errors)
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("exited on signal 9"), "\(outcome.errors)")
        #expect(!folder.exists("killed.model"))
    }

    @Test func whatDoesNotRunShardedIsRefusedOnEveryProcess() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let refused = try Self.run(ranks: 2, Self.recipe + ["--regrow-fraction", "0.25", "--output", "refused.model"], in: folder.url)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("pattern regrowth does not run across processes yet"), "\(refused.errors)")
        let dense = try Self.run(ranks: 2, ["train", "--model", "elsa", "--dimension", "16", "--epochs", "1"], in: folder.url)
        #expect(dense.status != 0)
        #expect(dense.errors.contains("only compressed-elsa trains across processes"), "\(dense.errors)")
        #expect(!folder.exists("refused.model"))
        let bench = try Self.run(ranks: 2, ["bench", "--preset", "quick", "--output", "bench"], in: folder.url)
        #expect(bench.status != 0)
        #expect(bench.errors.contains("elsa bench runs in one process; only elsa train runs across the processes of mpirun"), "\(bench.errors)")
        #expect(!folder.exists("bench"))
    }
}

extension ShardedTrainingTests {
    /// Each process checkpoints its own rows; a job killed after its checkpoints resumes to the model of a job
    /// that was not interrupted.
    @Test func aKilledJobResumesFromTheProcessesCheckpoints() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        // The long target stage (200 epochs) leaves time to kill the job after the checkpoints of the first stages.
        let options = ["train", "--model", "compressed-elsa", "--dimension", "64", "--target-nonzeros", "8", "--epochs-per-stage", "1",
                       "--target-epochs", "200", "--checkpoint-minutes", "0", "--threads", "1"]
        let whole = try Self.run(ranks: 2, options + ["--output", "whole.model"], in: folder.url)
        #expect(whole.status == 0, "\(whole.errors)")
        let files = ["run.ckpt.rank-0-of-2", "run.ckpt.rank-1-of-2"]
        let (process, output, errors) = try Self.start(ranks: 2, options + ["--output", "resumed.model", "--checkpoint", "run.ckpt"],
                                                       in: folder.url)
        let deadline = Date().addingTimeInterval(120)
        while !files.allSatisfy(folder.exists) && process.isRunning && Date() < deadline { usleep(2000) }
        for pid in try Self.processes(startedBy: process) { kill(pid, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationStatus != 0, "the job ended before it could be killed: \(ELSAExecutable.finished(process, output: output, errors: errors).errors)")
        #expect(!folder.exists("resumed.model"))
        #expect(files.allSatisfy(folder.exists))

        let resumed = try Self.run(ranks: 2, options + ["--output", "resumed.model", "--checkpoint", "run.ckpt"], in: folder.url)
        #expect(resumed.status == 0, "\(resumed.errors)")
        // Killed between the two processes' writes, the checkpoints hold different stages and the job starts over.
        #expect(resumed.errors.contains("resuming from the checkpoint run.ckpt.rank-0-of-2") || resumed.errors.contains("starting over"),
                "\(resumed.errors)")
        #expect(!files.contains(where: folder.exists))
        for name in ["whole", "resumed"] {
            let export = try ELSAExecutable.run(["export", "--model-file", "\(name).model", "--format", "npy", "--output", "\(name).npy"],
                                                in: folder.url)
            #expect(export.status == 0, "\(export.errors)")
        }
        // Two processes sum in one order (a + b), so the resumed job repeats the whole one exactly.
        #expect(try readFloatNPY(folder.contents("resumed.npy")).values == readFloatNPY(folder.contents("whole.npy")).values)
    }
}

extension ShardedTrainingTests {
    /// Validation across processes: rank 0 gathers each target epoch's model, validates it and keeps the best, as one
    /// process does.
    @Test func twoProcessesValidateAndKeepTheEpochOneProcessKeeps() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let options = Self.recipe + ["--validation-users", "300", "--keep-best", "--target-epochs", "4"]
        let one = try ELSAExecutable.run(options + ["--report", "one.json"], in: folder.url)
        #expect(one.status == 0, "\(one.errors)")
        let two = try Self.run(ranks: 2, options + ["--report", "two.json"], in: folder.url)
        #expect(two.status == 0, "\(two.errors)")
        let oneReport = try jsonObject(folder.contents("one.json")), twoReport = try jsonObject(folder.contents("two.json"))
        #expect(oneReport["selectedEpoch"] as? Int != nil)
        #expect(twoReport["selectedEpoch"] as? Int == oneReport["selectedEpoch"] as? Int)
        let oneEpochs = try #require(oneReport["epochs"] as? [[String: Any]]), twoEpochs = try #require(twoReport["epochs"] as? [[String: Any]])
        let validated = zip(oneEpochs, twoEpochs).compactMap { one, two -> (Double, Double)? in
            guard let a = (one["validation"] as? [String: Double])?["recall@20"] else { return nil }
            return (a, (two["validation"] as? [String: Double])?["recall@20"] ?? -1)
        }
        #expect(validated.count == 4)  // the target stage's epochs
        for (a, b) in validated { #expect(abs(a - b) < 1e-3) }
        let oneMetrics = try #require(oneReport["metrics"] as? [String: Double]), twoMetrics = try #require(twoReport["metrics"] as? [String: Double])
        for (name, value) in oneMetrics { #expect(abs(value - twoMetrics[name]!) < 1e-3, "\(name)") }
    }
}
