import Foundation
import ELSAData
import ELSAEvaluation
import ELSAExperiments
import ELSALinearAlgebra
import ELSAModels
import ELSASegments
import ELSASparse
import ELSATraining

/// An item's id as the data names it.
public typealias ItemID = String

/// An item and its score.
public struct ScoredItem: Sendable, Equatable, Codable {
    public let item: ItemID
    public let score: Float

    public init(item: ItemID, score: Float) {
        self.item = item
        self.score = score
    }
}

/// What a caller of an estimator can get wrong; each names what was wrong.
public enum EstimatorError: Error, CustomStringConvertible, Equatable {
    /// `recommend`, `similarItems` or `save` before `fit` or `load`.
    case notFitted
    /// An item id the model was not trained on.
    case unknownItem(ItemID)
    /// A negative count.
    case invalidCount(Int)
    /// A model file of the other kind (a dense file loaded as compressed, or the reverse).
    case otherKind(file: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .notFitted: return "the model is not fitted: call fit(_:) or load(from:) first"
        case .unknownItem(let id): return "unknown item id '\(id)': the model was not trained on it"
        case .invalidCount(let count): return "count must not be negative, got \(count)"
        case .otherKind(let file, let expected, let found):
            return "\(file): a \(found) model, not a \(expected) one"
        }
    }
}

/// What the two estimators share: fitting a recipe, recommending by item id, similar items, files.
public class ItemEmbeddingEstimator {
    /// The recipe the estimator trains (validated; `threads` resolved).
    public private(set) var recipe: TrainingRecipe
    /// The trained model, once fitted or loaded.
    public private(set) var model: ELSAModel?
    /// The epochs of the last `fit`.
    public private(set) var history: [EpochReport] = []
    private var rowOfItem: [ItemID: Int] = [:]
    private var index: InvertedIndex?

    init(validating recipe: TrainingRecipe) throws {
        var resolved = recipe
        resolved.threads = recipe.resolvedThreads
        try resolved.validate()
        self.recipe = resolved
    }

    /// The model's kind in messages and model files.
    var kindName: String { recipe.model.rawValue }

    /// Trains the recipe on every user of `dataset` (less the recipe's validation users, when it has some).
    /// - Throws: `RecipeError`, `TrainingRunError`, `TrainingFailure` (the run diverged; the estimator keeps
    ///   its previous model).
    public func fit(_ dataset: InteractionDataset, observer: TrainingRunObserver? = nil) throws {
        let experiment = try Experiment(dataset: dataset, testUsers: 0, validationUsers: recipe.selection.validationUsers,
                                        seed: recipe.seed, threads: recipe.resolvedThreads)
        let outcome = try TrainingRun(recipe: recipe, experiment: experiment, observer: observer).run()
        history = outcome.history
        install(outcome.model)
    }

    func install(_ trained: ELSAModel) {
        model = trained
        rowOfItem = Dictionary(trained.itemIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        index = nil
    }

    private func fitted() throws -> ELSAModel {
        guard let model else { throw EstimatorError.notFitted }
        return model
    }

    private func row(of item: ItemID) throws -> Int {
        guard let row = rowOfItem[item] else { throw EstimatorError.unknownItem(item) }
        return row
    }

    /// The `count` best items for a user with `history`, best first, leaving out the history and `excluding`.
    public func recommend(history: [ItemID], count: Int, excluding: [ItemID] = []) throws -> [ScoredItem] {
        try recommend(histories: [history], count: count, excluding: excluding)[0]
    }

    /// `recommend(history:count:excluding:)` for many users at once (scored in batches, on the recipe's threads).
    public func recommend(histories: [[ItemID]], count: Int, excluding: [ItemID] = []) throws -> [[ScoredItem]] {
        let model = try fitted()
        guard count >= 0 else { throw EstimatorError.invalidCount(count) }
        let rows = try histories.map { history in Array(Set(try history.map { Int32(try row(of: $0)) })).sorted() }
        let excluded = Set(try excluding.map { try row(of: $0) })
        let matrix = CSRMatrix(rows: rows.count, columns: model.itemCount, binaryRows: rows)
        let ranked = try ELSAEvaluation.recommend(model, histories: matrix, count: count + excluded.count, threadCount: recipe.resolvedThreads)
        return ranked.map { list in
            list.lazy.filter { !excluded.contains($0.item) }.prefix(count).map { ScoredItem(item: model.itemIDs[$0.item], score: $0.score) }
        }
    }

    /// The `count` items whose latent vectors are closest to `item`'s (cosine of the row-normalized vectors),
    /// best first, the item itself left out. A compressed model walks the inverted index of the item's k
    /// latents: it touches only the items that share one of them.
    public func similarItems(to item: ItemID, count: Int) throws -> [ScoredItem] {
        let model = try fitted()
        guard count >= 0 else { throw EstimatorError.invalidCount(count) }
        let source = try row(of: item)
        var scores = [Float](repeating: 0, count: model.itemCount)
        var touched = [Bool](repeating: false, count: model.itemCount)
        switch model.embedding {
        case .sparse(let matrix):
            if index == nil { index = InvertedIndex(model: model) }
            for p in matrix.rowOffsets[source]..<matrix.rowOffsets[source + 1] {
                let weight = matrix.values[p]
                for (other, value) in index!.entries(ofLatent: Int(matrix.columnIndices[p])) {
                    scores[other] += weight * value
                    touched[other] = true
                }
            }
        case .dense(let matrix):
            let d = matrix.columns
            matrix.storage.withUnsafeBufferPointer { values in
                let query = values.baseAddress! + source * d
                for other in 0..<model.itemCount { scores[other] = BLAS.dot(count: d, query, values.baseAddress! + other * d) }
            }
            touched = [Bool](repeating: true, count: model.itemCount)
        }
        touched[source] = false
        let ranked = (0..<model.itemCount).filter { touched[$0] }
            .sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return ranked.prefix(count).map { ScoredItem(item: model.itemIDs[$0], score: scores[$0]) }
    }

    /// Saves the model with its recipe (atomically).
    public func save(to path: String) throws {
        let model = try fitted()
        try ModelFile.write(model, metadata: ["model": kindName, "recipe": recipe.compactJSON, "version": EngineVersion.current,
                                              "dimension": "\(model.embedding.dimension)"], to: path)
    }

    /// Reads a saved model and its recipe; `sparse`: whether the kind of estimator needs sparse rows.
    static func read(from path: String, sparse: Bool, expected: String) throws -> (ELSAModel, TrainingRecipe?) {
        let (model, metadata) = try ModelFile.read(from: path)
        let isSparse: Bool
        if case .sparse = model.embedding { isSparse = true } else { isSparse = false }
        guard isSparse == sparse else {
            throw EstimatorError.otherKind(file: path, expected: expected, found: isSparse ? "sparse (compressed)" : "dense")
        }
        let recipe = metadata["recipe"].flatMap { try? TrainingRecipe.decode(Data($0.utf8), file: path) }
        return (model, recipe)
    }

    /// A saved model of either kind: a `CompressedELSA` for sparse rows, a `DenseELSA` for dense ones.
    public static func loadModel(from path: String) throws -> ItemEmbeddingEstimator {
        do {
            return try CompressedELSA.load(from: path)
        } catch EstimatorError.otherKind {
            return try DenseELSA.load(from: path)
        }
    }

    func restore(_ model: ELSAModel, recipe saved: TrainingRecipe?) {
        if let saved, (try? saved.validate()) != nil { recipe = saved }
        install(model)
    }
}

/// Compressed ELSA for research code: each item a d-dimensional vector with k nonzeros, trained by the
/// recipe's progressive sparsification (the paper's method by default).
///
///     var recipe = TrainingRecipe(model: .compressedELSA)
///     recipe.dimension = 1024
///     recipe.schedule.targetNonzeros = 16
///     let model = try CompressedELSA(recipe: recipe)
///     try model.fit(dataset)
///     let top = try model.recommend(history: ["item-1", "item-7"], count: 10)
public final class CompressedELSA: ItemEmbeddingEstimator {
    /// - Throws: `RecipeError` naming the field at fault. A recipe for dense `elsa` is taken as compressed-elsa.
    public init(recipe: TrainingRecipe = TrainingRecipe(model: .compressedELSA)) throws {
        var compressed = recipe
        if compressed.model == .elsa { compressed.model = .compressedELSA }
        try super.init(validating: compressed)
    }

    /// A saved compressed model (from `save(to:)`, `elsa train` or `elsa bench`).
    public static func load(from path: String) throws -> CompressedELSA {
        let (model, recipe) = try read(from: path, sparse: true, expected: "compressed")
        let estimator = try CompressedELSA()
        estimator.restore(model, recipe: recipe)
        return estimator
    }
}

/// Dense ELSA for research code: each item a dense d-dimensional vector.
public final class DenseELSA: ItemEmbeddingEstimator {
    /// - Throws: `RecipeError` naming the field at fault (`model` when the recipe is not for `elsa`).
    public init(recipe: TrainingRecipe = TrainingRecipe(model: .elsa)) throws {
        guard recipe.model == .elsa else {
            throw RecipeError(field: "model", "DenseELSA trains the model elsa, the recipe asks for \(recipe.model.rawValue)")
        }
        try super.init(validating: recipe)
    }

    /// A saved dense model (from `save(to:)` or `elsa train`).
    public static func load(from path: String) throws -> DenseELSA {
        let (model, recipe) = try read(from: path, sparse: false, expected: "dense")
        let estimator = try DenseELSA()
        estimator.restore(model, recipe: recipe)
        return estimator
    }
}
