import ArgumentParser
import Foundation
import ELSA
import ELSAExperiments

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn an item matrix trained elsewhere (a dense .npy or a scipy sparse .npz, items x d) into a model file.")

    @Option(help: "The item matrix: .npy (float32 or float64, items x d, C order) or .npz (scipy.sparse.save_npz, items x d).")
    var matrix: String
    @Option(name: .customLong("item-ids"), help: "The item ids, one per line in row order.") var itemIDs: String
    @Option(help: "The model file to write (atomically).") var output: String

    func run() throws {
        try OutputPaths.check(inputs: [("--matrix", matrix), ("--item-ids", itemIDs)], outputs: [("--output", output)])
        let model = try ModelImport.model(matrix: matrix, itemIDs: itemIDs)
        try makeFolder(of: output)
        try ModelFile.write(model, metadata: ["model": "imported", "importedFrom": matrix], to: output)
        print("wrote \(output): \(model.itemCount) items, d = \(model.embedding.dimension), \(model.embedding.nonzerosPerRow) nonzeros per row, "
              + "\(model.embedding.bytesPerItem) B per item")
    }
}
