import ArgumentParser
import Foundation
import ELSA

/// `elsa similar-items`: the items nearest to given items in a saved model's latent space.
struct SimilarItemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar-items",
        abstract: "List the items most similar to given items (cosine of their latent vectors) in a saved model.",
        discussion: "A compressed model answers through its inverted index: only items sharing one of the query's k latents are touched.")

    @Option(help: ArgumentHelp("The model (from elsa train, elsa bench or the library).", valueName: "file")) var modelFile: String
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Item ids, as the data names them.", valueName: "id")) var items: [String]
    @Option(help: "Similar items per item.") var count = 10
    @Flag(help: "Print JSON instead of text.") var json = false

    func validate() throws {
        if items.isEmpty { throw ValidationError("--items needs at least one item id") }
        if !(1...100_000).contains(count) { throw ValidationError("--count must be in 1...100000, got \(count)") }
    }

    struct Answer: Codable {
        let item: String
        let similar: [ScoredItem]
    }

    func run() throws {
        let estimator = try ItemEmbeddingEstimator.loadModel(from: modelFile)
        let answers: [Answer]
        do {
            answers = try items.map { Answer(item: $0, similar: try estimator.similarItems(to: $0, count: count)) }
        } catch let error as EstimatorError {
            throw CommandError("\(modelFile): \(error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(answers), as: UTF8.self))
            return
        }
        for answer in answers {
            print("\(answer.item):")
            for (rank, similar) in answer.similar.enumerated() {
                print(String(format: "  %3d  %@  %.4f", rank + 1, similar.item, similar.score))
            }
        }
    }
}
