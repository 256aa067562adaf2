import ELSASparse
import _ELSASupport

/// One batch of user rows prepared for a gradient step: its output columns and its
/// rows re-indexed by output row.
///
/// The input x is the users' rows, or a subset of their entries under input dropout; the
/// targets y are always the whole rows.
public struct TrainingBatch: Sendable {
    /// The users' rows over all items (b x items): the targets.
    public let rows: CSRMatrix
    /// The input x over all items (b x items): `rows`, or some of its entries under input dropout.
    public let inputRows: CSRMatrix
    /// The output items O (sorted; includes every item of the batch).
    public let outputs: OutputItemSelection
    /// The targets y over output rows (b x n_out).
    public let targetRows: CSRMatrix
    /// The input x over output rows (b x n_out); `targetRows` without input dropout.
    public let inputTargetRows: CSRMatrix
    /// The transpose of `inputTargetRows` (n_out x b): for each output row, the batch users whose input has that item.
    public let usersOfInput: CSRMatrix
    /// The rows' users in the interaction matrix the batch was drawn from, when known (set by the epoch loop).
    public var users: [Int]?
    /// The outputs of the whole batch when this is one shard's part of it (`restricted(to:)`), else nil.
    public var outputCountOfAllShards: Int?

    /// Prepares `rows`, drawing negatives with `generator` when `maxOutput < items`; `inputRows`
    /// (default `rows`) is the input, a subset of `rows`' entries.
    public init(rows: CSRMatrix, inputRows: CSRMatrix? = nil, maxOutput: Int, generator: inout SeededGenerator) {
        var seen = [Bool](repeating: false, count: rows.columns)
        var batchItems: [Int32] = []
        for c in rows.columnIndices where !seen[Int(c)] { seen[Int(c)] = true; batchItems.append(c) }
        batchItems.sort()
        let outputs = OutputSampler.outputs(batchItems: batchItems, itemCount: rows.columns,
                                            maxOutput: maxOutput, generator: &generator)
        self.init(rows: rows, inputRows: inputRows, outputs: outputs)
    }

    /// Prepares `rows` with given outputs.
    /// - Precondition: every item of `rows` is an output; `inputRows` has `rows`' shape.
    public init(rows: CSRMatrix, inputRows: CSRMatrix? = nil, outputs: OutputItemSelection) {
        func inOutputCoordinates(_ matrix: CSRMatrix) -> CSRMatrix {
            let remapped = matrix.columnIndices.map { item -> Int32 in
                let row = outputs.outputRowOfItem[Int(item)]
                precondition(row >= 0, "batch item \(item) is not among the outputs")
                return row
            }
            // Remapping is monotone (outputs are sorted by item), so rows stay sorted.
            return CSRMatrix(rows: matrix.rows, columns: outputs.count, rowOffsets: matrix.rowOffsets,
                             columnIndices: remapped, values: matrix.values)
        }
        let targets = inOutputCoordinates(rows)
        self.rows = rows
        self.outputs = outputs
        self.targetRows = targets
        if let inputRows {
            precondition(inputRows.rows == rows.rows && inputRows.columns == rows.columns,
                         "the input must be \(rows.rows) x \(rows.columns), got \(inputRows.rows) x \(inputRows.columns)")
            self.inputRows = inputRows
            self.inputTargetRows = inOutputCoordinates(inputRows)
        } else {
            self.inputRows = rows
            self.inputTargetRows = targets
        }
        self.usersOfInput = inputTargetRows.transposed()
    }

    public var userCount: Int { rows.rows }
}

extension TrainingBatch {
    /// `rows` with each entry dropped independently with `probability` (input dropout); rows
    /// keep their order and may become empty. Draws one number per entry from `generator`.
    public static func droppingEntries(of rows: CSRMatrix, probability: Double,
                                       generator: inout SeededGenerator) -> CSRMatrix {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        var offsets = [Int](repeating: 0, count: rows.rows + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        columns.reserveCapacity(Int(Double(rows.nonzeroCount) * (1 - probability)) + 16)
        values.reserveCapacity(columns.capacity)
        for r in 0..<rows.rows {
            for q in rows.rowOffsets[r]..<rows.rowOffsets[r + 1] where generator.nextUnitDouble() >= probability {
                columns.append(rows.columnIndices[q])
                values.append(rows.values[q])
            }
            offsets[r + 1] = columns.count
        }
        return CSRMatrix(rows: rows.rows, columns: rows.columns, rowOffsets: offsets, columnIndices: columns, values: values)
    }
}
