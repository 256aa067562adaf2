import ELSAData
import ELSAModels
import _ELSASupport

/// Recomputes the checksum of a mutated binary file, so that a test or fuzz target reaches the
/// checks behind the checksum: the loaders must refuse impossible contents by themselves, not
/// because a checksum happened to catch them. Where the layout is too broken to locate the
/// checksum, the bytes stay as they are (the loader refuses the layout first).
public enum Rechecksum {
    /// A model file (`ModelFile`): FNV-1a of everything before the last 8 bytes.
    public static func modelFile(_ bytes: inout [UInt8]) {
        guard bytes.count >= 8 else { return }
        store(ModelFile.checksum(bytes[0..<(bytes.count - 8)]), in: &bytes, at: bytes.count - 8)
    }

    /// A `SectionFile` (checkpoints): prefix, checksum, then the header and the sections.
    public static func sectionFile(_ bytes: inout [UInt8]) {
        guard bytes.count >= 24 else { return }
        let sectionCount = Int(load(UInt32.self, bytes, at: 12))
        let prefixSize = 24 + 8 * sectionCount
        guard bytes.count >= prefixSize + 8 else { return }
        var lengths = [load(UInt64.self, bytes, at: 16)]
        for index in 0..<sectionCount { lengths.append(load(UInt64.self, bytes, at: 24 + 8 * index)) }
        var ranges: [Range<Int>] = []
        var offset = prefixSize + 8
        for length in lengths {
            guard length <= UInt64(bytes.count - offset) else { return }
            ranges.append(offset..<(offset + Int(length)))
            offset += Int(length)
        }
        guard offset == bytes.count else { return }
        let checksum = bytes.withUnsafeBytes { raw in
            Checksum.of(header: UnsafeRawBufferPointer(rebasing: raw[0..<prefixSize]),
                        sections: ranges.map { UnsafeRawBufferPointer(rebasing: raw[$0]) })
        }
        store(checksum, in: &bytes, at: prefixSize)
    }

    /// An `InteractionCache`: 56 header bytes, the checksum, then six sections sized by the header.
    public static func interactionCache(_ bytes: inout [UInt8]) {
        guard bytes.count >= 64 else { return }
        let counts = [16, 24, 32, 40, 48].map { load(UInt64.self, bytes, at: $0) }
        guard counts.allSatisfy({ $0 < 1 << 40 }) else { return }
        let (rows, columns, nonzeros) = (Int(counts[0]), Int(counts[1]), Int(counts[2]))
        let sizes = [(rows + 1) * 8, nonzeros * 4, (rows + 1) * 8, (columns + 1) * 8, Int(counts[3]), Int(counts[4])]
        guard 64 + sizes.reduce(0, +) == bytes.count else { return }
        var ranges: [Range<Int>] = []
        var offset = 64
        for size in sizes {
            ranges.append(offset..<(offset + size))
            offset += size
        }
        let checksum = bytes.withUnsafeBytes { raw in
            Checksum.of(header: UnsafeRawBufferPointer(rebasing: raw[0..<56]),
                        sections: ranges.map { UnsafeRawBufferPointer(rebasing: raw[$0]) })
        }
        store(checksum, in: &bytes, at: 56)
    }

    private static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    private static func store(_ value: UInt64, in bytes: inout [UInt8], at offset: Int) {
        for byte in 0..<8 { bytes[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
    }
}
