import Foundation
import ELSAData
import ELSAEvaluation
import ELSASparse
import _ELSASupport

/// Writes the split an experiment drew, so that tools in other languages train and evaluate on exactly
/// the same users, folds and items. Tab-separated text with the data's own ids:
/// - `items.tsv`: the item ids in the engine's column order (the row order of exported item matrices);
/// - `train.tsv`: `user<TAB>item`, one line per training interaction (binary);
/// - `test.tsv`: `user<TAB>fold<TAB>item<TAB>role`, role `input` or `target`, for every test user and fold;
/// - `validation.tsv`: the same for the validation users, when the experiment has them.
/// Each file is written atomically.
public enum SplitExport {
    /// The files written, in order.
    @discardableResult
    public static func write(_ experiment: Experiment, to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dataset = experiment.dataset
        let split = experiment.split
        var written: [String] = []
        func put(_ name: String, _ text: String) throws {
            let path = (folder as NSString).appendingPathComponent(name)
            try AtomicFile.write(text, to: path)
            written.append(path)
        }
        try put("items.tsv", dataset.itemIDs.joined(separator: "\n") + "\n")
        var train = ""
        for (row, user) in split.trainUsers.enumerated() {
            for item in split.train.columns(ofRow: row) { train += "\(dataset.userIDs[user])\t\(dataset.itemIDs[Int(item)])\n" }
        }
        try put("train.tsv", train)
        func folds(_ folds: EvaluationFolds) -> String {
            var text = ""
            for row in 0..<folds.count {
                let user = dataset.userIDs[folds.users[row]], fold = folds.folds[row]
                for item in folds.inputs.columns(ofRow: row) { text += "\(user)\t\(fold)\t\(dataset.itemIDs[Int(item)])\tinput\n" }
                for item in folds.targets.columns(ofRow: row) { text += "\(user)\t\(fold)\t\(dataset.itemIDs[Int(item)])\ttarget\n" }
            }
            return text
        }
        try put("test.tsv", folds(experiment.folds))
        if let validation = experiment.validationFolds { try put("validation.tsv", folds(validation)) }
        return written
    }
}
