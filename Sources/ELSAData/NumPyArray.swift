import Foundation
import _ELSASupport

/// The `.npy` format, version 1.0: magic, header dict padded to a multiple of 64 bytes, raw little-endian data.
public enum NumPyArray {
    static func header(descr: String, shape: [Int]) -> Data {
        let shapeText = shape.isEmpty ? "()" : shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let prefix = 10
        while (prefix + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dict.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(dict.utf8))
        return data
    }

    public static func encode(_ values: [Float], shape: [Int]) -> Data {
        var data = header(descr: "<f4", shape: shape)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    public static func encode(_ values: [Int32], shape: [Int]) -> Data {
        var data = header(descr: "<i4", shape: shape)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    public static func encode(_ values: [Int64], shape: [Int]) -> Data {
        var data = header(descr: "<i8", shape: shape)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// A 0-d byte-string array (`numpy.array(b'csr')`, dtype `|S3`).
    public static func encodeBytesScalar(_ text: String) -> Data {
        let bytes = Array(text.utf8)
        var data = header(descr: "|S\(bytes.count)", shape: [])
        data.append(contentsOf: bytes)
        return data
    }
}

extension NumPyArray {
    /// A parsed `.npy` array: its element type (`descr`, e.g. `<f4`), shape and raw data (C order).
    public struct Decoded: Sendable {
        public let descr: String
        public let shape: [Int]
        public let payload: Data
        /// Elements: the product of the shape (1 for a 0-d array).
        public var count: Int { shape.reduce(1, *) }
    }

    /// The most elements an array may hold (2^34: 64 GiB of float32).
    public static let maximumElements = 1 << 34

    /// Parses an `.npy` file's bytes (versions 1, 2 and 3), checking the header against the data's length.
    /// - Throws: `DataError.cannotRead` naming `file` (a member name for arrays inside an `.npz`) and what is wrong:
    ///   not an `.npy`, Fortran order, a shape or a length that do not agree.
    public static func decode(_ data: Data, file: String) throws -> Decoded {
        func bad(_ reason: String) -> DataError { .cannotRead(file: file, reason: reason) }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw bad("not a NumPy .npy array (bad magic bytes)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw bad("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default: throw bad("unsupported .npy version \(major)")
        }
        guard data.count >= headerStart + headerLength else { throw bad("truncated .npy header") }
        let header = String(decoding: data[(data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength)], as: UTF8.self)
        func field(_ key: String) -> Substring? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            return header[range.upperBound...].drop { $0 == " " }
        }
        guard let descrField = field("descr"), descrField.first == "'",
              let descr = descrField.dropFirst().split(separator: "'", maxSplits: 1).first.map(String.init) else {
            throw bad("the .npy header has no element type ('descr')")
        }
        if let order = field("fortran_order"), order.hasPrefix("True") {
            throw bad("a Fortran-order array; save it in C order (numpy.ascontiguousarray)")
        }
        guard let shapeField = field("shape"), shapeField.first == "(" else { throw bad("the .npy header has no shape") }
        let shapeText = shapeField.dropFirst().prefix { $0 != ")" }
        var shape: [Int] = []
        for part in shapeText.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let n = Int(trimmed), n >= 0 else { throw bad("shape entry '\(trimmed)' is not a size") }
            shape.append(n)
        }
        var count = 1
        for n in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= maximumElements else { throw bad("shape \(shape) holds more than \(maximumElements) elements") }
            count = product
        }
        guard let size = elementSize(descr) else { throw bad("element type '\(descr)' is not supported") }
        let payload = data.dropFirst(headerStart + headerLength)
        guard payload.count == count * size else {
            throw bad("shape \(shape) of '\(descr)' needs \(count * size) bytes of data, the array has \(payload.count)")
        }
        return Decoded(descr: descr, shape: shape, payload: Data(payload))
    }

    /// Bytes per element of the supported types: little-endian or byte-sized numbers and booleans, byte strings.
    static func elementSize(_ descr: String) -> Int? {
        switch descr {
        case "<f4", "<i4", "<u4": return 4
        case "<f8", "<i8", "<u8": return 8
        case "<i2", "<u2": return 2
        case "|b1", "|u1", "|i1": return 1
        default:
            if descr.hasPrefix("|S"), let n = Int(descr.dropFirst(2)), n > 0 { return n }
            return nil
        }
    }
}

extension NumPyArray.Decoded {
    /// The elements as Float (floats, integers and booleans).
    public func floats(file: String) throws -> [Float] {
        func load<T>(_ type: T.Type, _ convert: (T) -> Float) -> [Float] {
            payload.withUnsafeBytes { raw in (0..<count).map { convert(raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) } }
        }
        switch descr {
        case "<f4": return load(Float.self) { $0 }
        case "<f8": return load(Double.self) { Float($0) }
        case "<i4": return load(Int32.self) { Float($0) }
        case "<i8": return load(Int64.self) { Float($0) }
        case "<u4": return load(UInt32.self) { Float($0) }
        case "<i2": return load(Int16.self) { Float($0) }
        case "<u2": return load(UInt16.self) { Float($0) }
        case "|b1", "|u1": return load(UInt8.self) { Float($0) }
        case "|i1": return load(Int8.self) { Float($0) }
        default: throw DataError.cannotRead(file: file, reason: "holds '\(descr)' elements, not numbers")
        }
    }

    /// The elements as Int (integer types only).
    public func integers(file: String) throws -> [Int] {
        func load<T: BinaryInteger>(_ type: T.Type) -> [Int] {
            payload.withUnsafeBytes { raw in (0..<count).map { Int(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) } }
        }
        switch descr {
        case "<i4": return load(Int32.self)
        case "<i8": return load(Int64.self)
        case "<u4": return load(UInt32.self)
        case "<u8":
            let values = load(UInt64.self)
            if values.contains(where: { $0 < 0 }) { throw DataError.cannotRead(file: file, reason: "an index does not fit in 63 bits") }
            return values
        case "<i2": return load(Int16.self)
        case "<u2": return load(UInt16.self)
        case "|u1": return load(UInt8.self)
        case "|i1": return load(Int8.self)
        default: throw DataError.cannotRead(file: file, reason: "holds '\(descr)' elements, not integers")
        }
    }

    /// A byte-string scalar or array's text (`format.npy` of scipy: `b'csr'`), trailing NULs dropped.
    public func text(file: String) throws -> String {
        guard descr.hasPrefix("|S") || descr == "|u1" else { throw DataError.cannotRead(file: file, reason: "holds '\(descr)', not a byte string") }
        return String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
    }
}
