/// A named ranking metric at a cutoff: `recall@K` or `ndcg@K` (SPEC §5).
public enum RankingMetric: Hashable, Sendable, CustomStringConvertible {
    /// Recall@K = hits in the top K / min(K, |target|).
    case recall(at: Int)
    /// NDCG@K, normalized by the ideal DCG of min(K, |target|) hits.
    case ndcg(at: Int)

    /// The protocol's metrics: recall@20, recall@50, ndcg@100.
    public static let defaults: [RankingMetric] = [.recall(at: 20), .recall(at: 50), .ndcg(at: 100)]

    /// The cutoff K.
    public var cutoff: Int {
        switch self {
        case .recall(let cutoff), .ndcg(let cutoff): return cutoff
        }
    }

    /// The key in ``EvaluationResult/metrics``: "recall@20", "ndcg@100", ...
    public var description: String {
        switch self {
        case .recall(let cutoff): return "recall@\(cutoff)"
        case .ndcg(let cutoff): return "ndcg@\(cutoff)"
        }
    }

    /// Parses "recall@K" or "ndcg@K" (K a positive integer; the name is case-insensitive).
    /// - Throws: `EvaluationError.unknownMetric` for anything else.
    public init(name: String) throws {
        let parts = name.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let cutoff = Int(parts[1]), cutoff >= 1 else {
            throw EvaluationError.unknownMetric(name)
        }
        switch parts[0].lowercased() {
        case "recall": self = .recall(at: cutoff)
        case "ndcg": self = .ndcg(at: cutoff)
        default: throw EvaluationError.unknownMetric(name)
        }
    }

    /// The metric of one ranked list (best first) against a non-empty target set.
    /// - Precondition: the cutoff is >= 1 and `target` is non-empty.
    public func value<Ranked: Sequence>(ranked: Ranked, target: Set<Int>) -> Double where Ranked.Element == Int {
        switch self {
        case .recall(let cutoff): return RankingMetrics.recall(ranked: ranked, target: target, cutoff: cutoff)
        case .ndcg(let cutoff): return RankingMetrics.ndcg(ranked: ranked, target: target, cutoff: cutoff)
        }
    }

    /// The metric from hit flags of a ranked list (see ``RankingMetrics``).
    func value(hits: UnsafeBufferPointer<Bool>, targetCount: Int) -> Double {
        switch self {
        case .recall(let cutoff): return RankingMetrics.recall(hits: hits, targetCount: targetCount, cutoff: cutoff)
        case .ndcg(let cutoff): return RankingMetrics.ndcg(hits: hits, targetCount: targetCount, cutoff: cutoff)
        }
    }
}
