import ELSAData
import _ELSASupport

/// Seeded mutations of a file's bytes, for the property tests that feed damaged and hostile
/// inputs to every reader and loader (the fuzz targets under `Fuzz/` let libFuzzer mutate instead).
///
/// A mutation is one to `maximumSteps` of: flipping a bit, overwriting bytes, inserting bytes
/// (random, or a token of `dictionary`), deleting a range, truncating, duplicating a chunk, or
/// writing a boundary integer (0, 2^31, 2^63, `UInt64.max`...) as 4 or 8 little-endian bytes.
/// The same seed gives the same mutations.
public struct ByteMutator {
    /// Integers at the edges of `Int32`, `Int64` and their products: the counts that overflow.
    public static let boundaryIntegers: [UInt64] = [
        0, 1, 2, 7, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
        1 << 40, 1 << 48, 0x4000_0000_0000_0000, 0x4000_0000_0000_0001, 0x7FFF_FFFF_FFFF_FFFF,
        0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF,
    ]

    private var random: SeededGenerator
    private let dictionary: [[UInt8]]
    private let maximumSteps: Int

    /// - Parameters:
    ///   - dictionary: tokens worth inserting (say `1e999`, a separator, a byte-order mark).
    ///   - maximumSteps: the most mutations applied to one input.
    public init(seed: UInt64, dictionary: [String] = [], maximumSteps: Int = 4) {
        random = SeededGenerator(seed: seed)
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.maximumSteps = maximumSteps
    }

    /// `bytes` after one to `maximumSteps` random mutations.
    public mutating func mutated(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for _ in 0..<(1 + random.next(below: maximumSteps)) { mutate(&result) }
        return result
    }

    /// `bytes` with a boundary integer written over `width` (4 or 8) bytes at one of `offsets`
    /// (those inside the bytes), as little-endian: the counts of a binary header.
    public mutating func withBoundaryInteger(_ bytes: [UInt8], atOneOf offsets: [Int], width: Int = 8) -> [UInt8] {
        let fitting = offsets.filter { $0 >= 0 && $0 + width <= bytes.count }
        guard !fitting.isEmpty else { return bytes }
        var result = bytes
        let offset = fitting[random.next(below: fitting.count)]
        var value = Self.boundaryIntegers[random.next(below: Self.boundaryIntegers.count)]
        if random.next(below: 4) == 0 { value = value &+ UInt64(random.next(below: 3)) &- 1 }  // just beside it
        for byte in 0..<width { result[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
        return result
    }

    /// `count` bytes of uniform noise.
    public mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let position = bytes.isEmpty ? 0 : random.next(below: bytes.count)
        switch random.next(below: 8) {
        case 0 where !bytes.isEmpty:  // flip one bit
            bytes[position] ^= UInt8(1) << UInt8(random.next(below: 8))
        case 1 where !bytes.isEmpty:  // overwrite up to 4 bytes
            for offset in position..<min(bytes.count, position + 1 + random.next(below: 4)) {
                bytes[offset] = UInt8(truncatingIfNeeded: random.next())
            }
        case 2:  // insert random bytes or a dictionary token
            let insertion = !dictionary.isEmpty && random.next(below: 3) > 0
                ? dictionary[random.next(below: dictionary.count)] : randomBytes(1 + random.next(below: 8))
            bytes.insert(contentsOf: insertion, at: bytes.isEmpty ? 0 : random.next(below: bytes.count + 1))
        case 3 where !bytes.isEmpty:  // delete a range
            bytes.removeSubrange(position..<min(bytes.count, position + 1 + random.next(below: 16)))
        case 4 where !bytes.isEmpty:  // truncate
            bytes.removeSubrange(random.next(below: bytes.count)...)
        case 5 where bytes.count > 1:  // duplicate a chunk elsewhere
            let chunk = Array(bytes[position..<min(bytes.count, position + 1 + random.next(below: 32))])
            bytes.insert(contentsOf: chunk, at: random.next(below: bytes.count + 1))
        case 6:  // a boundary integer, 4 or 8 bytes, anywhere
            bytes = withBoundaryInteger(bytes, atOneOf: [position], width: random.next(below: 2) == 0 ? 4 : 8)
        default:  // replace a byte with a structural one
            if !bytes.isEmpty {
                let structural: [UInt8] = [0, 0x0A, 0x0D, 0x20, 0x09, 0x2C, 0x3A, 0x2D, 0x2E, 0x65, 0x7B, 0x7D, 0x22, 0xFF]
                bytes[position] = structural[random.next(below: structural.count)]
            }
        }
    }
}
