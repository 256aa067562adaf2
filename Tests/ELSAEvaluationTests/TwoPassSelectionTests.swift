@testable import ELSAEvaluation
import Testing

/// The two-pass selection of the fused scoring path must return exactly what the
/// one-pass heap returns: same items, same order, same scores, on ties, NaN and exclusions.
@Suite struct TwoPassSelectionTests {
    func compare(_ row: [Float], excluded: [Int32], count: Int) -> (Bool, String) {
        let n = row.count
        let one = TopKSelection.select(scores: row, count: count, excluding: excluded)
        var owned = row
        let scratch = TopKSelection.Scratch(itemCount: n)
        var items = [Int32](repeating: -1, count: max(count, 1))
        var scores = [Float](repeating: 0, count: max(count, 1))
        let selected = owned.withUnsafeMutableBufferPointer { rowBuffer in
            excluded.withUnsafeBufferPointer { excludedBuffer in
                items.withUnsafeMutableBufferPointer { itemBuffer in
                    scores.withUnsafeMutableBufferPointer { scoreBuffer in
                        TopKSelection.selectOverwriting(scores: rowBuffer.baseAddress!, itemCount: n, excluding: excludedBuffer,
                                                       count: count, items: itemBuffer.baseAddress!,
                                                       selectedScores: scoreBuffer.baseAddress!, scratch: scratch)
                    }
                }
            }
        }
        let two = (0..<selected).map { (item: Int(items[$0]), score: scores[$0]) }
        let same = one.map(\.item) == two.map(\.item) && one.map(\.score) == two.map(\.score)
        return (same, "n \(n), count \(count), excluded \(excluded.count): \(one.prefix(5)) vs \(two.prefix(5))")
    }

    @Test func equalsTheOnePassSelection() {
        var state: UInt64 = 99
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var cases = 0
        for n in [1, 7, 8, 64, 333, 1000, 4099, 25_000] {
            for count in [1, 3, 10, 100] {
                for style in 0..<3 {
                    // style 0: coarse values (many ties); 1: fine values with NaN; 2: mostly zeros, some -0 (a sparse score row).
                    let row: [Float] = (0..<n).map { _ in
                        let r = next()
                        switch style {
                        case 0: return Float(r % 7) - 3
                        case 1: return r % 97 == 0 ? .nan : Float(r % 100_003) / 1000 - 50
                        default: return r % 10 == 0 ? Float(r % 1_000) / 100 : (r % 10 == 1 ? -0.0 : 0)
                        }
                    }
                    let excluded = (0..<(n / 3)).map { _ in Int32(next() % UInt64(n)) }.sorted()
                    let (same, detail) = compare(row, excluded: excluded, count: count)
                    #expect(same, "\(detail)")
                    cases += 1
                }
            }
        }
        #expect(cases == 96)
    }

    @Test func allScoresExcludedOrNaN() {
        let row: [Float] = (0..<4_000).map { $0 % 2 == 0 ? .nan : -.infinity }
        #expect(compare(row, excluded: [], count: 10).0)
        #expect(compare(row, excluded: (0..<3_990).map(Int32.init), count: 10).0)
        #expect(compare([Float](repeating: 1, count: 5_000), excluded: (0..<5_000).map(Int32.init), count: 10).0)
    }
}

@Test func quickselectFindsTheRankedValue() {
    var state: UInt64 = 5
    for count in [1, 2, 3, 10, 101, 400] {
        for style in 0..<3 {
            let values: [Float] = (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let r = state >> 33
                return style == 0 ? Float(r % 1000) : style == 1 ? Float(r % 3) : (r % 4 == 0 ? -.infinity : 1)
            }
            let sorted = values.sorted(by: >)
            for rank in Set([1, 2, count / 2 + 1, count].filter { $0 >= 1 && $0 <= count }) {
                var copy = values
                let found = copy.withUnsafeMutableBufferPointer {
                    TopKSelection.largest(rank: rank, of: $0.baseAddress!, count: count)
                }
                #expect(found == sorted[rank - 1], "count \(count), style \(style), rank \(rank)")
                #expect(copy.sorted(by: >) == sorted, "a permutation of the input")
            }
        }
    }
}
