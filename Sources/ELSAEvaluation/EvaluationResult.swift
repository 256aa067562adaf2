/// Averaged ranking metrics of one evaluation run.
public struct EvaluationResult: Sendable, Equatable, CustomStringConvertible {
    /// Mean over the evaluated (user, fold) rows, keyed by metric name: "recall@20", "ndcg@100", ...
    public var metrics: [String: Double]
    /// Number of (user, fold) rows the means are taken over.
    public var evaluatedCount: Int
    /// Wall-clock seconds of the run (scoring, selection and metrics).
    public var seconds: Double

    public init(metrics: [String: Double], evaluatedCount: Int, seconds: Double) {
        self.metrics = metrics
        self.evaluatedCount = evaluatedCount
        self.seconds = seconds
    }

    /// The mean of `metric`, or nil if it was not computed.
    public subscript(metric: RankingMetric) -> Double? { metrics[metric.description] }

    /// "ndcg@100=0.41230 recall@20=0.35012 ... over N (user, fold) rows in S s", names sorted.
    public var description: String {
        let values = metrics.keys.sorted().map { name in
            let value = metrics[name]!
            let scaled = (value * 100_000).rounded() / 100_000
            return "\(name)=\(scaled)"
        }
        return values.joined(separator: " ") + " over \(evaluatedCount) (user, fold) rows in \(seconds) s"
    }
}
