/// Selection of the largest-magnitude entries of one row (internal to top-k pruning).
///
/// Each candidate gets a 64-bit key: the bits of `|value|` above, the inverted
/// column index below. For non-NaN floats the unsigned order of the magnitude
/// bits is the order of the magnitudes, so a larger key means a larger `|value|`
/// and, on ties, a lower column index; keys of one row are distinct. NaN
/// magnitudes rank above infinity (every bit pattern has a place in the order).
enum MagnitudeSelection {
    @inline(__always)
    static func key(value: Float, column: Int32) -> UInt64 {
        let magnitude = UInt64(value.bitPattern & 0x7FFF_FFFF)
        return (magnitude << 32) | UInt64(UInt32.max - UInt32(truncatingIfNeeded: column))
    }

    /// Reorders `keys[0..<count]` so that `keys[k - 1]` is the k-th largest key
    /// and returns it.
    ///
    /// A quickselect with median-of-three pivots and a branch-free partition
    /// (the comparison result moves the write position, so random data causes
    /// no branch mispredictions); ranges of at most 16 keys are insertion-sorted.
    /// After `2 log2(count)` rounds it sorts the remaining range, so the worst
    /// case stays `O(count log count)`.
    /// - Precondition: `1 <= k <= count`; keys are distinct.
    static func kthLargest(_ keys: UnsafeMutablePointer<UInt64>, count: Int, k: Int) -> UInt64 {
        precondition(k >= 1 && k <= count, "selection needs 1 <= k <= count, got k = \(k), count = \(count)")
        let target = k - 1
        var low = 0
        var high = count - 1
        var roundsLeft = 2 * (Int.bitWidth - count.leadingZeroBitCount) + 4
        while high - low >= 16 {
            if roundsLeft == 0 {
                var remaining = UnsafeMutableBufferPointer(start: keys + low, count: high - low + 1)
                remaining.sort(by: >)
                return keys[target]
            }
            roundsLeft -= 1
            let pivot = medianOfThree(keys[low], keys[low + (high - low) / 2], keys[high])
            // Keys above the pivot move to the front of the range; at least one key
            // is above and one below the median of three distinct keys. Keys are
            // below 2^63, so the top bit of `pivot &- key` is `key > pivot`: plain
            // arithmetic where a comparison would compile to a branch.
            var split = low
            for i in low...high {
                let key = keys[i]
                keys[i] = keys[split]
                keys[split] = key
                split &+= Int(truncatingIfNeeded: (pivot &- key) >> 63)
            }
            if target < split { high = split - 1 } else { low = split }
        }
        // Insertion sort (descending) of the short remaining range.
        if high > low {
            for i in (low + 1)...high {
                let key = keys[i]
                var j = i
                while j > low && keys[j - 1] < key {
                    keys[j] = keys[j - 1]
                    j -= 1
                }
                keys[j] = key
            }
        }
        return keys[target]
    }

    @inline(__always)
    static func medianOfThree(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        max(min(a, b), min(max(a, b), c))
    }
}
