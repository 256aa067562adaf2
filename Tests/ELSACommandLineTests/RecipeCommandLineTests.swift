import Foundation
import Testing

/// `elsa train --recipe`, its overrides, the typed report and the short help.
@Suite(.serialized) struct RecipeCommandLineTests {
    /// The project's `recipes/` folder.
    static let recipes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recipes")

    /// The paper preset shrunk to the synthetic data: the same overrides on the recipe and on the flags.
    static let small = ["--data", "synthetic", "--dimension", "64", "--epochs-per-stage", "1", "--test-users", "300", "--threads", "2"]

    @Test func aPaperRecipeAndTheEquivalentFlagsTrainTheSameModel() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let preset = Self.recipes.appendingPathComponent("paper-amazon-book-128B.json").path
        let recipe = try ELSAExecutable.run(["train", "--recipe", preset, "--output", "recipe.model", "--report", "recipe.json"] + Self.small,
                                            in: folder.url)
        #expect(recipe.status == 0, "\(recipe.errors)")
        let flags = try ELSAExecutable.run(["train", "--model", "compressed-elsa", "--target-nonzeros", "16", "--schedule", "exponential",
                                            "--batch-size", "1024", "--learning-rate", "0.1", "--seed", "42",
                                            "--output", "flags.model"] + Self.small, in: folder.url)
        #expect(flags.status == 0, "\(flags.errors)")
        #expect(try folder.contents("recipe.model") == folder.contents("flags.model"))
        // The report holds the resolved recipe; run again from it, it trains the same model.
        let again = try ELSAExecutable.run(["train", "--recipe", "recipe.json", "--output", "again.model"], in: folder.url)
        #expect(again.status == 0, "\(again.errors)")
        #expect(try folder.contents("again.model") == folder.contents("recipe.model"))
        // An override changes the model.
        let other = try ELSAExecutable.run(["train", "--recipe", "recipe.json", "--seed", "7", "--output", "other.model"], in: folder.url)
        #expect(other.status == 0, "\(other.errors)")
        #expect(try folder.contents("other.model") != folder.contents("recipe.model"))
    }

    @Test func compressedELSARestartsByDefaultAndTheReportIsTyped() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let base = ["train", "--model", "compressed-elsa", "--dimension", "32", "--target-nonzeros", "4", "--epochs-per-stage", "1",
                    "--test-users", "300"]
        let run = try ELSAExecutable.run(base + ["--report", "on.json"], in: folder.url)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("restarting"))
        #expect(run.errors.contains("the model was not saved"), "a run without --output says so")
        let report = try jsonObject(folder.contents("on.json"))
        let parameters = try #require(report["parameters"] as? [String: Any])
        #expect(parameters["restart"] as? Bool == true && parameters["restart"] as? String == nil)
        #expect(parameters["batchSize"] as? Int == 1024 && parameters["batchSize"] as? String == nil)
        #expect(parameters["learningRate"] as? Double == 0.1)
        #expect(parameters["maxOutput"] as? String == "all")
        let recipe = try #require(report["recipe"] as? [String: Any])
        #expect((recipe["schedule"] as? [String: Any])?["restart"] as? Bool == true)
        #expect((report["version"] as? String)?.isEmpty == false)
        #expect((report["command"] as? [String])?.prefix(3) == ["elsa", "train", "--model"])
        #expect((report["platform"] as? [String: Any])?["openBLASKernels"] is String)
        // Memory: the process's peak in the report, and the resident set after every epoch, never above the peak so far
        // (the kernel syncs its counters lazily: the report's peak may trail an epoch's by a few hundred kilobytes).
        let peak = try #require(report["peakResidentBytes"] as? Int)
        #expect(peak > 1 << 20)
        let epochs = try #require(report["epochs"] as? [[String: Any]])
        for epoch in epochs {
            let resident = try #require(epoch["residentBytes"] as? Int), soFar = try #require(epoch["peakResidentBytes"] as? Int)
            #expect(resident > 0 && resident <= soFar && soFar <= peak + (4 << 20), "\(resident) \(soFar) \(peak)")
        }
        let off = try ELSAExecutable.run(base + ["--no-restart", "--report", "off.json"], in: folder.url)
        #expect(off.status == 0, "\(off.errors)")
        #expect(!off.errors.contains("restarting"))
        let offParameters = try #require(try jsonObject(folder.contents("off.json"))["parameters"] as? [String: Any])
        #expect(offParameters["restart"] as? Bool == false)
        // The flag of old scripts still parses (it asks for the default).
        let legacy = try ELSAExecutable.run(base + ["--restart", "--carry-optimizer-state"], in: folder.url)
        #expect(legacy.status == 0, "\(legacy.errors)")
    }

    @Test func theShortHelpFitsInSixtyLinesWithTitledGroups() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let help = try ELSAExecutable.run(["train", "--help"], in: folder.url)
        #expect(help.status == 0)
        let lines = help.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast(help.output.hasSuffix("\n") ? 1 : 0)
        #expect(lines.count <= 60, "\(lines.count) lines")
        for title in ["DATA:", "SPLIT:", "MODEL:", "SCHEDULE", "OPTIMIZER:", "TARGET STAGE", "TEACHERS", "CHECKPOINTS:", "OUTPUT:"] {
            #expect(help.output.contains(title), "no group \(title)")
        }
        let full = try ELSAExecutable.run(["train", "--help-hidden"], in: folder.url)
        for flag in ["--max-output", "--decay-learning-rate-to", "--target-distill-from", "--min-rating", "--checkpoint-minutes"] {
            #expect(!help.output.contains(flag) && full.output.contains(flag), "\(flag) is an expert option")
        }
        let version = try ELSAExecutable.run(["--version"], in: folder.url)
        #expect(version.status == 0 && version.output.split(separator: ".").count == 3, "\(version.output)")
    }

    @Test func recipeErrorsAreOneLineNamingTheField() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        try folder.write("typo.json", "{\"model\": \"compressed-elsa\", \"schedule\": {\"targetNonZeros\": 8}}")
        try folder.write("range.json", "{\"model\": \"compressed-elsa\", \"dimension\": 32, \"schedule\": {\"targetNonzeros\": 64}}")
        try folder.write("type.json", "{\"batch\": {\"size\": \"large\"}}")
        for (file, field) in [("typo.json", "schedule.targetNonZeros"), ("range.json", "schedule.targetNonzeros"), ("type.json", "batch.size")] {
            let run = try ELSAExecutable.run(["train", "--recipe", file], in: folder.url)
            #expect(run.status != 0)
            let lines = run.errors.split(separator: "\n")
            #expect(lines.count == 1, "\(run.errors)")
            #expect(run.errors.contains(field), "\(run.errors)")
        }
        // A dimension that differs from the starting model's: an error naming the field, not a trap.
        let dense = try ELSAExecutable.run(["train", "--dimension", "16", "--epochs", "1", "--test-users", "300", "--output", "d.model"],
                                           in: folder.url)
        #expect(dense.status == 0, "\(dense.errors)")
        let mismatch = try ELSAExecutable.run(["train", "--model", "compressed-elsa", "--from-model", "d.model", "--dimension", "32",
                                               "--target-nonzeros", "4", "--test-users", "300"], in: folder.url)
        #expect(mismatch.status == 1, "\(mismatch.errors)")
        #expect(mismatch.errors.contains("--dimension must be the dimension of the starting model d.model, 16"), "\(mismatch.errors)")
    }

    @Test func similarItemsListsTheNearestItemsOfASavedModel() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let train = try ELSAExecutable.run(["train", "--model", "compressed-elsa", "--dimension", "32", "--target-nonzeros", "4",
                                            "--epochs-per-stage", "1", "--test-users", "300", "--output", "m.model"], in: folder.url)
        #expect(train.status == 0, "\(train.errors)")
        let json = try ELSAExecutable.run(["similar-items", "--model-file", "m.model", "--items", "3", "17", "--count", "5", "--json"],
                                          in: folder.url)
        #expect(json.status == 0, "\(json.errors)")
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(answers.map { $0["item"] as? String } == ["3", "17"])
        for answer in answers {
            let similar = try #require(answer["similar"] as? [[String: Any]])
            let scores = similar.compactMap { $0["score"] as? Double }
            #expect(similar.count == 5 && scores.count == 5)
            #expect(!similar.contains { $0["item"] as? String == answer["item"] as? String })
            #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
            #expect(scores.allSatisfy { $0 <= 1.0001 })  // cosines of unit rows
        }
        let text = try ELSAExecutable.run(["similar-items", "--model-file", "m.model", "--items", "3", "--count", "5"], in: folder.url)
        #expect(text.output.split(separator: "\n").count == 6)
        let unknown = try ELSAExecutable.run(["similar-items", "--model-file", "m.model", "--items", "no-such-item"], in: folder.url)
        #expect(unknown.status == 1 && unknown.errors.contains("unknown item id 'no-such-item'"), "\(unknown.errors)")
    }

    @Test func trainAndBenchOnAPublishedSplitEvaluateAsEvaluateDoes() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        // Six users; users 0-3 have test items (4 users), users 4 and 5 none. 12 items.
        try folder.write("data/train.txt", "0 0 1 2 3\n1 1 2 3 4\n2 4 5 6 7\n3 5 6 7 8\n4 8 9 10 11\n5 0 9 10 11\n")
        try folder.write("data/test.txt", "0 4\n1 5 6\n2 8\n3 9\n4\n5\n")
        let train = try ELSAExecutable.run(["train", "--split", "published", "--data", "data", "--format", "adjacency", "--dimension", "8",
                                            "--epochs", "3", "--batch-size", "2", "--output", "m.model", "--report", "train.json"],
                                           in: folder.url)
        #expect(train.status == 0, "\(train.errors)")
        let evaluate = try ELSAExecutable.run(["evaluate", "--model-file", "m.model", "--split", "published", "--data", "data",
                                               "--format", "adjacency", "--report", "evaluate.json"], in: folder.url)
        #expect(evaluate.status == 0, "\(evaluate.errors)")
        let trained = try jsonObject(folder.contents("train.json")), evaluated = try jsonObject(folder.contents("evaluate.json"))
        #expect(trained["testUsers"] as? Int == 4 && trained["users"] as? Int == 6)
        let trainedMetrics = try #require(trained["metrics"] as? [String: Double])
        let evaluatedMetrics = try #require(evaluated["metrics"] as? [String: Double])
        #expect(trainedMetrics["recall@20"] != nil && trainedMetrics["ndcg@20"] != nil)
        #expect(trainedMetrics == evaluatedMetrics)
        // Twelve items and at most four training items per user: top-20 holds every unseen item, so each user finds
        // all of its test items and Recall@20 is 1.
        #expect(trainedMetrics["recall@20"] == 1)
        #expect((trained["parameters"] as? [String: Any])?["split"] as? String == "published")
        let wrong = try ELSAExecutable.run(["train", "--split", "published", "--data", "data/train.txt", "--format", "csv"], in: folder.url)
        #expect(wrong.status != 0 && wrong.errors.contains("published needs the data format adjacency"), "\(wrong.errors)")
    }

    /// The id options are spelled as documented (`--user-ids`, `--item-ids`), and `import` reads a scipy-written matrix with them.
    @Test func theIDOptionsAreSpelledAsDocumented() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let help = try ELSAExecutable.run(["train", "--help-hidden"], in: folder.url)
        #expect(help.output.contains("--user-ids <") && help.output.contains("--item-ids <"))
        let old = try ELSAExecutable.run(["train", "--user-i-ds", "users.txt"], in: folder.url)
        #expect(old.status != 0 && old.errors.contains("--user-i-ds is now --user-ids"), "\(old.errors)")
        let fixtures = Self.recipes.deletingLastPathComponent().appendingPathComponent("Tests/ELSADataTests/Fixtures")
        let imported = try ELSAExecutable.run(["import", "--matrix", fixtures.appendingPathComponent("items-f8.npy").path,
                                               "--item-ids", fixtures.appendingPathComponent("item-ids-3.txt").path,
                                               "--output", "imported.model"], in: folder.url)
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(folder.exists("imported.model"))
        let similar = try ELSAExecutable.run(["similar-items", "--model-file", "imported.model", "--items", "a", "--count", "2", "--json"],
                                             in: folder.url)
        #expect(similar.status == 0, "\(similar.errors)")
        // Rows a = (0.5, 0, -1, 2) and c = (1, 1, 1, 1): cosine 1.5 / (sqrt(5.25) * 2) = 0.3273; a and b = (0, 3, 0, 0): 0.
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(similar.output.utf8)) as? [[String: Any]])
        let list = try #require(answers.first?["similar"] as? [[String: Any]])
        #expect(list.map { $0["item"] as? String } == ["c", "b"])
        #expect(abs((list[0]["score"] as? Double ?? 0) - 1.5 / (5.25.squareRoot() * 2)) < 1e-5)
        #expect(abs(list[1]["score"] as? Double ?? 1) < 1e-6)
    }
}
