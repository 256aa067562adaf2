import ArgumentParser
import ELSA

/// The help texts list the kinds themselves, on one line.
extension SparsificationSchedule.Kind: ExpressibleByArgument {
    public static var allValueStrings: [String] { [] }
}

struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Print the stages of a sparsification schedule.")

    @Option(help: "Latent dimension d.") var dimension: Int = 4096
    @Option(help: "Nonzeros per row at the end.") var targetNonzeros: Int = 16
    @Option(help: "constant, stepwise, linear or exponential.") var schedule: SparsificationSchedule.Kind = .exponential
    @Option(help: "Epochs per stage E.") var epochsPerStage: Int = 10
    @Option(help: "Epochs at the target k (the last stage); default E.") var targetEpochs: Int?
    @Option(help: "stepwise: the k of each stage, e.g. \"1024 512 256\".") var stages: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let list = try parseStageList(stages)
        let plan: SparsificationSchedule
        do {
            plan = try SparsificationSchedule.make(schedule, dimension: dimension, targetNonzeros: targetNonzeros,
                                                   epochsPerStage: epochsPerStage, stepwiseStages: list, targetEpochs: targetEpochs)
        } catch let error as SparsificationSchedule.InvalidSchedule {
            throw ValidationError(error.description)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(plan), as: UTF8.self))
        } else {
            print(plan)
        }
    }
}

import Foundation

/// The k values of `--stages "1024 512 256"` (spaces or commas); a token that is not a whole number is an error.
func parseStageList(_ text: String?) throws -> [Int] {
    try (text ?? "").split(whereSeparator: { $0 == " " || $0 == "," }).map { field -> Int in
        guard let k = Int(field) else { throw ValidationError("--stages: '\(field)' is not a whole number") }
        return k
    }
}
