/// A fast 64-bit checksum for the cache: four independent multiply-xor lanes
/// over 8-byte words (several GB/s), finished with SplitMix64 mixing.
/// It detects damage and truncation; it is not a cryptographic hash, and readers do not
/// trust a file because its checksum matches (anyone can compute it: tests and fuzz targets
/// do, to reach the checks behind it).
public enum Checksum {
    /// The checksum of `header` followed by `sections` (each hashed with its index and length),
    /// as `InteractionCache` and `SectionFile` store it.
    public static func of(header: UnsafeRawBufferPointer, sections: [UnsafeRawBufferPointer]) -> UInt64 {
        var combined = hash(header, seed: 0)
        for (index, section) in sections.enumerated() {
            var state = combined ^ hash(section, seed: UInt64(index + 1)) ^ UInt64(section.count)
            combined = SeededGenerator.splitMix64(&state)
        }
        return combined
    }

    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let prime: UInt64 = 0x9E37_79B9_7F4A_7C15
        var lane0 = seed ^ 0x243F_6A88_85A3_08D3
        var lane1 = seed ^ 0x1319_8A2E_0370_7344
        var lane2 = seed ^ 0xA409_3822_299F_31D0
        var lane3 = seed ^ 0x082E_FA98_EC4E_6C89
        let wordCount = bytes.count / 8
        var word = 0
        while word + 4 <= wordCount {
            lane0 = (lane0 ^ bytes.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)) &* prime
            lane1 = (lane1 ^ bytes.loadUnaligned(fromByteOffset: word * 8 + 8, as: UInt64.self)) &* prime
            lane2 = (lane2 ^ bytes.loadUnaligned(fromByteOffset: word * 8 + 16, as: UInt64.self)) &* prime
            lane3 = (lane3 ^ bytes.loadUnaligned(fromByteOffset: word * 8 + 24, as: UInt64.self)) &* prime
            lane0 ^= lane0 >> 29; lane1 ^= lane1 >> 29; lane2 ^= lane2 >> 29; lane3 ^= lane3 >> 29
            word += 4
        }
        while word < wordCount {
            lane0 = (lane0 ^ bytes.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)) &* prime
            lane0 ^= lane0 >> 29
            word += 1
        }
        var tail: UInt64 = 0
        for position in (wordCount * 8)..<bytes.count {
            tail = (tail << 8) | UInt64(bytes[position])
        }
        lane1 = (lane1 ^ tail) &* prime
        var state = lane0 ^ (lane1 &* 3) ^ (lane2 &* 5) ^ (lane3 &* 7) ^ UInt64(bytes.count)
        return SeededGenerator.splitMix64(&state)
    }
}
