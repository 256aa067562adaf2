import Foundation
import ELSATraining

/// Predicts the seconds of the epochs a sparse run has left from the epochs it has run, for the
/// ETA of a study's progress lines. A run of a progressive schedule starts with its most
/// expensive epochs, so the mean epoch so far overstates the rest several times over.
///
/// Epochs on the dense path (k = d, or k above the dense-path switch) cost about the same; an
/// epoch on the sparse path costs about `a + b·k` (the n_out·k·b kernels plus a part that does
/// not shrink with k), fitted by least squares through the sparse epochs seen so far, or scaled
/// in proportion to k while only one k has been seen, or, before any, the dense epoch scaled by
/// k over the switch point.
struct EpochTimeModel {
    let dimension: Int
    let densePathFraction: Double
    private var denseSeconds: [Double] = []
    private var sparseSamples: [(k: Double, seconds: Double)] = []

    init(dimension: Int, densePathFraction: Double) {
        self.dimension = dimension
        self.densePathFraction = densePathFraction
    }

    func runsDense(_ k: Int) -> Bool { k >= dimension || Double(k) > densePathFraction * Double(dimension) }

    mutating func observe(k: Int, seconds: Double) {
        if runsDense(k) { denseSeconds.append(seconds) } else { sparseSamples.append((Double(k), seconds)) }
    }

    /// The predicted seconds of one epoch at `k`, or nil when no epoch seen so far says anything about it
    /// (the caller then falls back to the mean epoch, an upper bound).
    func predict(k: Int) -> Double? {
        if runsDense(k) {
            return denseSeconds.isEmpty ? nil : denseSeconds.reduce(0, +) / Double(denseSeconds.count)
        }
        guard let latest = sparseSamples.last else {
            // Before the first sparse epoch: the dense-path switch was measured where a sparse epoch costs
            // as much as a dense one, and below it the sparse cost falls about in proportion to k, so the
            // dense mean is scaled by k / switch (k/d would be far too low: the sparse kernels run below
            // sgemm's speed). A rough prior, replaced as soon as a sparse epoch has been timed.
            guard !denseSeconds.isEmpty, densePathFraction > 0 else { return nil }
            let switchK = densePathFraction * Double(dimension)
            return denseSeconds.reduce(0, +) / Double(denseSeconds.count) * min(1, Double(k) / switchK)
        }
        let n = Double(sparseSamples.count)
        let meanK = sparseSamples.reduce(0) { $0 + $1.k } / n
        let meanSeconds = sparseSamples.reduce(0) { $0 + $1.seconds } / n
        let spread = sparseSamples.reduce(0) { $0 + ($1.k - meanK) * ($1.k - meanK) }
        if spread > 0 {
            let slope = max(0, sparseSamples.reduce(0) { $0 + ($1.k - meanK) * ($1.seconds - meanSeconds) } / spread)
            let intercept = max(0, meanSeconds - slope * meanK)
            return intercept + slope * Double(k)
        }
        return latest.seconds * Double(k) / latest.k
    }
}

/// Counts the epochs of a run and predicts the seconds it has left, for progress lines
/// (`elsa bench` and `elsa train`).
public struct RunETA: Sendable {
    public let totalEpochs: Int
    public private(set) var epochsDone = 0
    /// Epochs still to run, by k.
    private var remainingKs: [Int: Int] = [:]
    private var model: EpochTimeModel?
    /// Seconds of the epochs counted by `restore`.
    public private(set) var restoredSeconds = 0.0
    /// Validation evaluations still to come; once one has been timed (`evaluated(seconds:)`), the time
    /// left includes them at the mean evaluation's seconds (a planned run's epochs do not include them).
    public private(set) var evaluationsLeft = 0
    private var evaluationSeconds = 0.0
    private var evaluationsTimed = 0

    /// A run of `totalEpochs` epochs that cost about the same: the mean epoch so far times the epochs left.
    public init(totalEpochs: Int) {
        self.totalEpochs = totalEpochs
    }

    /// A run whose epochs run at `plannedKs`, in any order (d for dense epochs): each epoch left is
    /// predicted by its k (`EpochTimeModel`), falling back to the mean epoch while no epoch seen says
    /// anything about it. `evaluations`: how many of those epochs will be followed by a validation evaluation.
    public init(plannedKs: [Int], dimension: Int, densePathFraction: Double, evaluations: Int = 0) {
        self.init(totalEpochs: plannedKs.count)
        evaluationsLeft = evaluations
        for k in plannedKs { remainingKs[k, default: 0] += 1 }
        model = EpochTimeModel(dimension: dimension, densePathFraction: densePathFraction)
    }

    /// Seconds left after an epoch at `k` that took `seconds`, `elapsed` since the start of the run.
    public mutating func secondsLeft(afterEpochAt k: Int, seconds: Double, elapsed: Double) -> Double {
        epochsDone += 1
        let meanEstimate = totalEpochs > epochsDone ? elapsed / Double(epochsDone) * Double(totalEpochs - epochsDone) : 0
        guard var model else { return meanEstimate }
        model.observe(k: k, seconds: seconds)
        self.model = model
        if let left = remainingKs[k] { remainingKs[k] = left > 1 ? left - 1 : nil }
        var total = evaluationsTimed > 0 ? evaluationSeconds / Double(evaluationsTimed) * Double(evaluationsLeft) : 0
        for (k, count) in remainingKs {
            guard let predicted = model.predict(k: k) else { return meanEstimate }
            total += predicted * Double(count)
        }
        return total
    }

    /// Counts a validation evaluation that took `seconds` (call it before the epoch's `secondsLeft`).
    public mutating func evaluated(seconds: Double) {
        evaluationsTimed += 1
        evaluationSeconds += seconds
        evaluationsLeft = max(0, evaluationsLeft - 1)
    }

    /// Counts the epochs a resumed run trained before its checkpoint as done (and as observations
    /// of the time model; their evaluations as done, untimed).
    public mutating func restore(_ reports: [EpochReport]) {
        for report in reports {
            if report.validation != nil { evaluationsLeft = max(0, evaluationsLeft - 1) }
            restoredSeconds += report.seconds
            _ = secondsLeft(afterEpochAt: report.k, seconds: report.seconds, elapsed: restoredSeconds)
        }
    }

    /// `1h05m` or `4m10s`.
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
