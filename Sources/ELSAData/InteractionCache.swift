import ELSASparse
import _ELSASupport

/// A compact binary file holding one `InteractionDataset`, so that a large
/// input is parsed and filtered once and then reloaded in milliseconds.
///
/// Layout (little-endian, no padding):
///
/// | offset | size | content |
/// |---|---|---|
/// | 0 | 8 | magic `ELSAIDS\0` |
/// | 8 | 4 | version (1) |
/// | 12 | 4 | reserved (0) |
/// | 16 | 8 | users (rows) |
/// | 24 | 8 | items (columns) |
/// | 32 | 8 | interactions (nonzeros) |
/// | 40 | 8 | bytes of all user ids |
/// | 48 | 8 | bytes of all item ids |
/// | 56 | 8 | checksum of bytes 0..<56 and of every section below |
/// | 64 | 8 (users + 1) | row offsets, Int64 |
/// | | 4 interactions | column indices, Int32 |
/// | | 8 (users + 1) | user id offsets into the user id bytes, Int64 |
/// | | 8 (items + 1) | item id offsets, Int64 |
/// | | | user id bytes (UTF-8, concatenated), then item id bytes |
///
/// Values are not stored: an `InteractionDataset` is binary (all ones).
/// The file length must equal the length the header implies, and the checksum
/// must match, so a truncated or damaged file is an error, never a crash.
public enum InteractionCache {
    static let magic: [UInt8] = Array("ELSAIDS".utf8) + [0]
    static let version: UInt32 = 1
    static let headerSize = 64

    /// Writes `dataset` to `path` atomically (a temporary file in the same
    /// folder, flushed, then renamed over `path`).
    /// - Throws: `DataError.cannotWrite` naming `path`.
    public static func write(_ dataset: InteractionDataset, to path: String) throws {
        let matrix = dataset.interactions
        let rowOffsets = matrix.rowOffsets.map { Int64($0) }
        let (userOffsets, userBytes) = pack(dataset.userIDs)
        let (itemOffsets, itemBytes) = pack(dataset.itemIDs)
        var header = [UInt8](repeating: 0, count: headerSize)
        header.withUnsafeMutableBytes { raw in
            raw.copyBytes(from: magic)
            raw.storeBytes(of: version.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: Int64(matrix.rows).littleEndian, toByteOffset: 16, as: Int64.self)
            raw.storeBytes(of: Int64(matrix.columns).littleEndian, toByteOffset: 24, as: Int64.self)
            raw.storeBytes(of: Int64(matrix.nonzeroCount).littleEndian, toByteOffset: 32, as: Int64.self)
            raw.storeBytes(of: Int64(userBytes.count).littleEndian, toByteOffset: 40, as: Int64.self)
            raw.storeBytes(of: Int64(itemBytes.count).littleEndian, toByteOffset: 48, as: Int64.self)
        }
        try header.withUnsafeBytes { headerBytes in
            try rowOffsets.withUnsafeBytes { rowOffsetBytes in
                try matrix.columnIndices.withUnsafeBytes { columnBytes in
                    try userOffsets.withUnsafeBytes { userOffsetBytes in
                        try itemOffsets.withUnsafeBytes { itemOffsetBytes in
                            try userBytes.withUnsafeBytes { userIDBytes in
                                try itemBytes.withUnsafeBytes { itemIDBytes in
                                    let sections = [rowOffsetBytes, columnBytes, userOffsetBytes, itemOffsetBytes,
                                                    userIDBytes, itemIDBytes]
                                    let checksum = Checksum.of(header: UnsafeRawBufferPointer(rebasing: headerBytes[0..<56]),
                                                               sections: sections)
                                    var checksumBytes = checksum.littleEndian
                                    try withUnsafeBytes(of: &checksumBytes) { checksumRaw in
                                        try FileIO.writeAtomically(path, chunks: [
                                            UnsafeRawBufferPointer(rebasing: headerBytes[0..<56]), checksumRaw,
                                        ] + sections)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Reads a dataset written by `write`. The file is read in one go and the
    /// arrays are copied out as blocks; the structure is then checked (offsets
    /// increasing, column indices in range and sorted within each row).
    /// - Throws: `DataError.cannotRead` (missing, unreadable) or
    ///   `DataError.badCache` naming `path` (wrong magic or version, truncated,
    ///   extra bytes, checksum mismatch, inconsistent arrays).
    public static func read(from path: String) throws -> InteractionDataset {
        let bytes = try FileIO.readBytes(path)
        return try bytes.withUnsafeBytes { raw -> InteractionDataset in
            func bad(_ reason: String) -> DataError { DataError.badCache(file: path, reason: reason) }
            guard raw.count >= headerSize else {
                throw bad("truncated: \(raw.count) bytes, shorter than the \(headerSize)-byte header")
            }
            guard raw.prefix(8).elementsEqual(magic) else { throw bad("wrong magic number (not an interaction cache)") }
            let fileVersion = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            guard fileVersion == version else { throw bad("version \(fileVersion), this reader knows version \(version)") }
            func count(at offset: Int) -> Int64 { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)) }
            let rows = count(at: 16), columns = count(at: 24), nonzeros = count(at: 32)
            let userByteCount = count(at: 40), itemByteCount = count(at: 48)
            let storedChecksum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
            let limit: Int64 = 1 << 40
            guard [rows, columns, nonzeros, userByteCount, itemByteCount].allSatisfy({ $0 >= 0 && $0 < limit }),
                  rows < Int64(Int32.max), columns < Int64(Int32.max) else {
                throw bad("impossible counts in the header (users \(rows), items \(columns), interactions \(nonzeros))")
            }
            let sizes = [Int((rows + 1) * 8), Int(nonzeros * 4), Int((rows + 1) * 8), Int((columns + 1) * 8),
                         Int(userByteCount), Int(itemByteCount)]
            let expected = headerSize + sizes.reduce(0, +)
            guard raw.count == expected else {
                throw bad(raw.count < expected
                          ? "truncated: \(raw.count) bytes, the header promises \(expected)"
                          : "\(raw.count - expected) bytes after the end the header promises (\(expected))")
            }
            var sections: [UnsafeRawBufferPointer] = []
            var offset = headerSize
            for size in sizes {
                sections.append(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + size)]))
                offset += size
            }
            let checksum = Checksum.of(header: UnsafeRawBufferPointer(rebasing: raw[0..<56]), sections: sections)
            guard checksum == storedChecksum else { throw bad("checksum mismatch (the file is damaged)") }

            let rowCount = Int(rows), columnCount = Int(columns), nonzeroCount = Int(nonzeros)
            let rowOffsets = try loadOffsets(sections[0], count: rowCount + 1, total: nonzeroCount, what: "row offsets", bad)
            let columnIndices = [Int32](unsafeUninitializedCapacity: nonzeroCount) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: sections[1])
                initialized = nonzeroCount
            }
            try checkColumns(columnIndices, rowOffsets: rowOffsets, columns: columnCount, bad)
            let userOffsets = try loadOffsets(sections[2], count: rowCount + 1, total: Int(userByteCount), what: "user id offsets", bad)
            let itemOffsets = try loadOffsets(sections[3], count: columnCount + 1, total: Int(itemByteCount), what: "item id offsets", bad)
            let userIDs = unpack(sections[4], offsets: userOffsets)
            let itemIDs = unpack(sections[5], offsets: itemOffsets)
            let matrix = CSRMatrix(rows: rowCount, columns: columnCount, rowOffsets: rowOffsets, columnIndices: columnIndices,
                                   values: [Float](repeating: 1, count: nonzeroCount))
            return InteractionDataset(interactions: matrix, userIDs: userIDs, itemIDs: itemIDs)
        }
    }

    /// Concatenated UTF-8 bytes of `strings` and the `count + 1` offsets into them.
    private static func pack(_ strings: [String]) -> ([Int64], [UInt8]) {
        var offsets = [Int64](repeating: 0, count: strings.count + 1)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(strings.count * 8)
        for (index, string) in strings.enumerated() {
            bytes.append(contentsOf: string.utf8)
            offsets[index + 1] = Int64(bytes.count)
        }
        return (offsets, bytes)
    }

    private static func unpack(_ bytes: UnsafeRawBufferPointer, offsets: [Int]) -> [String] {
        let base = bytes.bindMemory(to: UInt8.self)
        return (0..<(offsets.count - 1)).map { index in
            String(decoding: UnsafeBufferPointer(rebasing: base[offsets[index]..<offsets[index + 1]]), as: UTF8.self)
        }
    }

    /// `count` Int64 offsets that start at 0, never decrease and end at `total`.
    private static func loadOffsets(_ section: UnsafeRawBufferPointer, count: Int, total: Int, what: String,
                                    _ bad: (String) -> DataError) throws -> [Int] {
        let offsets = [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                buffer[index] = Int(Int64(littleEndian: section.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)))
            }
            initialized = count
        }
        guard offsets[0] == 0, offsets[count - 1] == total else {
            throw bad("\(what) run from \(offsets[0]) to \(offsets[count - 1]), expected 0 to \(total)")
        }
        for index in 1..<count where offsets[index] < offsets[index - 1] {
            throw bad("\(what) decrease at \(index)")
        }
        return offsets
    }

    /// Every column index is in `0 ..< columns` and increases strictly within its row.
    private static func checkColumns(_ columnIndices: [Int32], rowOffsets: [Int], columns: Int,
                                     _ bad: (String) -> DataError) throws {
        let limit = Int32(columns)
        var failedRow = -1
        columnIndices.withUnsafeBufferPointer { indices in
            for row in 0..<(rowOffsets.count - 1) {
                var previous: Int32 = -1
                for position in rowOffsets[row]..<rowOffsets[row + 1] {
                    let column = indices[position]
                    if column <= previous || column >= limit { failedRow = row; return }
                    previous = column
                }
            }
        }
        if failedRow >= 0 {
            throw bad("row \(failedRow) has column indices out of range 0..<\(columns) or not strictly increasing")
        }
    }
}
