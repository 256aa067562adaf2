import Foundation
import ELSAData
import ELSATraining

/// The JSON report of `elsa evaluate` and `elsa train`. Keys are a contract with users' scripts.
public struct ExperimentReport: Codable, Sendable, Equatable {
    public var model: String
    public var dataset: String
    public var format: String?
    /// `recall@20`, `recall@50`, `ndcg@100`, ...
    public var metrics: [String: Double]
    public var users: Int
    public var items: Int
    public var interactions: Int
    public var testUsers: Int
    /// Evaluated (user, fold) pairs.
    public var evaluatedFolds: Int
    /// Wall-clock seconds of the whole command.
    public var seconds: Double
    public var evaluationSeconds: Double
    public var seed: UInt64
    public var trainSeconds: Double?
    public var bytesPerItem: Int?
    public var dimension: Int?
    public var nonzerosPerRow: Int?
    public var epochs: [EpochReport]?
    /// Users held out of training to validate on (their metrics are in `epochs[i].validation`).
    public var validationUsers: Int?
    /// The epoch whose model was kept (`--keep-best`: the best validation Recall@20).
    public var selectedEpoch: Int?
    public var parameters: [String: String]

    public init(model: String, dataset: String, format: String?, metrics: [String: Double], users: Int, items: Int,
                interactions: Int, testUsers: Int, evaluatedFolds: Int, seconds: Double, evaluationSeconds: Double,
                seed: UInt64, trainSeconds: Double? = nil, bytesPerItem: Int? = nil, dimension: Int? = nil,
                nonzerosPerRow: Int? = nil, epochs: [EpochReport]? = nil, parameters: [String: String] = [:]) {
        self.model = model
        self.dataset = dataset
        self.format = format
        self.metrics = metrics
        self.users = users
        self.items = items
        self.interactions = interactions
        self.testUsers = testUsers
        self.evaluatedFolds = evaluatedFolds
        self.seconds = seconds
        self.evaluationSeconds = evaluationSeconds
        self.seed = seed
        self.trainSeconds = trainSeconds
        self.bytesPerItem = bytesPerItem
        self.dimension = dimension
        self.nonzerosPerRow = nonzerosPerRow
        self.epochs = epochs
        self.parameters = parameters
    }

    /// Pretty JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes the JSON atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try AtomicFile.write(try jsonData(), to: path)
    }

    /// The metrics as an aligned text table.
    public var metricsTable: String {
        let keys = metrics.keys.sorted { lhs, rhs in
            let order = ["recall@20", "recall@50", "ndcg@100"]
            let li = order.firstIndex(of: lhs) ?? 99, ri = order.firstIndex(of: rhs) ?? 99
            return li != ri ? li < ri : lhs < rhs
        }
        var lines = ["metric       value"]
        for key in keys { lines.append(key.padding(toLength: 12, withPad: " ", startingAt: 0) + " " + String(format: "%.4f", metrics[key]!)) }
        return lines.joined(separator: "\n")
    }
}
