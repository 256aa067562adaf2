/// The TopK activation of CompresSAE: the k entries of a row with the largest magnitude.
///
/// Each candidate gets a 64-bit key, the bits of `|value|` above and the inverted
/// column below, so a larger key is a larger magnitude and, on ties, a lower column:
/// the selection is a deterministic function of the row. NaN magnitudes rank above
/// infinity.
enum CompresSAETopK {
    @inline(__always)
    static func key(_ value: Float, column: Int) -> UInt64 {
        (UInt64(value.bitPattern & 0x7FFF_FFFF) << 32) | UInt64(UInt32.max - UInt32(truncatingIfNeeded: column))
    }

    @inline(__always)
    static func column(of key: UInt64) -> Int32 {
        Int32(truncatingIfNeeded: UInt32.max - UInt32(truncatingIfNeeded: key))
    }

    /// Writes to `columns[0..<k]` the columns of the `k` largest `|row[c]|`, `c < count`,
    /// by decreasing magnitude (ties: lower column first). `heap` is scratch for `k` keys.
    ///
    /// A min-heap of the best `k` keys seen: a candidate costs one comparison unless it
    /// beats the current k-th largest, so a row costs about `count + k log k`.
    /// - Precondition: `1 <= k <= count < 2^31`.
    static func select(row: UnsafePointer<Float>, count: Int, k: Int, heap: UnsafeMutablePointer<UInt64>,
                       into columns: UnsafeMutablePointer<Int32>) {
        precondition(k >= 1 && k <= count && count < Int(Int32.max),
                     "top-k selection needs 1 <= k <= count < 2^31, got k = \(k), count = \(count)")
        for c in 0..<k { heap[c] = key(row[c], column: c) }
        var start = k / 2 - 1
        while start >= 0 {
            siftDown(heap, count: k, from: start)
            start -= 1
        }
        var threshold = heap[0]
        for c in k..<count {
            let candidate = key(row[c], column: c)
            if candidate > threshold {
                heap[0] = candidate
                siftDown(heap, count: k, from: 0)
                threshold = heap[0]
            }
        }
        var best = UnsafeMutableBufferPointer(start: heap, count: k)
        best.sort(by: >)
        for s in 0..<k { columns[s] = column(of: heap[s]) }
    }

    /// Restores the min-heap order below `position`.
    @inline(__always)
    static func siftDown(_ heap: UnsafeMutablePointer<UInt64>, count: Int, from position: Int) {
        var parent = position
        let value = heap[parent]
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && heap[child + 1] < heap[child] { child += 1 }
            if heap[child] >= value { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = value
    }
}
