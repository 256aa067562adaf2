import Foundation
import Testing
import ELSA

/// The README's library example, compiled and run, and the estimators checked against values computed another way.
@Suite struct EstimatorTests {
    /// Small planted data: 400 users, 120 items in 6 segments.
    static let dataset = SyntheticData.generate(SyntheticConfiguration(userCount: 400, itemCount: 120, segmentCount: 6,
                                                                       interactionsPerUser: 12, seed: 5)).dataset

    @Test func theReadmeExample() throws {
        let dataset = Self.dataset
        // README: "Using it as a library"
        var recipe = TrainingRecipe(model: .compressedELSA)
        recipe.dimension = 64
        recipe.schedule.targetNonzeros = 8
        recipe.schedule.epochsPerStage = 2
        let model = try CompressedELSA(recipe: recipe)
        try model.fit(dataset)
        let top = try model.recommend(history: [dataset.itemIDs[0], dataset.itemIDs[1]], count: 10)
        let similar = try model.similarItems(to: dataset.itemIDs[0], count: 5)
        // end of the README's example
        #expect(top.count == 10 && similar.count == 5)
        #expect(!top.contains { $0.item == dataset.itemIDs[0] || $0.item == dataset.itemIDs[1] })
        #expect(zip(top, top.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(model.model?.embedding.nonzerosPerRow == 8)
        #expect(model.history.count == (try model.recipe.sparsificationSchedule(dimension: 64)).totalEpochs)
    }

    @Test func recommendationsAreTheModelsScoresByItemID() throws {
        let dataset = Self.dataset
        var recipe = TrainingRecipe(model: .elsa)
        (recipe.dimension, recipe.epochs) = (32, 3)
        let estimator = try DenseELSA(recipe: recipe)
        try estimator.fit(dataset)
        let model = try #require(estimator.model)
        let history = [dataset.itemIDs[3], dataset.itemIDs[40], dataset.itemIDs[77]]
        let excluded = dataset.itemIDs[5]
        let top = try estimator.recommend(history: history, count: 7, excluding: [excluded])
        // The same ranking from the model's own scores of a one-row history, computed here.
        let columns = history.map { Int32(dataset.itemIDs.firstIndex(of: $0)!) }.sorted()
        let scores = model.scores(for: CSRMatrix(rows: 1, columns: dataset.itemCount, binaryRows: [columns]))
        let expected = (0..<dataset.itemCount).filter { !columns.contains(Int32($0)) && dataset.itemIDs[$0] != excluded }
            .sorted { scores[0, $0] != scores[0, $1] ? scores[0, $0] > scores[0, $1] : $0 < $1 }.prefix(7)
        #expect(top.map(\.item) == expected.map { dataset.itemIDs[$0] })
        for (got, index) in zip(top, expected) { #expect(abs(got.score - scores[0, index]) < 1e-5) }
        // Batched: the same lists.
        let batched = try estimator.recommend(histories: [history, [dataset.itemIDs[9]]], count: 7, excluding: [excluded])
        #expect(batched[0] == top)
        #expect(try batched[1] == estimator.recommend(history: [dataset.itemIDs[9]], count: 7, excluding: [excluded]))
    }

    @Test func similarItemsAreCosinesOfTheItemVectors() throws {
        let dataset = Self.dataset
        var recipe = TrainingRecipe(model: .compressedELSA)
        (recipe.dimension, recipe.schedule.targetNonzeros, recipe.schedule.epochsPerStage) = (64, 8, 1)
        let estimator = try CompressedELSA(recipe: recipe)
        try estimator.fit(dataset)
        let model = try #require(estimator.model)
        // Every pair's cosine from the densified rows (unit length), against the inverted index's answer.
        let dense = model.embedding.toDense()
        for source in [0, 17, 63] {
            let cosines = (0..<dataset.itemCount).map { other -> Float in
                (0..<dense.columns).reduce(0) { $0 + dense[source, $1] * dense[other, $1] }
            }
            let similar = try estimator.similarItems(to: dataset.itemIDs[source], count: 6)
            #expect(similar.count == 6)
            #expect(!similar.contains { $0.item == dataset.itemIDs[source] })
            let best = (0..<dataset.itemCount).filter { $0 != source }.map { cosines[$0] }.sorted(by: >).prefix(6)
            for (got, want) in zip(similar, best) { #expect(abs(got.score - want) < 1e-5) }
            for item in similar { #expect(abs(item.score - cosines[dataset.itemIDs.firstIndex(of: item.item)!]) < 1e-5) }
        }
    }

    @Test func errorsACallerCanCauseThrow() throws {
        let estimator = try CompressedELSA()
        #expect(throws: EstimatorError.notFitted) { try estimator.recommend(history: ["a"], count: 3) }
        var bad = TrainingRecipe(model: .compressedELSA)
        bad.dimension = 8
        bad.schedule.targetNonzeros = 16
        #expect(throws: RecipeError.self) { try CompressedELSA(recipe: bad) }
        #expect(throws: RecipeError.self) { try DenseELSA(recipe: TrainingRecipe(model: .compressedELSA)) }
        var recipe = TrainingRecipe(model: .compressedELSA)
        (recipe.dimension, recipe.schedule.targetNonzeros, recipe.schedule.epochsPerStage) = (32, 4, 1)
        let fitted = try CompressedELSA(recipe: recipe)
        try fitted.fit(Self.dataset)
        #expect(throws: EstimatorError.unknownItem("no-such-item")) { try fitted.recommend(history: ["no-such-item"], count: 3) }
        #expect(throws: EstimatorError.unknownItem("no-such-item")) { try fitted.similarItems(to: "no-such-item", count: 3) }
        #expect(throws: EstimatorError.invalidCount(-1)) { try fitted.recommend(history: [], count: -1) }
    }

    @Test func saveAndLoadKeepTheModelAndItsRecipe() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("estimator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var recipe = TrainingRecipe(model: .compressedELSA)
        (recipe.dimension, recipe.schedule.targetNonzeros, recipe.schedule.epochsPerStage) = (32, 4, 1)
        let estimator = try CompressedELSA(recipe: recipe)
        try estimator.fit(Self.dataset)
        let path = folder.appendingPathComponent("m.model").path
        try estimator.save(to: path)
        let loaded = try CompressedELSA.load(from: path)
        #expect(loaded.model?.embedding == estimator.model?.embedding)
        #expect(loaded.recipe == estimator.recipe)
        let item = Self.dataset.itemIDs[2]
        #expect(try loaded.similarItems(to: item, count: 4) == estimator.similarItems(to: item, count: 4))
        #expect(throws: EstimatorError.self) { try DenseELSA.load(from: path) }
    }
}
