import Foundation
import ELSASparse
import _ELSASupport

/// A generator of interaction data with planted segments (a known right answer).
public enum SyntheticData {
    /// Generates users x items interactions with planted structure.
    ///
    /// - Items are dealt to segments in a seeded random order, so every item is
    ///   in exactly one segment and segment sizes differ by at most one.
    /// - Popularity: a seeded random ranking of all items; rank r has weight
    ///   (r + 1)^-popularityExponent.
    /// - Each user gets one segment, and a second distinct one with probability
    ///   `secondSegmentProbability`. Each draw is, with probability
    ///   `noiseFraction`, a uniform item of the whole catalog; otherwise one of
    ///   the user's segments (equally likely), then an item of it by popularity.
    ///   A draw that repeats one of the user's items picks again from the same
    ///   source, up to 32 times, then is given up.
    /// - Users are generated in order from one `SeededGenerator(seed:)`, so the
    ///   result depends on the configuration only.
    /// Users may end up with no interaction only if every draw collided (not
    /// with sane settings); items may have none.
    /// - Precondition: `configuration.problem == nil`.
    public static func generate(_ configuration: SyntheticConfiguration) -> SyntheticDataset {
        if let problem = configuration.problem { preconditionFailure("SyntheticConfiguration: \(problem)") }
        let userCount = configuration.userCount, itemCount = configuration.itemCount
        let segmentCount = configuration.segmentCount
        var generator = SeededGenerator(seed: configuration.seed)

        var dealOrder = Array(0..<itemCount)
        generator.shuffle(&dealOrder)
        var itemSegments = [Int](repeating: 0, count: itemCount)
        for (position, item) in dealOrder.enumerated() { itemSegments[item] = position % segmentCount }

        var popularityOrder = Array(0..<itemCount)
        generator.shuffle(&popularityOrder)
        var weights = [Double](repeating: 0, count: itemCount)
        for (rank, item) in popularityOrder.enumerated() {
            weights[item] = 1 / pow(Double(rank + 1), configuration.popularityExponent)
        }
        // Per segment: its items and their cumulative popularity.
        var segmentMembers = [[Int32]](repeating: [], count: segmentCount)
        for item in 0..<itemCount { segmentMembers[itemSegments[item]].append(Int32(item)) }
        let cumulativeWeights: [[Double]] = segmentMembers.map { members in
            var total = 0.0
            return members.map { total += weights[Int($0)]; return total }
        }

        let lowestCount = max(1, Int((configuration.interactionsPerUser * 0.5).rounded()))
        let highestCount = min(itemCount, max(lowestCount, Int((configuration.interactionsPerUser * 1.5).rounded())))
        var userSegments: [[Int]] = []
        userSegments.reserveCapacity(userCount)
        var rowOffsets = [0]
        rowOffsets.reserveCapacity(userCount + 1)
        var columnIndices: [Int32] = []
        columnIndices.reserveCapacity(Int(Double(userCount) * configuration.interactionsPerUser))
        var ownerStamp = [Int32](repeating: -1, count: itemCount)  // ownerStamp[item] == user: already drawn
        var row: [Int32] = []
        for user in 0..<userCount {
            var segments = [generator.next(below: segmentCount)]
            if segmentCount > 1 && generator.nextUnitDouble() < configuration.secondSegmentProbability {
                var second = generator.next(below: segmentCount - 1)
                if second >= segments[0] { second += 1 }
                segments.append(second)
                segments.sort()
            }
            let draws = lowestCount + generator.next(below: highestCount - lowestCount + 1)
            row.removeAll(keepingCapacity: true)
            for _ in 0..<draws {
                // The source (noise or one of the segments) is chosen once per draw;
                // only the item is retried, so collisions do not shift draws to noise.
                let isNoise = generator.nextUnitDouble() < configuration.noiseFraction
                let segment = segments.count == 1 ? segments[0] : segments[generator.next(below: segments.count)]
                for _ in 0..<32 {
                    let item = isNoise ? generator.next(below: itemCount)
                        : Int(sample(segmentMembers[segment], cumulativeWeights[segment], &generator))
                    if ownerStamp[item] != Int32(user) {
                        ownerStamp[item] = Int32(user)
                        row.append(Int32(item))
                        break
                    }
                }
            }
            row.sort()
            columnIndices.append(contentsOf: row)
            rowOffsets.append(columnIndices.count)
            userSegments.append(segments)
        }
        let interactions = CSRMatrix(rows: userCount, columns: itemCount, rowOffsets: rowOffsets,
                                     columnIndices: columnIndices,
                                     values: [Float](repeating: 1, count: columnIndices.count))
        let dataset = InteractionDataset(interactions: interactions, userIDs: (0..<userCount).map { String($0) },
                                         itemIDs: (0..<itemCount).map { String($0) })
        return SyntheticDataset(dataset: dataset, itemSegments: itemSegments, userSegments: userSegments,
                                configuration: configuration)
    }

    /// An element of `members` drawn with probability proportional to its weight
    /// (`cumulative` holds the running sums), by binary search.
    @inline(__always)
    private static func sample(_ members: [Int32], _ cumulative: [Double], _ generator: inout SeededGenerator) -> Int32 {
        let target = generator.nextUnitDouble() * cumulative[cumulative.count - 1]
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return members[low]
    }
}
