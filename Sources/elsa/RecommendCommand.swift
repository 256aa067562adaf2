import ArgumentParser
import Foundation
import ELSA

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend items for user histories with a saved model.",
        discussion: "The --user-items file has one user per line: a label, then the ids of the items the user has, separated by spaces, tabs or commas. Lines starting with # are ignored.")

    @Option(help: "A saved model file.") var modelFile: String
    @Option(help: "User histories: 'label item item ...' per line.") var userItems: String
    @Option(help: "Recommendations per user.") var count: Int = 10
    @Option(help: "Threads.") var threads: Int = 2
    @Flag(help: "Print JSON instead of text.") var json = false

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let (model, _) = try ModelFile.read(from: modelFile, threads: threads)
        let histories = try UserHistoryFile.read(userItems, itemIDs: model.itemIDs)
        for warning in histories.warnings { note(warning) }
        let lists = try ELSAEvaluation.recommend(model, histories: histories.matrix, count: count, threadCount: threads)
        if json {
            let objects: [[String: Any]] = zip(histories.labels, lists).map { label, list in
                ["user": label, "items": list.map { ["item": model.itemIDs[$0.item], "score": Double($0.score)] }]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (label, list) in zip(histories.labels, lists) {
                print(label + "\t" + list.map { "\(model.itemIDs[$0.item]):\(String(format: "%.4f", $0.score))" }.joined(separator: " "))
            }
        }
    }
}
