import ELSASparse

/// Re-expresses interactions over another item order: the columns of a dataset moved to the
/// positions of the same ids in a model's `itemIDs` (needed when the data was read anew,
/// possibly with other filters, for a saved model).
public struct ItemAlignment: Sendable {
    /// users x model items.
    public var interactions: CSRMatrix
    /// Interactions on items the model does not know (dropped).
    public var droppedInteractions: Int
    /// Distinct data items the model does not know.
    public var unknownItems: Int

    /// Moves the columns of `interactions` (items named by `dataItemIDs`) to the positions of
    /// the same ids in `modelItemIDs`. Model items absent from the data get empty columns. The
    /// result is binary (every kept interaction becomes 1), as preprocessed data is.
    /// - Precondition: `dataItemIDs.count == interactions.columns`.
    public init(interactions: CSRMatrix, dataItemIDs: [String], modelItemIDs: [String]) {
        precondition(dataItemIDs.count == interactions.columns, "\(dataItemIDs.count) ids for \(interactions.columns) item columns")
        var position = [String: Int32]()
        for (index, id) in modelItemIDs.enumerated() where position[id] == nil { position[id] = Int32(index) }
        let mapping = dataItemIDs.map { position[$0] }
        var rows: [[Int32]] = []
        rows.reserveCapacity(interactions.rows)
        var dropped = 0
        for user in 0..<interactions.rows {
            var row: [Int32] = []
            for item in interactions.columns(ofRow: user) {
                if let mapped = mapping[Int(item)] { row.append(mapped) } else { dropped += 1 }
            }
            rows.append(row)
        }
        self.interactions = CSRMatrix(rows: interactions.rows, columns: modelItemIDs.count, binaryRows: rows)
        self.droppedInteractions = dropped
        self.unknownItems = mapping.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
    }
}
