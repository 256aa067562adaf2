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
