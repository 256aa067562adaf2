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
