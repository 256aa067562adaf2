import Foundation
import ELSASparse
import ZIPFoundation
import _ELSASupport

extension InteractionReader {
    /// The most bytes an `.npz` member may expand to (a guard against zip bombs): 16 GiB.
    static let maximumNPZMemberBytes: Int64 = 1 << 34

    /// A scipy sparse matrix saved with `scipy.sparse.save_npz` (CSR, CSC or COO; compressed or not),
    /// rows = users, columns = items. Stored values are ratings unless every one is 1 (then the data has
    /// none); explicit zeros are skipped. Ids come from `userIDs` / `itemIDs` (one per line, as many as the
    /// matrix has rows / columns) or are the 0-based row and column numbers.
    /// - Throws: `DataError.cannotRead` naming the file and what is wrong (not a zip, a missing member,
    ///   another layout, a dtype that is not a number, lengths that disagree, an index out of range).
    static func readNPZ(file: String, userIDs userIDsPath: String?, itemIDs itemIDsPath: String?) throws -> RawInteractions {
        func bad(_ reason: String) -> DataError { .cannotRead(file: file, reason: reason) }
        if FileIO.kind(of: file) == .directory { throw bad("is a directory; the npz format reads one file") }
        let bytes = try FileIO.readBytes(file)  // regular files only
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { throw DataError.emptyFile(file: file) }
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw bad("not an .npz (zip) file")
        }
        func member(_ name: String) throws -> NumPyArray.Decoded {
            guard let entry = archive[name] else {
                throw bad("has no \(name); a scipy.sparse.save_npz file holds data.npy, format.npy, shape.npy and the index arrays")
            }
            guard entry.uncompressedSize <= maximumNPZMemberBytes else { throw bad("\(name) expands to \(entry.uncompressedSize) bytes") }
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            } catch {
                throw bad("\(name) cannot be read: the archive is damaged or truncated")
            }
            return try NumPyArray.decode(data, file: "\(file) (\(name))")
        }
        let layout = try member("format.npy").text(file: file)
        let shape = try member("shape.npy").integers(file: "\(file) (shape.npy)")
        guard shape.count == 2, shape[0] >= 0, shape[1] >= 0, shape[0] < Int(Int32.max), shape[1] < Int(Int32.max) else {
            throw bad("shape.npy must hold two sizes below 2^31, got \(shape)")
        }
        let (rows, columns) = (shape[0], shape[1])
        let values = try member("data.npy").floats(file: "\(file) (data.npy)")
        var userIndices: [Int32] = [], itemIndices: [Int32] = []
        userIndices.reserveCapacity(values.count)
        itemIndices.reserveCapacity(values.count)
        func compressed(_ major: Int, _ minor: Int) throws -> (major: [Int], minor: [Int]) {
            let indices = try member("indices.npy").integers(file: "\(file) (indices.npy)")
            let pointers = try member("indptr.npy").integers(file: "\(file) (indptr.npy)")
            guard indices.count == values.count else { throw bad("indices.npy has \(indices.count) entries, data.npy \(values.count)") }
            guard pointers.count == major + 1, pointers.first == 0, pointers.last == values.count,
                  zip(pointers, pointers.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw bad("indptr.npy must run from 0 to \(values.count) without decreasing over \(major + 1) entries")
            }
            var majors = [Int](repeating: 0, count: values.count)
            for m in 0..<major { for p in pointers[m]..<pointers[m + 1] { majors[p] = m } }
            guard indices.allSatisfy({ $0 >= 0 && $0 < minor }) else { throw bad("an index in indices.npy is outside 0..<\(minor)") }
            return (majors, indices)
        }
        let rowOf: [Int], columnOf: [Int]
        switch layout {
        case "csr": (rowOf, columnOf) = try compressed(rows, columns)
        case "csc": (columnOf, rowOf) = try compressed(columns, rows)
        case "coo":
            rowOf = try member("row.npy").integers(file: "\(file) (row.npy)")
            columnOf = try member("col.npy").integers(file: "\(file) (col.npy)")
            guard rowOf.count == values.count, columnOf.count == values.count else {
                throw bad("row.npy, col.npy and data.npy have \(rowOf.count), \(columnOf.count) and \(values.count) entries")
            }
            guard rowOf.allSatisfy({ $0 >= 0 && $0 < rows }), columnOf.allSatisfy({ $0 >= 0 && $0 < columns }) else {
                throw bad("a row or column index is outside the shape \(rows) x \(columns)")
            }
        default: throw bad("holds a '\(layout)' matrix; csr, csc and coo are read (convert with .tocsr())")
        }
        var ratings: [Float] = []
        ratings.reserveCapacity(values.count)
        for (p, value) in values.enumerated() where value != 0 {
            guard value.isFinite else { throw bad("data.npy holds \(value) at entry \(p)") }
            userIndices.append(Int32(rowOf[p]))
            itemIndices.append(Int32(columnOf[p]))
            ratings.append(value)
        }
        if ratings.isEmpty { throw DataError.emptyFile(file: file) }
        let binary = ratings.allSatisfy { $0 == 1 }
        return RawInteractions(source: file, files: [file] + [userIDsPath, itemIDsPath].compactMap { $0 }, format: .npz,
                               userIndices: userIndices, itemIndices: itemIndices, ratings: binary ? nil : ratings, timestamps: nil,
                               userIDs: try idList(userIDsPath, count: rows, what: "rows (users)"),
                               itemIDs: try idList(itemIDsPath, count: columns, what: "columns (items)"), linesRead: 0)
    }

    /// The ids of an `--user-ids` / `--item-ids` file (one per line, distinct), or "0", "1", ... when none is given.
    public static func idList(_ path: String?, count: Int, what: String) throws -> [String] {
        guard let path else { return (0..<count).map(String.init) }
        let text = String(decoding: try FileIO.readBytes(path), as: UTF8.self)
        var ids = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if ids.last == "" { ids.removeLast() }
        guard ids.count == count else {
            throw DataError.cannotRead(file: path, reason: "holds \(ids.count) ids; the matrix has \(count) \(what)")
        }
        var seen = Set<String>()
        for (line, id) in ids.enumerated() {
            guard !id.isEmpty, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw DataError.cannotRead(file: path, reason: "line \(line + 1): an id must be a non-empty line without control characters")
            }
            guard seen.insert(id).inserted else { throw DataError.cannotRead(file: path, reason: "line \(line + 1): id '\(id)' appears twice") }
        }
        return ids
    }
}

/// A sparse matrix of an `.npz` file written by `scipy.sparse.save_npz` (CSR, CSC or COO).
public enum SparseNPZ {
    /// The matrix, rows sorted by column; explicit zeros are dropped.
    /// - Throws: `DataError.cannotRead` naming the file and what is wrong.
    public static func read(_ file: String) throws -> CSRMatrix {
        let raw = try InteractionReader.readNPZ(file: file, userIDs: nil, itemIDs: nil)
        let rows = raw.userIDs.count, columns = raw.itemIDs.count
        var order = Array(raw.userIndices.indices)
        order.sort { (raw.userIndices[$0], raw.itemIndices[$0]) < (raw.userIndices[$1], raw.itemIndices[$1]) }
        var offsets = [Int](repeating: 0, count: rows + 1)
        var indices: [Int32] = [], values: [Float] = []
        indices.reserveCapacity(order.count)
        values.reserveCapacity(order.count)
        var previous: (Int32, Int32)?
        for p in order {
            let entry = (raw.userIndices[p], raw.itemIndices[p])
            if let previous, previous == entry {
                throw DataError.cannotRead(file: file, reason: "entry (\(entry.0), \(entry.1)) is stored twice")
            }
            previous = entry
            offsets[Int(entry.0) + 1] += 1
            indices.append(entry.1)
            values.append(raw.ratings?[p] ?? 1)
        }
        for r in 0..<rows { offsets[r + 1] += offsets[r] }
        return CSRMatrix(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values)
    }
}
