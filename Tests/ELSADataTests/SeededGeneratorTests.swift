import Testing
@testable import ELSAData
import _ELSASupport

@Suite struct SeededGeneratorTests {
    /// Reference values from an independent Python transcription of the published
    /// SplitMix64 and xoshiro256** C code.
    @Test func matchesTheReferenceAlgorithm() {
        var splitMix: UInt64 = 0
        #expect(SeededGenerator.splitMix64(&splitMix) == 0xE220_A839_7B1D_CDAF)
        var zero = SeededGenerator(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
        var other = SeededGenerator(seed: 12345)
        #expect([other.next(), other.next(), other.next()] == [0xBE6A_3637_4160_D49B, 0x214A_AA06_37A6_88C6, 0xF69D_16DE_9954_D388])
        var jumped = SeededGenerator(seed: 7)
        jumped.jump()
        #expect([jumped.next(), jumped.next()] == [0x1566_17FD_83DF_2A74, 0x1CCB_4975_F3AE_6CBC])
    }

    @Test func copiesRepeatAndStreamsDiffer() {
        var generator = SeededGenerator(seed: 99)
        var copy = generator
        #expect((0..<10).map { _ in generator.next() } == (0..<10).map { _ in copy.next() })
        var stream0 = SeededGenerator(seed: 99, stream: 0)
        var stream1 = SeededGenerator(seed: 99, stream: 1)
        var plain = SeededGenerator(seed: 99)
        let first0 = stream0.next(), first1 = stream1.next(), firstPlain = plain.next()
        #expect(first0 != first1 && first0 != firstPlain && first1 != firstPlain)
    }

    @Test func boundedAndUnitDrawsStayInRangeAndAreRoughlyUniform() {
        var generator = SeededGenerator(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        let draws = 70_000
        for _ in 0..<draws { counts[generator.next(below: 7)] += 1 }
        // Each bucket expects 10,000 with standard deviation about 93: allow 6 deviations.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 560 })
        var unitSum = 0.0
        for _ in 0..<10_000 {
            let double = generator.nextUnitDouble(), float = generator.nextUnitFloat()
            #expect(double >= 0 && double < 1 && float >= 0 && float < 1)
            unitSum += double
        }
        #expect(abs(unitSum / 10_000 - 0.5) < 0.02)  // standard error 0.0029
        #expect(generator.next(below: 1) == 0)
    }

    @Test func shuffleIsAPermutationFixedBySeed() {
        var first = SeededGenerator(seed: 1), second = SeededGenerator(seed: 1)
        var a = Array(0..<50), b = Array(0..<50)
        first.shuffle(&a)
        second.shuffle(&b)
        #expect(a == b)
        #expect(a.sorted() == Array(0..<50))
        #expect(a != Array(0..<50))
    }
}
