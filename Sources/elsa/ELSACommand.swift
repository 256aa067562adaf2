import ArgumentParser
import ELSA
import ELSALinearAlgebra

@main
struct ELSACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elsa",
        abstract: "Train, evaluate and compress ELSA item embeddings for recommendation.",
        discussion: "Data formats: \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")). Use --data synthetic for the embedded planted data set.",
        version: EngineVersion.current,
        subcommands: [DemoCommand.self, EvaluateCommand.self, TrainCommand.self, RecommendCommand.self, SimilarItemsCommand.self, ScheduleCommand.self, ExportCommand.self, ImportCommand.self, BenchCommand.self, SegmentsCommand.self, PlatformCommand.self]
    )

    /// Starts again with OpenBLAS's workers set to sleep when idle and, where OpenBLAS does not know
    /// the CPU, with the kernels it can run (see `BLASEnvironment`), then parses and runs.
    static func main() {
        BLASEnvironment.relaunchIfNeeded()
        main(nil)
    }
}
