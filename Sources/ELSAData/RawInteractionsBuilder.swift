/// Accumulates records and ids while the readers scan their files.
struct RawInteractionsBuilder {
    var users = IDTable()
    var items = IDTable()
    var userIndices: [Int32] = []
    var itemIndices: [Int32] = []
    var ratings: [Float] = []
    var timestamps: [Int64] = []
    var linesRead = 0
    var files: [String] = []

    /// Reserves room for about `records` more records.
    mutating func reserve(records: Int, withRatings: Bool, withTimestamps: Bool) {
        userIndices.reserveCapacity(userIndices.count + records)
        itemIndices.reserveCapacity(itemIndices.count + records)
        if withRatings { ratings.reserveCapacity(ratings.count + records) }
        if withTimestamps { timestamps.reserveCapacity(timestamps.count + records) }
    }

    /// The records with ids numbered as `idOrder` says.
    func finish(source: String, format: DataFormat, hasRatings: Bool, hasTimestamps: Bool,
                idOrder: ReaderOptions.IDOrder) -> RawInteractions {
        var userIndices = self.userIndices
        var itemIndices = self.itemIndices
        var userIDs = users.ids
        var itemIDs = items.ids
        if idOrder == .sorted {
            if !users.isSorted() {
                let renumbering = users.sortedRenumbering()
                RawInteractionsBuilder.renumber(&userIndices, with: renumbering)
                userIDs = RawInteractionsBuilder.permute(userIDs, with: renumbering)
            }
            if !items.isSorted() {
                let renumbering = items.sortedRenumbering()
                RawInteractionsBuilder.renumber(&itemIndices, with: renumbering)
                itemIDs = RawInteractionsBuilder.permute(itemIDs, with: renumbering)
            }
        }
        return RawInteractions(source: source, files: files, format: format,
                               userIndices: userIndices, itemIndices: itemIndices,
                               ratings: hasRatings ? ratings : nil, timestamps: hasTimestamps ? timestamps : nil,
                               userIDs: userIDs, itemIDs: itemIDs, linesRead: linesRead)
    }

    private static func renumber(_ indices: inout [Int32], with renumbering: [Int32]) {
        renumbering.withUnsafeBufferPointer { table in
            indices.withUnsafeMutableBufferPointer { values in
                for position in values.indices { values[position] = table[Int(values[position])] }
            }
        }
    }

    private static func permute(_ ids: [String], with renumbering: [Int32]) -> [String] {
        var result = [String](repeating: "", count: ids.count)
        for (old, id) in ids.enumerated() { result[Int(renumbering[old])] = id }
        return result
    }
}
