/// A small, fast, seeded pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Everything random in the project takes one of these, so that a run is
/// reproduced exactly by its seed (no global or system randomness anywhere).
///
/// - The state is four `UInt64` words; `next()` is a handful of shifts,
///   rotations and one multiply (sub-nanosecond), and it passes BigCrush.
/// - `init(seed:)` expands the 64-bit seed with SplitMix64, as the xoshiro
///   authors recommend, so nearby seeds (0, 1, 2, ...) give unrelated streams
///   and the all-zero state can not occur.
/// - `init(seed:stream:)` derives a separate generator per stream (for example
///   one per thread or per user) from one seed; `jump()` advances by 2^128
///   draws for streams that are provably non-overlapping.
/// - It conforms to `RandomNumberGenerator`, so the standard library's
///   `Int.random(in:using:)`, `Float.random(in:using:)`, `shuffle(using:)` and
///   `randomElement(using:)` all work with it. Note that those standard
///   algorithms are only guaranteed stable within one Swift release; the
///   helpers here (`nextUnitDouble`, `nextUnitFloat`, `next(below:)`,
///   `shuffle(_:)`) are fixed by this file and give the same numbers on every
///   platform and release.
/// - It is a value type: copying it copies the stream (both copies then yield
///   the same numbers). It is not thread safe; give each thread its own.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline internal var state0: UInt64
    @usableFromInline internal var state1: UInt64
    @usableFromInline internal var state2: UInt64
    @usableFromInline internal var state3: UInt64

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        state0 = SeededGenerator.splitMix64(&splitMix)
        state1 = SeededGenerator.splitMix64(&splitMix)
        state2 = SeededGenerator.splitMix64(&splitMix)
        state3 = SeededGenerator.splitMix64(&splitMix)
    }

    /// A generator for sub-stream `stream` of `seed`: streams of one seed are
    /// seeded from distinct, well-mixed values, so they are independent in
    /// practice (use `jump()` when non-overlap must be guaranteed).
    /// `init(seed: s, stream: 0)` differs from `init(seed: s)`.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = stream &+ 0x6A09_E667_F3BC_C909  // keep stream 0 away from the plain seed
        let streamKey = SeededGenerator.splitMix64(&mixer)
        self.init(seed: seed ^ streamKey)
    }

    /// SplitMix64: advances `state` by the golden-ratio increment and returns its mixed value.
    @inlinable
    public static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state1 &* 5, by: 7) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = rotateLeft(state3, by: 45)
        return result
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A uniform integer in `0 ..< bound` (Lemire's nearly-divisionless method, unbiased).
    /// - Precondition: `bound > 0`.
    @inlinable
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "next(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `elements` in place (Fisher-Yates with `next(below:)`; the
    /// result depends only on the generator's state, never on the Swift release).
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        var index = elements.count - 1
        while index > 0 {
            let other = next(below: index + 1)
            if other != index { elements.swapAt(index, other) }
            index -= 1
        }
    }

    /// Advances the generator by 2^128 draws: calling `jump()` k times on copies
    /// of one generator gives up to 2^128 non-overlapping sub-sequences.
    public mutating func jump() {
        let polynomial: [UInt64] = [0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C,
                                    0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C]
        var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0
        for word in polynomial {
            for bit in 0..<64 {
                if word & (1 << UInt64(bit)) != 0 {
                    s0 ^= state0; s1 ^= state1; s2 ^= state2; s3 ^= state3
                }
                _ = next()
            }
        }
        state0 = s0; state1 = s1; state2 = s2; state3 = s3
    }

    @inlinable
    internal func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}
