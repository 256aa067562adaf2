import Foundation
import ELSALinearAlgebra
import ELSASparse

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
/// Files are written atomically: to a temporary file beside the target, then renamed,
/// so a crash never leaves a broken file where a good one was.
public enum ModelFile {
    static let magic = Array("ELSAMODL".utf8)
    public static let version: UInt32 = 1

    /// Writes `model` (its row-normalized item matrix) and `metadata` to `path`.
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
        append(&out, fnv1a(out[...]))
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(out).write(to: url, options: .atomic)
        } catch {
            throw ModelFileError.cannotWrite(file: path, reason: error.localizedDescription)
        }
    }

    /// Reads a model and its metadata.
    public static func read(from path: String, threads: Int = 2) throws -> (model: ELSAModel, metadata: [String: String]) {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw ModelFileError.cannotRead(file: path, reason: (error as NSError).localizedDescription)
        }
        guard bytes.count >= 56, Array(bytes[0..<8]) == magic else { throw ModelFileError.notAModelFile(file: path) }
        var reader = ByteReader(bytes: bytes, file: path)
        reader.position = 8
        let version: UInt32 = try reader.scalar()
        guard version == ModelFile.version else { throw ModelFileError.unsupportedVersion(file: path, version: version) }
        let stored = fnv1a(bytes[0..<(bytes.count - 8)])
        var tail = ByteReader(bytes: bytes, file: path); tail.position = bytes.count - 8
        let expected: UInt64 = try tail.scalar()
        guard stored == expected else { throw ModelFileError.corrupt(file: path, reason: "checksum mismatch (truncated or modified)") }
        let kind: UInt32 = try reader.scalar()
        let items = Int(try reader.scalar() as UInt64)
        let dimension = Int(try reader.scalar() as UInt64)
        let count = Int(try reader.scalar() as UInt64)
        let metadataLength = Int(try reader.scalar() as UInt64)
        let metadataBytes = try reader.bytes(metadataLength)
        let metadata = (try? JSONSerialization.jsonObject(with: Data(metadataBytes))) as? [String: String] ?? [:]
        let embedding: ItemEmbedding
        switch kind {
        case 1:
            guard count == items * dimension else { throw ModelFileError.corrupt(file: path, reason: "dense size \(count) is not \(items) x \(dimension)") }
            embedding = .dense(DenseMatrix(rows: items, columns: dimension, storage: try reader.array(count)))
        case 2:
            let offsets: [UInt64] = try reader.array(items + 1)
            let columns: [Int32] = try reader.array(count)
            let values: [Float] = try reader.array(count)
            guard offsets.first == 0, offsets.last == UInt64(count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
                  columns.allSatisfy({ $0 >= 0 && Int($0) < dimension }) else {
                throw ModelFileError.corrupt(file: path, reason: "inconsistent sparse matrix")
            }
            embedding = .sparse(CSRMatrix(rows: items, columns: dimension, rowOffsets: offsets.map { Int($0) },
                                          columnIndices: columns, values: values))
        default:
            throw ModelFileError.corrupt(file: path, reason: "unknown model kind \(kind)")
        }
        var ids = [String]()
        ids.reserveCapacity(items)
        for _ in 0..<items {
            let length = Int(try reader.scalar() as UInt32)
            ids.append(String(decoding: try reader.bytes(length), as: UTF8.self))
        }
        guard reader.position == bytes.count - 8 else { throw ModelFileError.corrupt(file: path, reason: "trailing bytes") }
        return (ELSAModel(embedding: embedding, itemIDs: ids, threads: threads, isNormalized: true), metadata)
    }

    static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func appendArray<T>(_ out: inout [UInt8], _ values: [T]) {
        values.withUnsafeBytes { out.append(contentsOf: $0) }  // little-endian hosts only (x86-64, arm64)
    }

    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        }
        return hash
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    let file: String
    var position = 0

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, position + count <= bytes.count - 8 else {
            throw ModelFileError.corrupt(file: file, reason: "ends early (wanted \(count) bytes at offset \(position))")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func scalar<T: FixedWidthInteger>() throws -> T {
        guard position + MemoryLayout<T>.size <= bytes.count else {
            throw ModelFileError.corrupt(file: file, reason: "ends early at offset \(position)")
        }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: T.self) }
        position += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func array<T>(_ count: Int) throws -> [T] {
        let slice = try bytes(count * MemoryLayout<T>.stride)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            slice.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            }
            initialized = count
        }
    }
}
