import Foundation
import Testing
import ELSAData
import ELSAModels
import ELSATraining
@testable import ELSAExperiments

@Suite struct TrainingRecipeTests {
    @Test func defaultsAreThePapersMethod() throws {
        let recipe = try TrainingRecipe.decode(Data("{\"model\": \"compressed-elsa\"}".utf8), file: "r.json")
        #expect(recipe.model == .compressedELSA)
        #expect(recipe.schedule.kind == .exponential)
        #expect(recipe.schedule.restart)
        #expect(recipe.schedule.epochsPerStage == 10)
        #expect(recipe.batch.size == 1024)
        #expect(recipe.learningRate == 0.1)
        #expect(recipe.initialization == .default && recipe.preStageStep)
        #expect(recipe == { var r = TrainingRecipe(model: .compressedELSA); r.seed = 42; return r }())
    }

    @Test func jsonRoundTripKeepsEveryField() throws {
        var recipe = TrainingRecipe(model: .compressedELSA)
        recipe.dimension = 512
        recipe.threads = 3
        recipe.data = DataRecipe(path: "ratings.csv", format: "csv")
        recipe.data?.ratingColumn = 2
        recipe.schedule.stages = [256, 64, 16]
        recipe.schedule.kind = .stepwise
        recipe.schedule.targetEpochs = 7
        recipe.optimizer.learningRate = 0.05
        recipe.batch.outputs = 3000
        recipe.initialization = .warmSteps(3)
        recipe.teachers.targetEase = 100
        recipe.teachers.targetWeight = 0.8
        recipe.targetStage.averageLastEpochs = 5
        recipe.selection.validationUsers = 100
        recipe.checkpoint.file = "run.checkpoint"
        let decoded = try TrainingRecipe.decode(try recipe.jsonData(), file: "r.json")
        #expect(decoded == recipe)
        // A report's recipe is read from under its `recipe` key.
        let report = "{\"model\": \"elsa\", \"metrics\": {}, \"recipe\": \(recipe.compactJSON)}"
        #expect(try TrainingRecipe.decode(Data(report.utf8), file: "report.json") == recipe)
    }

    /// The field named by the error of a recipe file.
    func fieldOfError(_ json: String) -> String? {
        do {
            _ = try TrainingRecipe.decode(Data(json.utf8), file: "bad.json")
            return nil
        } catch let error as RecipeError {
            #expect(!error.description.contains("\n"), "one line: \(error)")
            #expect(error.file == "bad.json" && error.description.hasPrefix("bad.json: "), "\(error)")
            return error.field
        } catch {
            Issue.record("not a RecipeError: \(error)")
            return nil
        }
    }

    @Test func fileErrorsNameTheField() {
        #expect(fieldOfError("{\"schedule\": {\"targetNonZeros\": 8}}") == "schedule.targetNonZeros")
        #expect(fieldOfError("{\"dimension\": \"wide\"}") == "dimension")
        #expect(fieldOfError("{\"teachers\": {\"weight\": true}}") == "teachers.weight")
        #expect(fieldOfError("{\"model\": \"sparse\"}") == "model")
        #expect(fieldOfError("{\"recipe\": {\"batch\": {\"size\": \"big\"}}}") == "recipe.batch.size")
        #expect(fieldOfError("{\"batch\": {\"size\": 1.5}}") == "(file)")
        #expect(fieldOfError("{\"model\": ") == "(file)")
        #expect(fieldOfError("[1, 2]") == "(file)")
    }

    /// The field named by `validate()` for `recipe`.
    func fieldOfInvalid(_ change: (inout TrainingRecipe) -> Void, model: TrainingRecipe.Model = .compressedELSA) -> String? {
        var recipe = TrainingRecipe(model: model)
        change(&recipe)
        do {
            try recipe.validate()
            return nil
        } catch let error as RecipeError {
            #expect(!error.description.contains("\n"))
            return error.field
        } catch {
            Issue.record("not a RecipeError: \(error)")
            return nil
        }
    }

    @Test func validationNamesTheField() {
        #expect(fieldOfInvalid { _ in } == nil)
        #expect(fieldOfInvalid { $0.dimension = 0 } == "dimension")
        #expect(fieldOfInvalid { $0.dimension = 64; $0.schedule.targetNonzeros = 65 } == "schedule.targetNonzeros")
        #expect(fieldOfInvalid { $0.schedule.epochsPerStage = 0 } == "schedule.epochsPerStage")
        #expect(fieldOfInvalid { $0.schedule.targetEpochs = 0 } == "schedule.targetEpochs")
        #expect(fieldOfInvalid { $0.optimizer.learningRate = 0 } == "optimizer.learningRate")
        #expect(fieldOfInvalid { $0.optimizer.learningRate = .nan } == "optimizer.learningRate")
        #expect(fieldOfInvalid { $0.batch.size = 0 } == "batch.size")
        #expect(fieldOfInvalid { $0.threads = 0 } == "threads")
        #expect(fieldOfInvalid { $0.regularizers.inputDropout = 1 } == "regularizers.inputDropout")
        #expect(fieldOfInvalid { $0.targetStage.averageLastEpochs = 1 } == "targetStage.averageLastEpochs")
        #expect(fieldOfInvalid { $0.targetStage.regrowFraction = 2 } == "targetStage.regrowFraction")
        #expect(fieldOfInvalid { $0.selection.keepBest = true } == "selection.keepBest")
        #expect(fieldOfInvalid { $0.teachers.weight = 1.5 } == "teachers.weight")
        #expect(fieldOfInvalid { $0.teachers.model = "/nonexistent/teacher.model" } == "teachers.model")
        #expect(fieldOfInvalid { $0.teachers.targetWeight = 0.5 } == "teachers.targetWeight")
        #expect(fieldOfInvalid { $0.checkpoint.forkFrom = "/nonexistent/trunk" } == "checkpoint.forkFrom")
        #expect(fieldOfInvalid({ $0.targetStage.regrowFraction = 0.3 }, model: .elsa) == "targetStage.regrowFraction")
        #expect(fieldOfInvalid({ $0.teachers.ease = 100 }, model: .elsa) == "teachers.ease")
        #expect(fieldOfInvalid({ _ in }, model: .compressae) == "startFrom")
        #expect(fieldOfInvalid({ $0.startFrom = "/nonexistent/dense.model" }, model: .compressedELSA) == "startFrom")
    }

    @Test func theErrorNamesTheFlagToo() {
        let error = RecipeError(field: "schedule.targetNonzeros", "must be in 1...64, got 65")
        #expect(error.description == "--target-nonzeros must be in 1...64, got 65 (recipe field schedule.targetNonzeros)")
        #expect(RecipeError(field: "schedule.targetNonZeros", "unknown field", file: "r.json").description
                == "r.json: recipe field schedule.targetNonZeros: unknown field")
    }

    @Test func aStartingModelOfAnotherDimensionIsAnErrorNotATrap() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = DatasetSource.embeddedSynthetic(SyntheticConfiguration(userCount: 300, itemCount: 80, segmentCount: 4, interactionsPerUser: 12, seed: 3))
        let experiment = try Experiment(source: source, testUsers: 50, seed: 1, threads: 1)
        var dense = TrainingRecipe(model: .elsa)
        (dense.dimension, dense.epochs, dense.threads) = (16, 1, 1)
        let trained = try TrainingRun(recipe: dense, experiment: experiment).run()
        #expect(trained.dimension == 16 && trained.model.embedding.dimension == 16)
        let file = folder.appendingPathComponent("dense.model").path
        try ModelFile.write(trained.model, to: file)
        var compressed = TrainingRecipe(model: .compressedELSA)
        (compressed.dimension, compressed.startFrom, compressed.threads) = (32, file, 1)
        compressed.schedule.targetNonzeros = 4
        #expect(throws: RecipeError.self) { try TrainingRun(recipe: compressed, experiment: experiment).run() }
        do {
            _ = try TrainingRun(recipe: compressed, experiment: experiment).run()
        } catch let error as RecipeError {
            #expect(error.field == "dimension")
        }
        compressed.dimension = nil  // the starting model's
        compressed.schedule.epochsPerStage = 1
        let outcome = try TrainingRun(recipe: compressed, experiment: experiment).run()
        #expect(outcome.dimension == 16 && outcome.model.embedding.nonzerosPerRow == 4)
    }
}

/// The synthetic data's size is a field of the data recipe: the generated data has it, and a size it cannot have
/// is an error naming the field.
@Test func theSyntheticDataTakesItsSize() throws {
    var data = DataRecipe()
    var size = DataRecipe.Synthetic()
    (size.users, size.items, size.segments, size.interactionsPerUser, size.seed) = (500, 2000, 10, 8, 3)
    data.synthetic = size
    let decoded = try TrainingRecipe.decode(Data("{\"data\": {\"synthetic\": {\"users\": 500, \"items\": 2000, \"segments\": 10, \"interactionsPerUser\": 8, \"seed\": 3}}}".utf8), file: "r.json")
    #expect(decoded.data == data)
    let loaded = try data.source().load().dataset
    #expect(loaded.userCount == 500 && loaded.itemCount == 2000)
    #expect(loaded.interactionCount >= 500 * 4 && loaded.interactionCount <= 500 * 12)
    data.synthetic?.segments = 3000
    #expect(throws: RecipeError(field: "data.synthetic.items", "itemCount (2000) must be at least segmentCount (3000)")) {
        try data.source()
    }
    var file = DataRecipe(path: "ratings.csv", format: "csv")
    file.synthetic = size
    #expect(throws: RecipeError.self) { try file.source() }
}

/// Every recipe the project ships decodes, and validates but for the files it trains from (data, teachers).
@Test func theShippedRecipesAreValid() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("recipes")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
    #expect(files.count >= 8)
    for file in files {
        var recipe = try TrainingRecipe.read(from: folder.appendingPathComponent(file).path)
        #expect(recipe.data?.format == "adjacency", "\(file)")
        #expect(try recipe.data?.source().format == .adjacency)
        // The teachers are trained first (recipes/README.md); the rest must validate as it is.
        recipe.teachers.model = nil
        do {
            try recipe.validate()
        } catch {
            Issue.record("\(file): \(error)")
        }
        if file.hasPrefix("paper-") {
            #expect(recipe.model == .compressedELSA && recipe.dimension == 4096 && recipe.schedule.restart
                    && recipe.schedule.kind == .exponential && recipe.schedule.epochsPerStage == 10, "\(file)")
            #expect(recipe.schedule.targetNonzeros * 8 == (file.contains("1024B") ? 1024 : 128), "\(file)")
        }
    }
}
