import Foundation
import Testing

/// The `elsa` executable end to end, through the command names, flags and report keys that users'
/// scripts call. The library under each command is tested in the other suites;
/// these check that the commands wire it up as documented and agree with one another.
@Suite struct CommandLineTests {
    /// A small compressed-ELSA run on the embedded synthetic data: d = 64 to k = 8, exponential with restarting.
    static let smallRun = ["train", "--model", "compressed-elsa", "--dimension", "64", "--target-nonzeros", "8",
                           "--schedule", "exponential", "--restart", "--epochs-per-stage", "1", "--threads", "1"]

    @Test func scheduleCommandPrintsTheSpecsWorkedExample() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let text = try ELSAExecutable.run(["schedule", "--dimension", "4096", "--target-nonzeros", "16",
                                           "--schedule", "exponential", "--epochs-per-stage", "10"], in: folder.url)
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.contains("71 stages, 80 epochs"))
        // The table's rows: stage, k, epochs, bytes per item.
        var rows: [Int: (k: Int, epochs: Int, bytes: Int)] = [:]
        for line in text.output.split(separator: "\n") {
            let fields = line.split(separator: " ").compactMap { Int($0) }
            if fields.count == 4 { rows[fields[0]] = (fields[1], fields[2], fields[3]) }
        }
        #expect(rows.count == 71)
        // SPEC section 3's worked example: 4096 -> 1910, 1782, ..., 1024 at stage 10, ..., 17 at stage 69.
        let expected = [0: 4096, 1: 1910, 2: 1782, 3: 1663, 10: 1024, 69: 17, 70: 16]
        for (stage, k) in expected { #expect(rows[stage]?.k == k, "stage \(stage)") }
        #expect(rows[0]?.epochs == 1 && rows[70]?.epochs == 10)
        #expect(rows.values.map(\.epochs).reduce(0, +) == 80)
        // Dense rows cost 4 B per latent; sparse ones 8 B per nonzero (a 32-bit value and a 32-bit index).
        #expect(rows[0]?.bytes == 4 * 4096)
        #expect(rows.filter { $0.key > 0 }.allSatisfy { $0.value.bytes == 8 * $0.value.k })

        let json = try ELSAExecutable.run(["schedule", "--dimension", "4096", "--target-nonzeros", "16",
                                           "--schedule", "exponential", "--epochs-per-stage", "10", "--json"], in: folder.url)
        #expect(json.status == 0, "\(json.errors)")
        let object = try jsonObject(Data(json.output.utf8))
        let stages = try #require(object["stages"] as? [[String: Any]])
        #expect(stages.count == 71)
        #expect(stages.enumerated().allSatisfy { rows[$0.offset]?.k == $0.element["k"] as? Int })
        #expect(object["dimension"] as? Int == 4096 && object["targetNonzeros"] as? Int == 16)
    }

    /// `make run`'s job: the table of every method at each byte budget, with the budgets' bytes per item.
    @Test func demoPrintsTheComparisonTable() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let demo = try ELSAExecutable.run(["demo", "--threads", "1"], in: folder.url)
        #expect(demo.status == 0, "\(demo.errors)")
        // The table's rows: model name, bytes per item, recall@20, recall@50, ndcg@100, train seconds.
        var rows: [String: (bytes: Int, recall: Double)] = [:]
        for line in demo.output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 6, let bytes = Int(fields[fields.count - 5]), let recall = Double(fields[fields.count - 4]) else { continue }
            rows[fields.dropLast(5).joined(separator: " ")] = (bytes, recall)
        }
        #expect(rows["popularity"]?.bytes == 0)
        #expect(rows["dense ELSA d=256"]?.bytes == 1024)
        for k in [16, 8] {
            let compressed = try #require(rows["compressed ELSA k=\(k) (exponential, restart)"], "k = \(k): \(demo.output)")
            let sameBytes = try #require(rows["dense ELSA at the same bytes, d=\(2 * k)"])
            let pruned = try #require(rows["dense ELSA d=256 pruned to top-\(k)"])
            #expect(compressed.bytes == 8 * k && sameBytes.bytes == 8 * k && pruned.bytes == 8 * k)
            #expect(compressed.recall > sameBytes.recall && compressed.recall > pruned.recall)
        }
    }

    @Test func trainReportEvaluateExportAndRecommendAgree() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let train = try ELSAExecutable.run(Self.smallRun + ["--target-epochs", "3", "--output", "out/m.model",
                                                             "--report", "out/train.json"], in: folder.url)
        #expect(train.status == 0, "\(train.errors)")
        #expect(train.output.contains("recall@20"))
        let report = try jsonObject(folder.contents("out/train.json"))
        #expect(report["model"] as? String == "compressed-elsa")
        #expect(report["nonzerosPerRow"] as? Int == 8)
        #expect(report["dimension"] as? Int == 64)
        #expect(report["bytesPerItem"] as? Int == 64)  // 8 nonzeros x (4-byte value + 4-byte index)

        // The report's per-epoch k is the schedule that `elsa schedule` prints for the same options.
        let schedule = try ELSAExecutable.run(["schedule", "--dimension", "64", "--target-nonzeros", "8", "--schedule",
                                               "exponential", "--epochs-per-stage", "1", "--target-epochs", "3", "--json"],
                                              in: folder.url)
        let stages = try #require(try jsonObject(Data(schedule.output.utf8))["stages"] as? [[String: Int]])
        let scheduledKs = stages.flatMap { Array(repeating: $0["k"]!, count: $0["epochs"]!) }
        let epochs = try #require(report["epochs"] as? [[String: Any]])
        #expect(epochs.map { $0["k"] as? Int } == scheduledKs.map { $0 })
        #expect(scheduledKs == [64, 16, 8, 8, 8])

        // The saved model, evaluated on its own, gives the numbers of the training run's evaluation.
        let evaluate = try ELSAExecutable.run(["evaluate", "--model-file", "out/m.model", "--threads", "1",
                                               "--report", "out/evaluate.json"], in: folder.url)
        #expect(evaluate.status == 0, "\(evaluate.errors)")
        let trainMetrics = try #require(report["metrics"] as? [String: Double])
        let evaluateMetrics = try #require(try jsonObject(folder.contents("out/evaluate.json"))["metrics"] as? [String: Double])
        #expect(Set(trainMetrics.keys) == ["recall@20", "recall@50", "ndcg@100"])
        #expect(evaluateMetrics == trainMetrics)

        // The dense export holds the model's rows: unit length, at most k = 8 nonzeros each.
        let export = try ELSAExecutable.run(["export", "--model-file", "out/m.model", "--format", "npy",
                                             "--output", "out/m.npy"], in: folder.url)
        #expect(export.status == 0, "\(export.errors)")
        let matrix = try readFloatNPY(folder.contents("out/m.npy"))
        let itemCount = try #require(report["items"] as? Int)
        #expect(matrix.rows == itemCount && matrix.columns == 64)
        let itemIDs = String(decoding: try folder.contents("out/m.items.txt"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(itemIDs.count == itemCount)
        var nonzeroCounts: [Int] = []
        for row in 0..<matrix.rows {
            let values = matrix.values[(row * 64)..<((row + 1) * 64)]
            nonzeroCounts.append(values.filter { $0 != 0 }.count)
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5, "row \(row) has norm \(norm)")
        }
        #expect(nonzeroCounts.allSatisfy { $0 <= 8 } && nonzeroCounts.filter { $0 == 8 }.count > itemCount * 9 / 10)

        // The sparse .npz beside it is a zip of scipy's five CSR arrays.
        let npz = try ELSAExecutable.run(["export", "--model-file", "out/m.model", "--output", "out/m.npz"], in: folder.url)
        #expect(npz.status == 0, "\(npz.errors)")
        let archive = try folder.contents("out/m.npz")
        #expect(archive.prefix(2) == Data("PK".utf8))
        for entry in ["data.npy", "indices.npy", "indptr.npy", "shape.npy", "format.npy"] {
            #expect(archive.range(of: Data(entry.utf8)) != nil, "\(entry)")
        }

        // Recommendations are the top scores x A Aᵀ over unseen items, computed here from the dense export.
        let history = [itemIDs[1], itemIDs[2], itemIDs[3]]
        try folder.write("users.txt", "# user item item ...\nalice \(history.joined(separator: " "))\n")
        let recommend = try ELSAExecutable.run(["recommend", "--model-file", "out/m.model", "--user-items", "users.txt",
                                                "--count", "5", "--json", "--threads", "1"], in: folder.url)
        #expect(recommend.status == 0, "\(recommend.errors)")
        let lists = try #require(try JSONSerialization.jsonObject(with: Data(recommend.output.utf8)) as? [[String: Any]])
        let items = try #require(lists.first?["items"] as? [[String: Any]])
        #expect(lists.count == 1 && lists[0]["user"] as? String == "alice")
        var profile = [Float](repeating: 0, count: 64)
        for row in [1, 2, 3] { for c in 0..<64 { profile[c] += matrix.values[row * 64 + c] } }
        let scores = (0..<itemCount).map { row in (0..<64).reduce(Float(0)) { $0 + profile[$1] * matrix.values[row * 64 + $1] } }
        let ranked = (0..<itemCount).filter { ![1, 2, 3].contains($0) }.sorted { scores[$0] > scores[$1] }
        #expect(items.count == 5)
        for (position, entry) in items.enumerated() {
            let score = try #require(entry["score"] as? Double)
            #expect(abs(score - Double(scores[ranked[position]])) < 1e-4, "position \(position)")
            let item = try #require(entry["item"] as? String)
            #expect(!history.contains(item))
        }
        // Ties aside, the same items in the same order.
        if zip(ranked, ranked.dropFirst()).prefix(5).allSatisfy({ scores[$0] - scores[$1] > 1e-4 }) {
            #expect(items.compactMap { $0["item"] as? String } == ranked.prefix(5).map { itemIDs[$0] })
        }
    }

    @Test func malformedDataNamesTheFileAndLineAndKeepsTheSavedModel() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let data = try folder.write("ratings.csv", "user,item,rating\nu1,i1,5\nu1,i2\nu2,i1,4\n")
        let saved = Data("a model saved earlier".utf8)
        try saved.write(to: folder.file("m.model"))
        let before = folder.names()
        let run = try ELSAExecutable.run(Self.smallRun + ["--data", data.path, "--format", "csv", "--rating-column", "2",
                                                           "--output", "m.model", "--report", "r.json"], in: folder.url)
        #expect(run.status != 0)
        #expect(run.errors.contains("\(data.path):3:"), "\(run.errors)")
        #expect(folder.bytes("m.model") == saved)
        // Nothing else was written: no report, no temporary file (the runner's own output files aside).
        #expect(folder.names().filter { !$0.hasSuffix(".out") && !$0.hasSuffix(".err") } == before)
    }

    @Test func badOptionsAreRefusedBeforeAnyTraining() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let tooMany = try ELSAExecutable.run(["train", "--model", "compressed-elsa", "--dimension", "16",
                                              "--target-nonzeros", "32", "--threads", "1"], in: folder.url)
        #expect(tooMany.status == 64)  // EX_USAGE
        #expect(tooMany.errors.contains("target nonzeros must be in 1...16, got 32"), "\(tooMany.errors)")
        #expect(!tooMany.errors.contains("epoch"))

        // An output whose folder cannot be made (a file is in the way) fails at once, naming both.
        try folder.write("taken", "a file")
        let blocked = try ELSAExecutable.run(Self.smallRun + ["--output", "taken/m.model"], in: folder.url)
        #expect(blocked.status != 0)
        #expect(blocked.errors.contains("taken/m.model: cannot create its folder"), "\(blocked.errors)")
        #expect(blocked.errors.contains("is a file, not a folder"), "\(blocked.errors)")
        #expect(!blocked.errors.contains("epoch"))
        #expect(folder.bytes("taken") == Data("a file".utf8))

        // A sparse model as the target stage's teacher is refused before the earlier stages run.
        let sparse = try ELSAExecutable.run(Self.smallRun + ["--output", "sparse.model"], in: folder.url)
        #expect(sparse.status == 0, "\(sparse.errors)")
        let sparseTeacher = try ELSAExecutable.run(Self.smallRun + ["--target-distill-from", "sparse.model"], in: folder.url)
        #expect(sparseTeacher.status != 0)
        #expect(sparseTeacher.errors.contains("sparse.model: a teacher must be a dense model; this one has 8 nonzeros per row"),
                "\(sparseTeacher.errors)")
        #expect(!sparseTeacher.errors.contains("epoch"))
    }

    /// A run killed after a checkpoint resumes to the model of an uninterrupted run; a resume with another
    /// teacher is refused with the fork hint and leaves the checkpoint alone; a fork only reads it.
    @Test func killedRunResumesToTheUninterruptedModel() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        // The long target stage (200 epochs, two seconds or more) leaves time to kill the run after a checkpoint.
        let options = Self.smallRun + ["--target-epochs", "200", "--checkpoint-minutes", "0"]
        let whole = try ELSAExecutable.run(options + ["--output", "whole.model"], in: folder.url)
        #expect(whole.status == 0, "\(whole.errors)")

        let (process, output, errors) = try ELSAExecutable.start(options + ["--output", "resumed.model", "--checkpoint", "run.ckpt"],
                                                                  in: folder.url)
        let deadline = Date().addingTimeInterval(120)
        while !folder.exists("run.ckpt") && process.isRunning && Date() < deadline { usleep(2000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
        #expect(!folder.exists("resumed.model"))
        let checkpoint = try #require(folder.bytes("run.ckpt"), "no checkpoint: \(ELSAExecutable.finished(process, output: output, errors: errors).errors)")

        let otherTeacher = try ELSAExecutable.run(options + ["--output", "resumed.model", "--checkpoint", "run.ckpt",
                                                             "--distill-from-ease", "100"], in: folder.url)
        #expect(otherTeacher.status != 0)
        #expect(otherTeacher.errors.contains("continue it as a fork with --fork-from run.ckpt --checkpoint NEW-FILE"),
                "\(otherTeacher.errors)")
        #expect(folder.bytes("run.ckpt") == checkpoint)

        let fork = try ELSAExecutable.run(options + ["--output", "fork.model", "--checkpoint", "fork.ckpt", "--fork-from", "run.ckpt",
                                                     "--distill-from-ease", "100"], in: folder.url)
        #expect(fork.status == 0, "\(fork.errors)")
        #expect(folder.bytes("run.ckpt") == checkpoint)
        #expect(!folder.exists("fork.ckpt"))  // removed when the fork is done

        let resumed = try ELSAExecutable.run(options + ["--output", "resumed.model", "--checkpoint", "run.ckpt"], in: folder.url)
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.errors.contains("resuming from the checkpoint run.ckpt"), "\(resumed.errors)")
        #expect(!folder.exists("run.ckpt"))
        // The model files differ in their metadata (the resumed one records where it resumed); their matrices must not.
        for name in ["whole", "resumed", "fork"] {
            let export = try ELSAExecutable.run(["export", "--model-file", "\(name).model", "--format", "npy",
                                                 "--output", "\(name).npy"], in: folder.url)
            #expect(export.status == 0, "\(export.errors)")
        }
        let wholeMatrix = try readFloatNPY(folder.contents("whole.npy"))
        let resumedMatrix = try readFloatNPY(folder.contents("resumed.npy"))
        let forkMatrix = try readFloatNPY(folder.contents("fork.npy"))
        #expect(resumedMatrix.values == wholeMatrix.values)
        #expect(forkMatrix.values != wholeMatrix.values)
    }

    /// One run with a teacher for the target stage gives the model of the two-run recipe it replaces: a trunk
    /// with the run's teacher, stopped in its target stage, and a --fork-from fork with the other teacher.
    /// Resuming the trunk's checkpoint with the target-stage teacher gives it too.
    @Test func targetStageTeacherEqualsTrunkAndFork() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let options = Self.smallRun + ["--target-epochs", "200", "--checkpoint-minutes", "0", "--distill-from-ease", "20"]
        let targetTeacher = ["--target-distill-from-ease", "50", "--target-distill-weight", "0.8"]
        let single = try ELSAExecutable.run(options + targetTeacher + ["--output", "single.model", "--report", "single.json"],
                                            in: folder.url)
        #expect(single.status == 0, "\(single.errors)")
        #expect(single.errors.contains("as the target stage's teacher"), "\(single.errors)")
        let parameters = try #require(try jsonObject(folder.contents("single.json"))["parameters"] as? [String: Any])
        #expect(parameters["distillFromEase"] as? Double == 20 && parameters["distillWeight"] as? Double == 0.5)
        #expect(parameters["targetDistillFromEase"] as? Double == 50 && parameters["targetDistillWeight"] as? Double == 0.8)

        // The trunk, killed once its target stage (stage 2 of 64, 16, 8) has begun: its checkpoint holds stages 0 and 1.
        let (process, _, errors) = try ELSAExecutable.start(options + ["--output", "trunk.model", "--checkpoint", "trunk.ckpt"],
                                                            in: folder.url)
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline,
              !((try? String(contentsOf: errors, encoding: .utf8))?.contains("stage  2") ?? false) { usleep(2000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the trunk ended before it could be killed")
        let trunk = try folder.contents("trunk.ckpt")

        let fork = try ELSAExecutable.run(Self.smallRun + ["--target-epochs", "200", "--distill-from-ease", "50", "--distill-weight", "0.8",
                                                           "--fork-from", "trunk.ckpt", "--checkpoint", "fork.ckpt",
                                                           "--output", "fork.model"], in: folder.url)
        #expect(fork.status == 0, "\(fork.errors)")
        #expect(fork.errors.contains("forking from the checkpoint trunk.ckpt: 2 of 3 stages"), "\(fork.errors)")
        #expect(try folder.contents("trunk.ckpt") == trunk)
        // A plain resume with the target-stage teacher: only the target stage is left, so the run's own teacher is not built.
        let resumed = try ELSAExecutable.run(options + targetTeacher + ["--output", "resumed.model", "--checkpoint", "trunk.ckpt"],
                                             in: folder.url)
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.errors.contains("resuming from the checkpoint trunk.ckpt: 2 of 3 stages"), "\(resumed.errors)")
        #expect(!resumed.errors.contains("EASE (lambda 20)"), "\(resumed.errors)")

        // The trunk's teacher alone, to its end: the target-stage teacher must change the model.
        let trunkOnly = try ELSAExecutable.run(options + ["--output", "trunk-only.model"], in: folder.url)
        #expect(trunkOnly.status == 0, "\(trunkOnly.errors)")
        for name in ["single", "fork", "resumed", "trunk-only"] {
            let export = try ELSAExecutable.run(["export", "--model-file", "\(name).model", "--format", "npy", "--output", "\(name).npy"],
                                                in: folder.url)
            #expect(export.status == 0, "\(export.errors)")
        }
        let singleMatrix = try readFloatNPY(folder.contents("single.npy")).values
        #expect(try readFloatNPY(folder.contents("fork.npy")).values == singleMatrix)
        #expect(try readFloatNPY(folder.contents("resumed.npy")).values == singleMatrix)
        #expect(try readFloatNPY(folder.contents("trunk-only.npy")).values != singleMatrix)
    }
}
