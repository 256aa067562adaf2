/// Union-find over signed-latent slots that refuses unions putting both signs of one
/// latent into one component. Deterministic: the result depends on the order of `unite` calls.
struct SignConsistentMerger {
    private var parent: [Int: Int] = [:]
    /// For each root: its latents and their sign (as slot parity: 0 positive, 1 negative).
    private var signs: [Int: [Int: Int]] = [:]

    init(slots: [Int]) {
        for slot in slots {
            parent[slot] = slot
            signs[slot] = [slot / 2: slot % 2]
        }
    }

    mutating func root(_ slot: Int) -> Int {
        var current = slot
        while parent[current]! != current { current = parent[current]! }
        var walker = slot
        while parent[walker]! != current { let next = parent[walker]!; parent[walker] = current; walker = next }
        return current
    }

    /// Unites the components of `a` and `b`; returns false (and changes nothing) when they
    /// share a latent with opposite signs. The root with the lower slot survives.
    @discardableResult
    mutating func unite(_ a: Int, _ b: Int) -> Bool {
        let rootA = root(a), rootB = root(b)
        if rootA == rootB { return true }
        let keep = min(rootA, rootB), drop = max(rootA, rootB)
        let kept = signs[keep]!, dropped = signs[drop]!
        for (latent, parity) in dropped where kept[latent].map({ $0 != parity }) ?? false { return false }
        parent[drop] = keep
        signs[keep] = kept.merging(dropped) { first, _ in first }
        signs[drop] = nil
        return true
    }

    /// Every component as its sorted slots, components ordered by their lowest slot.
    mutating func components() -> [[Int]] {
        var byRoot = [Int: [Int]]()
        for slot in parent.keys.sorted() { byRoot[root(slot), default: []].append(slot) }
        return byRoot.values.sorted { $0[0] < $1[0] }
    }
}
