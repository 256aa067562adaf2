import ELSASparse
import _ELSASupport

/// Chooses a batch's output columns: the items of the batch plus uniformly drawn negatives.
public enum OutputSampler {
    /// The output items for a batch whose users interacted with `batchItems` (distinct).
    ///
    /// With `maxOutput >= itemCount` every item is an output (no sampling). Otherwise the
    /// outputs are the batch items plus `max(1, maxOutput − |batchItems|)` distinct negatives
    /// drawn uniformly from the other items (the authors draw with replacement; distinct
    /// draws keep every output column once in the loss). Outputs come sorted by item.
    public static func outputs(batchItems: [Int32], itemCount: Int, maxOutput: Int,
                               generator: inout SeededGenerator) -> OutputItemSelection {
        if maxOutput >= itemCount { return OutputItemSelection(allItemsOf: itemCount) }
        var chosen = [Bool](repeating: false, count: itemCount)
        for item in batchItems { chosen[Int(item)] = true }
        let available = itemCount - batchItems.count
        let wanted = min(available, max(1, maxOutput - batchItems.count))
        var items = batchItems
        if wanted * 2 > available {
            // Dense case: a partial shuffle of the remaining items.
            var rest = (0..<itemCount).filter { !chosen[$0] }.map { Int32($0) }
            for i in 0..<wanted {
                let j = i + generator.next(below: rest.count - i)
                rest.swapAt(i, j)
            }
            items.append(contentsOf: rest[0..<wanted])
        } else {
            var drawn = 0
            while drawn < wanted {
                let item = generator.next(below: itemCount)
                if !chosen[item] { chosen[item] = true; items.append(Int32(item)); drawn += 1 }
            }
        }
        items.sort()
        return OutputItemSelection(items: items, itemCount: itemCount)
    }
}
