/// Partial top-K selection over one score row, without sorting all items.
///
/// A bounded binary heap of size K holds the best items seen so far; its root is
/// the worst of them, so most items cost one comparison. Order: higher score
/// first; on equal scores the lower item index wins. NaN scores count as
/// `-infinity` (they rank last and are reported as `-infinity`). Excluded items
/// (the user's history) are never returned. Work: O(n + K log K) in the usual
/// case, O(n log K) at worst, for n items; once K items are kept, blocks of 8
/// scores that cannot enter are skipped with one SIMD comparison.
public enum TopKSelection {
    /// The best `count` items of `scores` (by index), best first, skipping `excluded`.
    ///
    /// Returns `min(count, items not excluded)` pairs.
    /// - Precondition: `count >= 0`; every excluded item is in `0 ..< scores.count`
    ///   (duplicates are fine).
    public static func select<Excluded: Sequence>(scores: [Float], count: Int, excluding excluded: Excluded)
        -> [(item: Int, score: Float)] where Excluded.Element: BinaryInteger {
        precondition(count >= 0, "top-K needs count >= 0, got \(count)")
        var sortedExcluded: [Int32] = excluded.map { item in
            precondition(item >= 0 && Int(item) < scores.count,
                         "excluded item \(item) is out of range 0..<\(scores.count)")
            return Int32(item)
        }
        sortedExcluded.sort()
        let capacity = min(count, scores.count)
        var items = [Int32](repeating: 0, count: capacity)
        var selectedScores = [Float](repeating: 0, count: capacity)
        let selected = scores.withUnsafeBufferPointer { scoreRow in
            sortedExcluded.withUnsafeBufferPointer { excludedRow in
                items.withUnsafeMutableBufferPointer { itemBuffer in
                    selectedScores.withUnsafeMutableBufferPointer { scoreBuffer in
                        select(scores: scoreRow, excluding: excludedRow, count: capacity,
                               items: itemBuffer.baseAddress!, selectedScores: scoreBuffer.baseAddress!)
                    }
                }
            }
        }
        return (0..<selected).map { (item: Int(items[$0]), score: selectedScores[$0]) }
    }

    /// The best `count` items of `scores` (by index), best first, excluding nothing.
    /// - Precondition: `count >= 0`.
    public static func select(scores: [Float], count: Int) -> [(item: Int, score: Float)] {
        select(scores: scores, count: count, excluding: [Int32]())
    }

    /// Kernel: writes the selected items and scores, best first, to `items[0 ..< m]` and
    /// `selectedScores[0 ..< m]` and returns `m = min(count, items not excluded)`.
    ///
    /// - Precondition (not checked): `excluded` is sorted ascending with entries in
    ///   `0 ..< scores.count` (duplicates allowed, as in a CSR row); both output
    ///   buffers hold at least `count` elements.
    @inline(__always)
    static func select(scores: UnsafeBufferPointer<Float>, excluding excluded: UnsafeBufferPointer<Int32>,
                       count: Int, items: UnsafeMutablePointer<Int32>,
                       selectedScores: UnsafeMutablePointer<Float>) -> Int {
        guard count > 0 else { return 0 }
        var heap = BoundedHeap(items: items, scores: selectedScores, capacity: count)
        let itemCount = scores.count
        guard let base = scores.baseAddress, itemCount > 0 else { return 0 }
        var item = 0
        var nextExcluded = 0
        while item < itemCount {
            var stop = itemCount
            if nextExcluded < excluded.count { stop = min(Int(excluded[nextExcluded]), itemCount) }
            while item < stop {
                if heap.isFull {
                    // Skip blocks of 8 in which nothing beats the worst kept score (NaN never does).
                    let threshold = SIMD8<Float>(repeating: heap.worstScore)
                    while item + 8 <= stop {
                        let block = UnsafeRawPointer(base + item).loadUnaligned(as: SIMD8<Float>.self)
                        if any(block .> threshold) { break }
                        item += 8
                    }
                }
                let blockEnd = min(item + 8, stop)
                while item < blockEnd {
                    let raw = base[item]
                    heap.offer(item: Int32(truncatingIfNeeded: item), score: raw.isNaN ? -Float.infinity : raw)
                    item += 1
                }
            }
            guard nextExcluded < excluded.count else { break }
            item = max(item, Int(excluded[nextExcluded]) + 1)
            nextExcluded += 1
        }
        heap.sortBestFirst()
        return heap.size
    }
}

extension TopKSelection {
    /// Scratch of ``selectOverwriting(scores:itemCount:excluding:count:items:selectedScores:scratch:)``
    /// for rows of up to `itemCount` items; one per thread.
    final class Scratch {
        let blockMaxima: UnsafeMutablePointer<Float>
        let candidates: UnsafeMutablePointer<Int32>
        let keys: UnsafeMutablePointer<UInt64>
        let itemCount: Int

        init(itemCount: Int) {
            self.itemCount = itemCount
            blockMaxima = .allocate(capacity: max(1, itemCount / 8 + 1))
            candidates = .allocate(capacity: max(1, itemCount))
            keys = .allocate(capacity: max(1, itemCount))
        }

        deinit {
            blockMaxima.deallocate()
            candidates.deallocate()
            keys.deallocate()
        }
    }

    /// The same selection as ``select(scores:excluding:count:items:selectedScores:)``, for a
    /// row the caller owns: excluded items and NaN scores are overwritten with `-infinity`.
    ///
    /// Two passes instead of one heap over the whole row: the first takes the maximum of
    /// each block of the row (about `2 · count` blocks); the `count`-th largest block
    /// maximum `t` is at most the `count`-th largest score, so every item of the answer
    /// scores at least `t`. The second pass collects the items scoring `>= t` (a few
    /// times `count`) with SIMD comparisons, and only those are sorted.
    /// Rows too short for the blocks fall back to the one-pass selection.
    /// - Precondition (not checked): as for the one-pass kernel; `scratch.itemCount >= itemCount`.
    static func selectOverwriting(scores: UnsafeMutablePointer<Float>, itemCount: Int,
                                  excluding excluded: UnsafeBufferPointer<Int32>, count: Int,
                                  items: UnsafeMutablePointer<Int32>, selectedScores: UnsafeMutablePointer<Float>,
                                  scratch: Scratch) -> Int {
        guard count > 0, itemCount > 0 else { return 0 }
        for item in excluded { scores[Int(item)] = -.infinity }
        let blockWidth = 8 * max(1, itemCount / (16 * count))
        let blockCount = itemCount / blockWidth
        func onePass() -> Int {
            select(scores: UnsafeBufferPointer(start: scores, count: itemCount), excluding: excluded, count: count,
                   items: items, selectedScores: selectedScores)
        }
        guard blockCount >= count else { return onePass() }
        // Pass 1: block maxima (NaN becomes -infinity on the way).
        let negativeInfinity = SIMD8<Float>(repeating: -.infinity)
        for block in 0..<blockCount {
            var maxima = negativeInfinity
            var pointer = scores + block * blockWidth
            for _ in 0..<(blockWidth / 8) {
                var v = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
                let isNumber = v .== v
                if !all(isNumber) {
                    v.replace(with: negativeInfinity, where: .!isNumber)
                    UnsafeMutableRawPointer(pointer).storeBytes(of: v, as: SIMD8<Float>.self)
                }
                // (`pointwiseMax` and `max()` are generic calls that do not inline here.)
                maxima.replace(with: v, where: v .> maxima)
                pointer += 8
            }
            let four = maxima.lowHalf.replacing(with: maxima.highHalf, where: maxima.highHalf .> maxima.lowHalf)
            let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
            scratch.blockMaxima[block] = two[0] > two[1] ? two[0] : two[1]
        }
        for item in (blockCount * blockWidth)..<itemCount where scores[item].isNaN { scores[item] = -.infinity }
        // The count-th largest block maximum, by quickselect on the scratch copy.
        let threshold = largest(rank: count, of: scratch.blockMaxima, count: blockCount)
        guard threshold > -.infinity else { return onePass() }
        // Pass 2: the candidates, in item order.
        var candidateCount = 0
        let thresholds = SIMD8<Float>(repeating: threshold)
        var item = 0
        while item + 8 <= itemCount {
            let v = UnsafeRawPointer(scores + item).loadUnaligned(as: SIMD8<Float>.self)
            if any(v .>= thresholds) {
                for lane in 0..<8 where v[lane] >= threshold {
                    scratch.candidates[candidateCount] = Int32(truncatingIfNeeded: item + lane)
                    candidateCount += 1
                }
            }
            item += 8
        }
        while item < itemCount {
            if scores[item] >= threshold {
                scratch.candidates[candidateCount] = Int32(truncatingIfNeeded: item)
                candidateCount += 1
            }
            item += 1
        }
        // The few candidates are sorted whole: one 64-bit key per candidate orders by score
        // (descending) and then by item (ascending), the heap's order.
        let keys = scratch.keys
        for position in 0..<candidateCount {
            let candidate = scratch.candidates[position]
            let bits = (scores[Int(candidate)] + 0).bitPattern  // + 0 turns -0 into +0: they tie, as in the heap
            let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
            keys[position] = UInt64(~ascending) << 32 | UInt64(UInt32(bitPattern: candidate))
        }
        var sortedKeys = UnsafeMutableBufferPointer(start: keys, count: candidateCount)
        sortedKeys.sort()
        let selected = min(count, candidateCount)
        for position in 0..<selected {
            let item = Int32(bitPattern: UInt32(truncatingIfNeeded: keys[position]))
            items[position] = item
            selectedScores[position] = scores[Int(item)]
        }
        return selected
    }

    /// The `rank`-th largest of `values[0 ..< count]` (rank 1 is the maximum), by
    /// quickselect with a median-of-three pivot and a three-way partition (runs of equal
    /// values cost one pass); reorders the values. No NaN allowed.
    /// - Precondition (not checked): `1 <= rank <= count`.
    static func largest(rank: Int, of values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        @inline(__always) func swap(_ i: Int, _ j: Int) {
            let value = values[i]; values[i] = values[j]; values[j] = value
        }
        var low = 0, high = count - 1
        let target = rank - 1  // position in descending order
        while high > low {
            let a = values[low], b = values[low + (high - low) / 2], c = values[high]
            let pivot = (a >= b) == (b >= c) ? b : ((b >= a) == (a >= c) ? a : c)
            // Three-way partition, descending: [low, greater) > pivot, [greater, i) == pivot, (smaller, high] < pivot.
            var greater = low, i = low, smaller = high
            while i <= smaller {
                let value = values[i]
                if value > pivot {
                    swap(i, greater); greater += 1; i += 1
                } else if value < pivot {
                    swap(i, smaller); smaller -= 1
                } else {
                    i += 1
                }
            }
            if target < greater { high = greater - 1 } else if target > smaller { low = smaller + 1 } else { return pivot }
        }
        return values[low]
    }
}

/// A binary heap whose root is the worst kept candidate (lowest score; on equal
/// scores the higher item index), over caller-owned buffers.
private struct BoundedHeap {
    let items: UnsafeMutablePointer<Int32>
    let scores: UnsafeMutablePointer<Float>
    let capacity: Int
    private(set) var size = 0

    var isFull: Bool { size == capacity }
    /// The score at the root; meaningful once the heap is non-empty.
    var worstScore: Float { scores[0] }

    init(items: UnsafeMutablePointer<Int32>, scores: UnsafeMutablePointer<Float>, capacity: Int) {
        self.items = items
        self.scores = scores
        self.capacity = capacity
    }

    /// Candidates must be offered in increasing item order: then a candidate whose
    /// score equals the root's loses the tie and is rejected by one comparison.
    @inline(__always)
    mutating func offer(item: Int32, score: Float) {
        if size < capacity {
            var child = size
            items[child] = item
            scores[child] = score
            size += 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard isWorse(child, than: parent) else { break }
                swapEntries(child, parent)
                child = parent
            }
        } else if score > scores[0] {
            items[0] = item
            scores[0] = score
            siftDown(from: 0, limit: size)
        }
    }

    /// Heapsort in place: afterwards position 0 holds the best entry, `size - 1` the worst.
    mutating func sortBestFirst() {
        var end = size - 1
        while end > 0 {
            swapEntries(0, end)
            siftDown(from: 0, limit: end)
            end -= 1
        }
    }

    @inline(__always)
    private func isWorse(_ a: Int, than b: Int) -> Bool {
        scores[a] < scores[b] || (scores[a] == scores[b] && items[a] > items[b])
    }

    @inline(__always)
    private func swapEntries(_ a: Int, _ b: Int) {
        let item = items[a]; items[a] = items[b]; items[b] = item
        let score = scores[a]; scores[a] = scores[b]; scores[b] = score
    }

    @inline(__always)
    private func siftDown(from start: Int, limit: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < limit else { return }
            var worst = left
            if left + 1 < limit && isWorse(left + 1, than: left) { worst = left + 1 }
            guard isWorse(worst, than: parent) else { return }
            swapEntries(worst, parent)
            parent = worst
        }
    }
}
