import ArgumentParser
import ELSA
import ELSADistributed
import ELSALinearAlgebra
import Foundation

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
    /// Under `mpirun` with more than one process only `elsa train` runs (its processes share the work); any other
    /// command would run once per process and its copies would write the same files.
    static func main() {
        BLASEnvironment.relaunchIfNeeded()
        if MPICommunicator.launchedByMPIRun, (Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] ?? "") ?? 1) > 1,
           CommandLine.arguments.dropFirst().first != "train" {
            let name = CommandLine.arguments.dropFirst().first.map { "elsa \($0)" } ?? "elsa"
            FileHandle.standardError.write(Data("Error: \(name) runs in one process; only elsa train runs across the processes of mpirun\n".utf8))
            Foundation.exit(1)
        }
        main(nil)
    }
}
