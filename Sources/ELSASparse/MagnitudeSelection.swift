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
    /// and returns it (a quickselect with median-of-three pivots that falls
    /// back to sorting the remaining range after `2 log2(count)` rounds, so the
    /// worst case stays `O(count log count)`).
    /// - Precondition: `1 <= k <= count`; keys are distinct.
    static func kthLargest(_ keys: UnsafeMutablePointer<UInt64>, count: Int, k: Int) -> UInt64 {
        precondition(k >= 1 && k <= count, "selection needs 1 <= k <= count, got k = \(k), count = \(count)")
        let target = k - 1
        var low = 0
        var high = count - 1
        var roundsLeft = 2 * (Int.bitWidth - count.leadingZeroBitCount) + 4
        while high > low {
            if roundsLeft == 0 {
                var remaining = UnsafeMutableBufferPointer(start: keys + low, count: high - low + 1)
                remaining.sort(by: >)
                break
            }
            roundsLeft -= 1
            let middle = low + (high - low) / 2
            let pivot = medianOfThree(keys[low], keys[middle], keys[high])
            var i = low
            var j = high
            while i <= j {
                while keys[i] > pivot { i += 1 }
                while keys[j] < pivot { j -= 1 }
                if i <= j {
                    let swapped = keys[i]; keys[i] = keys[j]; keys[j] = swapped
                    i += 1
                    j -= 1
                }
            }
            // Now keys[low...j] >= pivot >= keys[i...high]; anything between equals the pivot.
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                break
            }
        }
        return keys[target]
    }

    @inline(__always)
    static func medianOfThree(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        max(min(a, b), min(max(a, b), c))
    }
}
