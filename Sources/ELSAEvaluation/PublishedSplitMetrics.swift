import Foundation
import ELSASparse

/// Metrics as the LightGCN / UltraGCN literature computes them on a published train/test split (weak
/// generalization): every user with test items ranks all items but their training items;
/// Recall@K = |top-K ∩ test| / |test| (not capped by K), NDCG@K with binary relevance,
/// DCG = Σ_{i<K} rel_i / log2(i + 2) over the ideal DCG of min(K, |test|) hits; both averaged over users.
public enum PublishedSplitMetrics {
    /// Recall@K of one user: hits among the first `k` of `ranked` over the number of relevant items.
    public static func recall(ranked: [Int], relevant: Set<Int>, k: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        return Double(ranked.prefix(k).filter { relevant.contains($0) }.count) / Double(relevant.count)
    }

    /// NDCG@K of one user with binary relevance.
    public static func ndcg(ranked: [Int], relevant: Set<Int>, k: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        var dcg = 0.0
        for (position, item) in ranked.prefix(k).enumerated() where relevant.contains(item) { dcg += 1 / log2(Double(position) + 2) }
        var ideal = 0.0
        for position in 0..<min(k, relevant.count) { ideal += 1 / log2(Double(position) + 2) }
        return dcg / ideal
    }

    /// `recall@K` and `ndcg@K` for each K of `cutoffs`, averaged over the users (rows) with at least one test
    /// item; `train` (users x items) is each user's history, never recommended. Also returns the user count.
    /// - Throws: `EvaluationError` when the shapes disagree (see `recommend`).
    public static func evaluate<Model: Recommender>(_ model: Model, train: CSRMatrix, test: CSRMatrix, cutoffs: [Int] = [20],
                                                    threadCount: Int = Evaluator.defaultThreadCount) throws -> (metrics: [String: Double], users: Int) {
        guard train.rows == test.rows, train.columns == test.columns else {
            throw EvaluationError.invalidArgument("train is \(train.rows) x \(train.columns), test \(test.rows) x \(test.columns)")
        }
        let users = (0..<test.rows).filter { test.count(ofRow: $0) > 0 }
        guard !users.isEmpty else { throw EvaluationError.invalidArgument("no user has a test item") }
        let deepest = cutoffs.max() ?? 20
        let lists = try recommend(model, histories: train.selectingRows(users), count: deepest, threadCount: threadCount)
        var metrics: [String: Double] = [:]
        for k in cutoffs {
            var recallSum = 0.0, ndcgSum = 0.0
            for (row, user) in users.enumerated() {
                let relevant = Set(test.columns(ofRow: user).map(Int.init))
                let ranked = lists[row].map(\.item)
                recallSum += recall(ranked: ranked, relevant: relevant, k: k)
                ndcgSum += ndcg(ranked: ranked, relevant: relevant, k: k)
            }
            metrics["recall@\(k)"] = recallSum / Double(users.count)
            metrics["ndcg@\(k)"] = ndcgSum / Double(users.count)
        }
        return (metrics, users.count)
    }
}
