import ArgumentParser
import Foundation
import ELSA
import ELSAExperiments

extension ModelExport.Format: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a model's item matrix: a scipy sparse .npz (scipy.sparse.load_npz) or a dense .npy; item ids beside it.")

    @Option(help: "A saved model file.") var modelFile: String
    @Option(help: "npz (scipy CSR) or npy (dense float32).") var format: ModelExport.Format = .npz
    @Option(help: "The output file.") var output: String

    func run() throws {
        try OutputPaths.check(inputs: [("--model-file", modelFile)],
                              outputs: [("--output", output), ("the id file beside --output", ModelExport.idFilePath(for: output))])
        let (model, _) = try ModelFile.read(from: modelFile)
        try makeFolder(of: output)
        let ids = try ModelExport.export(model, format: format, to: output)
        print("wrote \(output) (\(model.itemCount) x \(model.embedding.dimension), \(model.embedding.bytesPerItem) B per item) and \(ids)")
    }
}
