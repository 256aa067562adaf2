#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Recall@K and NDCG@K of one ranked list against one target set (SPEC §5).
///
/// These see only the ranking and the truth, never a model. The ranked list is
/// best first, without duplicates; only its first K entries count, and a list
/// shorter than K simply has fewer chances to hit. Both metrics are calibrated:
/// with |target| < K a perfect ranking still scores 1.
public enum RankingMetrics {
    /// Recall@K = hits in the top K / min(K, |target|).
    /// - Precondition: `cutoff >= 1`, `target` is non-empty.
    public static func recall<Ranked: Sequence>(ranked: Ranked, target: Set<Int>, cutoff: Int) -> Double
        where Ranked.Element == Int {
        checkArguments(cutoff: cutoff, targetCount: target.count)
        return recall(hits: hitFlags(ranked: ranked, target: target, cutoff: cutoff), targetCount: target.count,
                      cutoff: cutoff)
    }

    /// NDCG@K = sum over hits at 1-based rank r <= K of 1/log2(r + 1), divided by
    /// sum_{i = 1 ... min(K, |target|)} 1/log2(i + 1).
    /// - Precondition: `cutoff >= 1`, `target` is non-empty.
    public static func ndcg<Ranked: Sequence>(ranked: Ranked, target: Set<Int>, cutoff: Int) -> Double
        where Ranked.Element == Int {
        checkArguments(cutoff: cutoff, targetCount: target.count)
        return ndcg(hits: hitFlags(ranked: ranked, target: target, cutoff: cutoff), targetCount: target.count,
                    cutoff: cutoff)
    }

    /// The discount of 1-based rank `rank`: 1 / log2(rank + 1).
    @inline(__always)
    public static func discount(rank: Int) -> Double { 1 / log2(Double(rank + 1)) }

    // MARK: - Kernels on hit flags (shared with the evaluator)

    /// Recall from `hits[i]` = "the item at 0-based position i is in the target";
    /// positions at or past `cutoff` are ignored.
    static func recall<Hits: RandomAccessCollection>(hits: Hits, targetCount: Int, cutoff: Int) -> Double
        where Hits.Element == Bool, Hits.Index == Int {
        var hitCount = 0
        for position in hits.startIndex..<(hits.startIndex + min(cutoff, hits.count)) where hits[position] {
            hitCount += 1
        }
        return Double(hitCount) / Double(min(cutoff, targetCount))
    }

    /// NDCG from hit flags (as for ``recall(hits:targetCount:cutoff:)``).
    static func ndcg<Hits: RandomAccessCollection>(hits: Hits, targetCount: Int, cutoff: Int) -> Double
        where Hits.Element == Bool, Hits.Index == Int {
        var gain = 0.0
        for position in hits.startIndex..<(hits.startIndex + min(cutoff, hits.count)) where hits[position] {
            gain += discount(rank: position - hits.startIndex + 1)
        }
        var ideal = 0.0
        for rank in 1...min(cutoff, targetCount) { ideal += discount(rank: rank) }
        return gain / ideal
    }

    private static func hitFlags<Ranked: Sequence>(ranked: Ranked, target: Set<Int>, cutoff: Int) -> [Bool]
        where Ranked.Element == Int {
        ranked.prefix(cutoff).map { target.contains($0) }
    }

    private static func checkArguments(cutoff: Int, targetCount: Int) {
        precondition(cutoff >= 1, "a ranking metric needs a cutoff K >= 1, got \(cutoff)")
        precondition(targetCount >= 1, "a ranking metric needs a non-empty target set, got an empty one")
    }
}
