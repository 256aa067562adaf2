import ELSAData
import ELSASparse
import _ELSASupport

/// Invariants of what the readers and the cache return, checked by the fuzz targets.
enum InteractionChecks {
    /// Reads `bytes` as `format` from a scratch file named `name`: a `DataError` naming the file,
    /// or interactions whose indices, ratings and ids are sound and that preprocess.
    static func read(_ bytes: [UInt8], name: String, format: DataFormat, options: ReaderOptions = .default) {
        let path = FuzzSupport.file(name, bytes)
        let raw: RawInteractions
        do {
            raw = try InteractionReader.read(path: path, format: format, options: options)
        } catch {
            FuzzSupport.require(error is DataError, "not a DataError: \(error)")
            FuzzSupport.requireNamed(error, path)
            return
        }
        FuzzSupport.require(raw.userIndices.count == raw.itemIndices.count, "record arrays of unequal length")
        FuzzSupport.require(raw.userIndices.allSatisfy { $0 >= 0 && Int($0) < raw.userIDs.count }, "user index out of range")
        FuzzSupport.require(raw.itemIndices.allSatisfy { $0 >= 0 && Int($0) < raw.itemIDs.count }, "item index out of range")
        FuzzSupport.require(raw.ratings.map { $0.count == raw.count && $0.allSatisfy { $0.isFinite } } ?? true,
                            "a non-finite rating")
        for id in raw.userIDs + raw.itemIDs {
            FuzzSupport.require(!id.isEmpty && !id.unicodeScalars.contains { $0.properties.generalCategory == .control },
                                "an empty id or one with a control character: \(Array(id.utf8))")
        }
        FuzzSupport.require(Set(raw.userIDs).count == raw.userIDs.count && Set(raw.itemIDs).count == raw.itemIDs.count,
                            "repeated ids")
        do {
            let (dataset, _) = try Preprocessing.apply(raw, options: PreprocessingOptions(minRating: 1, minUserSupport: 2))
            requireConsistent(dataset)
        } catch {
            FuzzSupport.require(error is DataError, "not a DataError: \(error)")
            FuzzSupport.requireNamed(error, path)
        }
    }

    /// Offsets from 0 to nnz that never decrease, columns in range and strictly increasing per row.
    static func requireConsistent(_ dataset: InteractionDataset) {
        let matrix = dataset.interactions
        FuzzSupport.require(matrix.rows == dataset.userIDs.count && matrix.columns == dataset.itemIDs.count, "id counts")
        FuzzSupport.require(matrix.rowOffsets.count == matrix.rows + 1 && matrix.rowOffsets.first == 0
                            && matrix.rowOffsets.last == matrix.columnIndices.count
                            && matrix.values.count == matrix.columnIndices.count, "row offsets")
        for row in 0..<matrix.rows {
            let start = matrix.rowOffsets[row], end = matrix.rowOffsets[row + 1]
            FuzzSupport.require(start <= end, "row \(row) ends before it starts")
            var previous: Int32 = -1
            for position in start..<end {
                let column = matrix.columnIndices[position]
                FuzzSupport.require(column > previous && Int(column) < matrix.columns, "row \(row): column \(column)")
                previous = column
            }
        }
    }
}
