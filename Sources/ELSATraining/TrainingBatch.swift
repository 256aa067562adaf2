import ELSAData
import ELSASparse

/// One batch of user rows prepared for a gradient step: its output columns and its
/// rows re-indexed by output row.
public struct TrainingBatch: Sendable {
    /// The users' rows over all items (b x items).
    public let rows: CSRMatrix
    /// The output items O (sorted; includes every item of the batch).
    public let outputs: OutputItemSelection
    /// The batch over output rows (b x n_out): the targets y and the input x in output coordinates.
    public let targetRows: CSRMatrix
    /// Its transpose (n_out x b): for each output row, the batch users who have that item.
    public let usersOfOutput: CSRMatrix

    /// Prepares `rows`, drawing negatives with `generator` when `maxOutput < items`.
    public init(rows: CSRMatrix, maxOutput: Int, generator: inout SeededGenerator) {
        var seen = [Bool](repeating: false, count: rows.columns)
        var batchItems: [Int32] = []
        for c in rows.columnIndices where !seen[Int(c)] { seen[Int(c)] = true; batchItems.append(c) }
        batchItems.sort()
        let outputs = OutputSampler.outputs(batchItems: batchItems, itemCount: rows.columns,
                                            maxOutput: maxOutput, generator: &generator)
        self.init(rows: rows, outputs: outputs)
    }

    /// Prepares `rows` with given outputs.
    /// - Precondition: every item of `rows` is an output.
    public init(rows: CSRMatrix, outputs: OutputItemSelection) {
        let remapped = rows.columnIndices.map { item -> Int32 in
            let row = outputs.outputRowOfItem[Int(item)]
            precondition(row >= 0, "batch item \(item) is not among the outputs")
            return row
        }
        // Remapping is monotone (outputs are sorted by item), so rows stay sorted.
        let targets = CSRMatrix(rows: rows.rows, columns: outputs.count, rowOffsets: rows.rowOffsets,
                                columnIndices: remapped, values: rows.values)
        self.rows = rows
        self.outputs = outputs
        self.targetRows = targets
        self.usersOfOutput = targets.transposed()
    }

    public var userCount: Int { rows.rows }
}
