import Foundation
import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// Errors reading or writing model files. Each names the file.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case cannotRead(file: String, reason: String)
    case cannotWrite(file: String, reason: String)
    case notAModelFile(file: String)
    case unsupportedVersion(file: String, version: UInt32)
    case corrupt(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let file, let reason): return "\(file): cannot read model: \(reason)"
        case .cannotWrite(let file, let reason): return "\(file): cannot write model: \(reason)"
        case .notAModelFile(let file): return "\(file): not an ELSA model file (bad magic bytes)"
        case .unsupportedVersion(let file, let version): return "\(file): model file version \(version) is not supported (this build reads 1)"
        case .corrupt(let file, let reason): return "\(file): corrupt model file: \(reason)"
        }
    }
}

/// The binary model file, version 1. All integers little-endian.
///
///     offset  size  field
///     0       8     magic "ELSAMODL"
///     8       4     version (UInt32) = 1
///     12      4     kind (UInt32): 1 = dense item matrix, 2 = sparse CSR item matrix
///     16      8     items (UInt64)
///     24      8     dimension d (UInt64)
///     32      8     stored values (UInt64): items·d (dense) or nnz (sparse)
///     40      8     metadata length m (UInt64), then m bytes of UTF-8 JSON (string -> string)
///     ...           dense: items·d Float32, row-major
///                   sparse: (items + 1) UInt64 row offsets, nnz Int32 column indices, nnz Float32 values
///     ...           item ids: items x (UInt32 byte length + UTF-8 bytes)
///     end − 8 8     FNV-1a 64-bit checksum of every byte before it
///
/// Files are written atomically (`AtomicFile`): to a temporary file beside the target, then
/// renamed, so a crash never leaves a broken file where a good one was.
///
/// Reading trusts nothing the file says. The checksum catches damage, not a file built to
/// pass it, so every count is checked before it sizes an allocation or enters arithmetic:
/// items at most `maximumItems` and dimension at most `maximumDimension`, at least one of
/// each; products computed with overflow checks; every array no longer than the bytes left
/// in the file. Weights must be finite, a sparse matrix must have offsets that start at 0,
/// never decrease and end at nnz, and column indices in `0 ..< d` strictly increasing within
/// a row; item ids must be distinct UTF-8 and the metadata a JSON object of strings.
public enum ModelFile {
    static let magic = Array("ELSAMODL".utf8)
    public static let version: UInt32 = 1
    /// The most items a model file may hold (item indices are `Int32` elsewhere).
    public static let maximumItems = Int(Int32.max)
    /// The largest latent dimension a model file may have.
    public static let maximumDimension = 1 << 20

    /// Writes `model` (its row-normalized item matrix) and `metadata` to `path`.
    /// - Throws: `ModelFileError.cannotWrite` naming `path`.
    public static func write(_ model: ELSAModel, metadata: [String: String] = [:], to path: String) throws {
        var out = [UInt8]()
        let embedding = model.embedding
        out.append(contentsOf: magic)
        append(&out, version)
        switch embedding {
        case .dense(let m):
            append(&out, UInt32(1)); append(&out, UInt64(m.rows)); append(&out, UInt64(m.columns)); append(&out, UInt64(m.storage.count))
        case .sparse(let m):
            append(&out, UInt32(2)); append(&out, UInt64(m.rows)); append(&out, UInt64(m.columns)); append(&out, UInt64(m.nonzeroCount))
        }
        let json = try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])
        append(&out, UInt64(json.count))
        out.append(contentsOf: json)
        switch embedding {
        case .dense(let m):
            appendArray(&out, m.storage)
        case .sparse(let m):
            appendArray(&out, m.rowOffsets.map { UInt64($0) })
            appendArray(&out, m.columnIndices)
            appendArray(&out, m.values)
        }
        for id in model.itemIDs {
            let bytes = Array(id.utf8)
            append(&out, UInt32(bytes.count))
            out.append(contentsOf: bytes)
        }
        append(&out, checksum(out[...]))
        do {
            try AtomicFile.write(out, to: path)
        } catch let DataError.cannotWrite(_, reason) {
            throw ModelFileError.cannotWrite(file: path, reason: reason)
        }
    }

    /// Reads a model and its metadata.
    /// - Throws: `ModelFileError` naming `path`: `.cannotRead` (missing, a folder, not a regular
    ///   file, unreadable), `.notAModelFile`, `.unsupportedVersion`, `.corrupt` (checksum mismatch,
    ///   a count beyond the limits or the file's size, a non-finite weight, an inconsistent sparse
    ///   matrix, invalid or repeated item ids, unreadable metadata, trailing bytes).
    public static func read(from path: String, threads: Int = 2) throws -> (model: ELSAModel, metadata: [String: String]) {
        let bytes: [UInt8]
        do { bytes = try FileIO.readBytes(path) } catch let DataError.cannotRead(_, reason) {
            throw ModelFileError.cannotRead(file: path, reason: reason)
        }
        guard bytes.count >= 56, Array(bytes[0..<8]) == magic else { throw ModelFileError.notAModelFile(file: path) }
        var reader = ByteReader(bytes: bytes, file: path)
        reader.position = 8
        let version: UInt32 = try reader.scalar()
        guard version == ModelFile.version else { throw ModelFileError.unsupportedVersion(file: path, version: version) }
        let stored = checksum(bytes[0..<(bytes.count - 8)])
        var tail = ByteReader(bytes: bytes, file: path); tail.position = bytes.count - 8
        let expected: UInt64 = try tail.scalar()
        guard stored == expected else { throw ModelFileError.corrupt(file: path, reason: "checksum mismatch (truncated or modified)") }
        func corrupt(_ reason: String) -> ModelFileError { .corrupt(file: path, reason: reason) }

        let kind: UInt32 = try reader.scalar()
        let storedItems: UInt64 = try reader.scalar(), storedDimension: UInt64 = try reader.scalar()
        let storedCount: UInt64 = try reader.scalar(), storedMetadataLength: UInt64 = try reader.scalar()
        guard let items = Int(exactly: storedItems), (1...maximumItems).contains(items) else {
            throw corrupt("\(storedItems) items (a model holds 1 to \(maximumItems))")
        }
        guard let dimension = Int(exactly: storedDimension), (1...maximumDimension).contains(dimension) else {
            throw corrupt("dimension \(storedDimension) (a model has 1 to \(maximumDimension))")
        }
        // Every item id takes at least its 4-byte length: a file with fewer bytes left cannot hold the items.
        guard items <= reader.remaining / 4 else {
            throw corrupt("\(items) items, but the file's \(bytes.count) bytes cannot hold as many item ids")
        }
        let (product, overflow) = items.multipliedReportingOverflow(by: dimension)
        guard !overflow else { throw corrupt("\(items) items x d = \(dimension) overflows") }
        guard let count = Int(exactly: storedCount), count <= product else {
            throw corrupt("\(storedCount) stored values for \(items) items x d = \(dimension)")
        }
        guard let metadataLength = Int(exactly: storedMetadataLength), metadataLength <= reader.remaining else {
            throw corrupt("metadata of \(storedMetadataLength) bytes, more than the file holds")
        }
        let metadataBytes = try reader.bytes(metadataLength)
        guard let metadata = (try? JSONSerialization.jsonObject(with: Data(metadataBytes))) as? [String: String] else {
            throw corrupt("the metadata is not a JSON object of strings")
        }
        let embedding: ItemEmbedding
        switch kind {
        case 1:
            guard count == product else { throw corrupt("dense size \(count) is not \(items) x \(dimension)") }
            let values: [Float] = try reader.array(count)
            try requireFinite(values, path: path)
            embedding = .dense(DenseMatrix(rows: items, columns: dimension, storage: values))
        case 2:
            let offsets: [UInt64] = try reader.array(items + 1)
            let columns: [Int32] = try reader.array(count)
            let values: [Float] = try reader.array(count)
            guard offsets.first == 0, offsets.last == UInt64(count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw corrupt("inconsistent sparse matrix: row offsets must start at 0, never decrease and end at \(count)")
            }
            let rowOffsets = offsets.map { Int($0) }  // each at most `count`
            for row in 0..<items {
                var previous: Int32 = -1
                for position in rowOffsets[row]..<rowOffsets[row + 1] {
                    let column = columns[position]
                    guard column > previous, Int(column) < dimension else {
                        throw corrupt("inconsistent sparse matrix: row \(row) has column indices outside 0..<\(dimension) "
                                      + "or not strictly increasing")
                    }
                    previous = column
                }
            }
            try requireFinite(values, path: path)
            embedding = .sparse(CSRMatrix(rows: items, columns: dimension, rowOffsets: rowOffsets,
                                          columnIndices: columns, values: values))
        default:
            throw corrupt("unknown model kind \(kind)")
        }
        var ids = [String]()
        ids.reserveCapacity(items)
        var seen = Set<String>(minimumCapacity: items)
        for index in 0..<items {
            let length = Int(try reader.scalar() as UInt32)
            guard let id = String(validating: try reader.bytes(length), as: UTF8.self) else {
                throw corrupt("item id \(index) is not valid UTF-8")
            }
            guard seen.insert(id).inserted else { throw corrupt("item id '\(id.prefix(40))' appears twice") }
            ids.append(id)
        }
        guard reader.position == bytes.count - 8 else { throw corrupt("\(bytes.count - 8 - reader.position) trailing bytes") }
        return (ELSAModel(embedding: embedding, itemIDs: ids, threads: threads, isNormalized: true), metadata)
    }

    /// - Throws: `ModelFileError.corrupt` naming `path` and the first weight that is NaN or infinite.
    static func requireFinite(_ values: [Float], path: String) throws {
        if let position = values.firstIndex(where: { !$0.isFinite }) {
            throw ModelFileError.corrupt(file: path, reason: "weight \(position) is \(values[position]) (weights must be finite)")
        }
    }

    static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func appendArray<T>(_ out: inout [UInt8], _ values: [T]) {
        values.withUnsafeBytes { out.append(contentsOf: $0) }  // little-endian hosts only (x86-64, arm64)
    }

    /// The FNV-1a 64-bit hash of `bytes`: a model file stores that of all its bytes before the last 8.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        }
        return hash
    }
}

/// Reads the fields of a model file in order; never past the checksum, whatever a count says.
private struct ByteReader {
    let bytes: [UInt8]
    let file: String
    var position = 0

    /// Bytes left before the checksum.
    var remaining: Int { max(0, bytes.count - 8 - position) }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw ModelFileError.corrupt(file: file, reason: "ends early (wanted \(count) bytes at offset \(position))")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func scalar<T: FixedWidthInteger>() throws -> T {
        guard MemoryLayout<T>.size <= bytes.count - position else {
            throw ModelFileError.corrupt(file: file, reason: "ends early at offset \(position)")
        }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: T.self) }
        position += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func array<T>(_ count: Int) throws -> [T] {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard count >= 0, !overflow else {
            throw ModelFileError.corrupt(file: file, reason: "an array of \(count) values at offset \(position) overflows")
        }
        let slice = try bytes(size)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            slice.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            }
            initialized = count
        }
    }
}
