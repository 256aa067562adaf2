import _ELSASupport

/// Genre purity of item groups: the fraction of a group's items that have the group's most
/// common genre (items may have several genres; an item without genres never counts).
public enum GenrePurity {
    /// Purity of one group; 0 for an empty group or one whose items have no genres.
    /// - Parameter genres: the genres of every item, by item index.
    /// - Precondition: every item is an index of `genres`.
    public static func purity(of items: [Int], genres: [[String]]) -> Double {
        guard !items.isEmpty else { return 0 }
        var counts = [String: Int]()
        for item in items {
            for genre in Set(genres[item]) { counts[genre, default: 0] += 1 }
        }
        return Double(counts.values.max() ?? 0) / Double(items.count)
    }

    /// The most common genre of a group (ties: alphabetically first), nil when no item has a genre.
    public static func mostCommonGenre(of items: [Int], genres: [[String]]) -> String? {
        var counts = [String: Int]()
        for item in items { for genre in Set(genres[item]) { counts[genre, default: 0] += 1 } }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }

    /// The unweighted mean purity of `groups` (0 for no groups).
    public static func meanPurity(of groups: [[Int]], genres: [[String]]) -> Double {
        guard !groups.isEmpty else { return 0 }
        return groups.reduce(0) { $0 + purity(of: $1, genres: genres) } / Double(groups.count)
    }

    /// The mean purity of random groups with the given sizes, for each of `repetitions` draws:
    /// draw r shuffles `population` with `SeededGenerator(seed: seed, stream: r)` and cuts it into
    /// consecutive groups of `sizes` (without replacement within a draw).
    /// - Precondition: the sizes sum to at most `population.count`; `repetitions >= 1`.
    public static func randomPurities(sizes: [Int], population: [Int], genres: [[String]], seed: UInt64,
                                      repetitions: Int = 10) -> [Double] {
        let total = sizes.reduce(0, +)
        precondition(total <= population.count, "groups of \(total) items in total from \(population.count) items")
        precondition(repetitions >= 1, "repetitions must be at least 1, got \(repetitions)")
        return (0..<repetitions).map { repetition in
            var generator = SeededGenerator(seed: seed, stream: UInt64(repetition))
            var shuffled = population
            generator.shuffle(&shuffled)
            var start = 0
            var groups: [[Int]] = []
            for size in sizes {
                groups.append(Array(shuffled[start..<(start + size)]))
                start += size
            }
            return meanPurity(of: groups, genres: genres)
        }
    }
}
