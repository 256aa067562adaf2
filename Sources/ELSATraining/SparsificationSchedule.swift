import Foundation

/// The stages of progressive sparsification: each stage trains `epochs` epochs with
/// `k` nonzeros per item row; at a boundary the new pattern is TopK of the current
/// weights at the new k (SPEC section 3). A plain value: print it before a run.
public struct SparsificationSchedule: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case constant, stepwise, linear, exponential
    }

    public struct Stage: Sendable, Equatable, Codable {
        public var k: Int
        public var epochs: Int
        public init(k: Int, epochs: Int) { self.k = k; self.epochs = epochs }
    }

    public let kind: Kind
    public let dimension: Int
    public let targetNonzeros: Int
    public let stages: [Stage]

    /// Total epochs over all stages.
    public var totalEpochs: Int { stages.reduce(0) { $0 + $1.epochs } }

    /// Errors in schedule parameters.
    public struct InvalidSchedule: Error, CustomStringConvertible {
        public let description: String
    }

    /// One stage at the target from the start (the mask is TopK of the initialization).
    public static func constant(dimension: Int, targetNonzeros: Int, epochs: Int) throws -> SparsificationSchedule {
        try check(dimension, targetNonzeros, epochs)
        return SparsificationSchedule(kind: .constant, dimension: dimension, targetNonzeros: targetNonzeros,
                                      stages: [Stage(k: targetNonzeros, epochs: epochs)])
    }

    /// The given k values, `epochsPerStage` epochs each; the target is appended when the list does not end there.
    public static func stepwise(dimension: Int, targetNonzeros: Int, stages ks: [Int], epochsPerStage: Int) throws -> SparsificationSchedule {
        try check(dimension, targetNonzeros, epochsPerStage)
        var list = ks
        if list.last != targetNonzeros { list.append(targetNonzeros) }
        for (index, k) in list.enumerated() {
            guard k >= targetNonzeros && k <= dimension else {
                throw InvalidSchedule(description: "stage \(index) has k = \(k), outside \(targetNonzeros)...\(dimension)")
            }
            if index > 0 && k >= list[index - 1] {
                throw InvalidSchedule(description: "stage k values must decrease, got \(list[index - 1]) then \(k)")
            }
        }
        return SparsificationSchedule(kind: .stepwise, dimension: dimension, targetNonzeros: targetNonzeros,
                                      stages: list.map { Stage(k: $0, epochs: epochsPerStage) })
    }

    /// One epoch per stage with k falling linearly from d to the target over E·(L−1) stages,
    /// then E epochs at the target. L defaults to log2(d / target) rounded up, so that the run
    /// has as many epochs as the exponential schedule's.
    public static func linear(dimension: Int, targetNonzeros: Int, epochsPerStage: Int, levels: Int? = nil) throws -> SparsificationSchedule {
        try check(dimension, targetNonzeros, epochsPerStage)
        let l = levels ?? max(1, Int(ceil(log2(Double(dimension) / Double(targetNonzeros)))))
        let steps = epochsPerStage * (l - 1)
        var stages: [Stage] = []
        for j in 0..<steps {
            let k = dimension - Int((Double(dimension - targetNonzeros) * Double(j) / Double(steps)).rounded(.down))
            if k > targetNonzeros && stages.last?.k != k { stages.append(Stage(k: k, epochs: 1)) }
        }
        stages.append(Stage(k: targetNonzeros, epochs: epochsPerStage))
        return SparsificationSchedule(kind: .linear, dimension: dimension, targetNonzeros: targetNonzeros, stages: stages)
    }

    /// The paper's schedule: stage 0 at k = d, stage i >= 1 at k_i = floor(d / 2^(i/E + 1)), one epoch
    /// each while k_i is above the target, then E epochs at the target.
    public static func exponential(dimension: Int, targetNonzeros: Int, epochsPerStage: Int) throws -> SparsificationSchedule {
        try check(dimension, targetNonzeros, epochsPerStage)
        var stages = [Stage(k: dimension, epochs: 1)]
        var i = 1
        while true {
            let k = Int((Double(dimension) / pow(2, Double(i) / Double(epochsPerStage) + 1)).rounded(.down))
            if k <= targetNonzeros { break }
            stages.append(Stage(k: k, epochs: 1))
            i += 1
        }
        if dimension == targetNonzeros { stages.removeAll() }
        stages.append(Stage(k: targetNonzeros, epochs: epochsPerStage))
        return SparsificationSchedule(kind: .exponential, dimension: dimension, targetNonzeros: targetNonzeros, stages: stages)
    }

    /// The same stages with `epochs` epochs at the target (the last stage) instead of E: sparse
    /// epochs at small k are cheap, so a run can afford to train the final pattern longer.
    public func withTargetEpochs(_ epochs: Int) throws -> SparsificationSchedule {
        guard epochs >= 1 && epochs <= Self.maximumEpochs else {
            throw InvalidSchedule(description: "epochs at the target must be in 1...\(Self.maximumEpochs), got \(epochs)")
        }
        var list = stages
        list[list.count - 1].epochs = epochs
        return SparsificationSchedule(kind: kind, dimension: dimension, targetNonzeros: targetNonzeros, stages: list)
    }

    /// Builds a schedule of `kind` (the step list is used only by `.stepwise`); `targetEpochs`, when
    /// given, replaces the epochs of the last stage (see `withTargetEpochs(_:)`).
    public static func make(_ kind: Kind, dimension: Int, targetNonzeros: Int, epochsPerStage: Int,
                            stepwiseStages: [Int] = [], targetEpochs: Int? = nil) throws -> SparsificationSchedule {
        let plan = try make(kind, dimension: dimension, targetNonzeros: targetNonzeros, epochsPerStage: epochsPerStage,
                            stepwiseStages: stepwiseStages)
        return try targetEpochs.map { try plan.withTargetEpochs($0) } ?? plan
    }

    private static func make(_ kind: Kind, dimension: Int, targetNonzeros: Int, epochsPerStage: Int,
                             stepwiseStages: [Int]) throws -> SparsificationSchedule {
        switch kind {
        case .constant: return try constant(dimension: dimension, targetNonzeros: targetNonzeros, epochs: epochsPerStage)
        case .stepwise:
            var list = stepwiseStages
            if list.isEmpty {
                // Default: halve from d to the target.
                var k = dimension
                while k > targetNonzeros { list.append(k); k /= 2 }
            }
            return try stepwise(dimension: dimension, targetNonzeros: targetNonzeros, stages: list, epochsPerStage: epochsPerStage)
        case .linear: return try linear(dimension: dimension, targetNonzeros: targetNonzeros, epochsPerStage: epochsPerStage)
        case .exponential: return try exponential(dimension: dimension, targetNonzeros: targetNonzeros, epochsPerStage: epochsPerStage)
        }
    }

    /// The largest dimension and epoch counts a schedule accepts: far beyond any real run, small enough that
    /// a mistyped value is refused at once instead of planning (and allocating) billions of stages.
    public static let maximumDimension = 1 << 20
    public static let maximumEpochs = 10_000

    private static func check(_ dimension: Int, _ target: Int, _ epochs: Int) throws {
        guard dimension >= 1 else { throw InvalidSchedule(description: "dimension must be at least 1, got \(dimension)") }
        guard dimension <= maximumDimension else {
            throw InvalidSchedule(description: "dimension must be at most \(maximumDimension), got \(dimension)")
        }
        guard epochs <= maximumEpochs else {
            throw InvalidSchedule(description: "epochs per stage must be at most \(maximumEpochs), got \(epochs)")
        }
        guard target >= 1 && target <= dimension else {
            throw InvalidSchedule(description: "target nonzeros must be in 1...\(dimension), got \(target)")
        }
        guard epochs >= 1 else { throw InvalidSchedule(description: "epochs per stage must be at least 1, got \(epochs)") }
    }

    /// One line per run of equal-length stages, e.g. `stages 1-9: k 1910 ... 1100, 1 epoch each`.
    public var description: String {
        var lines = ["\(kind.rawValue) schedule, d = \(dimension), target k = \(targetNonzeros): \(stages.count) stages, \(totalEpochs) epochs"]
        lines.append("stage  k      epochs  bytes/item")
        for (index, stage) in stages.enumerated() {
            lines.append(String(format: "%5d  %5d  %6d  %10d", index, stage.k, stage.epochs, min(8 * stage.k, 4 * dimension)))
        }
        return lines.joined(separator: "\n")
    }
}
