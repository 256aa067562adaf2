import Foundation

/// A binary file of a JSON header and raw sections, for large state such as training
/// checkpoints. All integers little-endian:
///
///     offset  size      field
///     0       8         magic (8 ASCII bytes chosen by the caller)
///     8       4         version (UInt32)
///     12      4         section count s (UInt32)
///     16      8         header length h (UInt64)
///     24      8 · s     section lengths (UInt64 each)
///     24 + 8s 8         checksum (`Checksum`, over everything else)
///     32 + 8s h         header (UTF-8 JSON)
///     ...               the sections, one after the other
///
/// Written atomically (a temporary file in the same folder, flushed, then renamed), so a
/// crash never leaves a partial file at `path`.
public enum SectionFile {
    /// What `read` returns: the header and the sections as byte ranges of `bytes`.
    public struct Contents {
        public let header: Data
        public let bytes: [UInt8]
        public let sections: [Range<Int>]

        /// Section `index` as an array of `T` (its length must be a multiple of `T`'s size).
        public func array<T>(_ index: Int, of type: T.Type, file: String) throws -> [T] {
            let range = sections[index]
            let stride = MemoryLayout<T>.stride
            guard range.count % stride == 0 else {
                throw DataError.cannotRead(file: file, reason: "section \(index) holds \(range.count) bytes, not a whole number of \(stride)-byte values")
            }
            let count = range.count / stride
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[range]))
                }
                initialized = count
            }
        }
    }

    /// Writes `header` and `sections` to `path` atomically (creating its folder if needed).
    /// - Throws: `DataError.cannotWrite` naming `path`.
    public static func write(_ path: String, magic: String, version: UInt32, header: Data,
                             sections: [UnsafeRawBufferPointer]) throws {
        let magicBytes = Array(magic.utf8)
        precondition(magicBytes.count == 8, "a section file's magic is 8 ASCII bytes, got '\(magic)'")
        var prefix = magicBytes
        appendLittleEndian(&prefix, version)
        appendLittleEndian(&prefix, UInt32(sections.count))
        appendLittleEndian(&prefix, UInt64(header.count))
        for section in sections { appendLittleEndian(&prefix, UInt64(section.count)) }
        let headerBytes = [UInt8](header)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError.cannotWrite(file: path, reason: "cannot create the folder \(folder.path): \(error.localizedDescription)")
        }
        try prefix.withUnsafeBytes { prefixRaw in
            try headerBytes.withUnsafeBytes { headerRaw in
                var checksum = Checksum.of(header: prefixRaw, sections: [headerRaw] + sections).littleEndian
                try withUnsafeBytes(of: &checksum) { checksumRaw in
                    try FileIO.writeAtomically(path, chunks: [prefixRaw, checksumRaw, headerRaw] + sections)
                }
            }
        }
    }

    /// Reads a file written by `write` with the same magic and version, checking its layout and checksum.
    /// - Throws: `DataError.cannotRead` naming `path` (missing, unreadable, another kind of file or
    ///   version, truncated, damaged).
    public static func read(_ path: String, magic: String, version: UInt32) throws -> Contents {
        let bytes = try FileIO.readBytes(path)
        func bad(_ reason: String) -> DataError { DataError.cannotRead(file: path, reason: reason) }
        return try bytes.withUnsafeBytes { raw -> Contents in
            guard raw.count >= 24, raw.prefix(8).elementsEqual(Array(magic.utf8)) else {
                throw bad("not a \(magic) file (wrong magic bytes or shorter than its header)")
            }
            let fileVersion = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            guard fileVersion == version else { throw bad("version \(fileVersion); this build reads version \(version)") }
            let sectionCount = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
            let prefixSize = 24 + 8 * sectionCount
            guard raw.count >= prefixSize + 8 else { throw bad("truncated: \(raw.count) bytes") }
            var lengths = [UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))]
            for index in 0..<sectionCount {
                lengths.append(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 24 + 8 * index, as: UInt64.self)))
            }
            let available = UInt64(raw.count - prefixSize - 8)
            var total: UInt64 = 0
            for length in lengths {
                guard length <= available - total else {
                    throw bad("truncated: the header promises more bytes than the file's \(raw.count)")
                }
                total += length
            }
            guard total == available else { throw bad("\(available - total) bytes after the end the header promises") }
            var ranges: [Range<Int>] = []
            var offset = prefixSize + 8
            for length in lengths {
                ranges.append(offset..<(offset + Int(length)))
                offset += Int(length)
            }
            let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: prefixSize, as: UInt64.self))
            let computed = Checksum.of(header: UnsafeRawBufferPointer(rebasing: raw[0..<prefixSize]),
                                       sections: ranges.map { UnsafeRawBufferPointer(rebasing: raw[$0]) })
            guard stored == computed else { throw bad("checksum mismatch (the file is damaged)") }
            return Contents(header: Data(bytes[ranges[0]]), bytes: bytes, sections: Array(ranges.dropFirst()))
        }
    }

    /// Removes the temporary files that atomic writes of `path` left in its folder when their
    /// process died between creating and renaming them (see `AtomicFile.removeAbandonedTemporaries`).
    /// Returns the paths removed.
    @discardableResult
    public static func removeAbandonedTemporaries(of path: String) -> [String] {
        AtomicFile.removeAbandonedTemporaries(of: path)
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}
