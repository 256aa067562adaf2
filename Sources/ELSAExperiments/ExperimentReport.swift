import Foundation
import ELSAData
import ELSATraining
import _ELSASupport

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
    /// The run's settings; numbers are numbers and booleans booleans (reports written before are strings).
    public var parameters: [String: ReportValue]
    /// The engine's version (`elsa --version`).
    public var version: String?
    /// The command line that wrote the report.
    public var command: [String]?
    /// The machine's BLAS and kernels, as `elsa platform` prints them.
    public var platform: PlatformDescription?
    /// The resolved recipe of a training run: `elsa train --recipe REPORT.json` runs it again.
    public var recipe: TrainingRecipe?
    /// The most memory the process held (resident set, bytes), measured when the report was made.
    public var peakResidentBytes: Int?

    public init(model: String, dataset: String, format: String?, metrics: [String: Double], users: Int, items: Int,
                interactions: Int, testUsers: Int, evaluatedFolds: Int, seconds: Double, evaluationSeconds: Double,
                seed: UInt64, trainSeconds: Double? = nil, bytesPerItem: Int? = nil, dimension: Int? = nil,
                nonzerosPerRow: Int? = nil, epochs: [EpochReport]? = nil, parameters: [String: ReportValue] = [:]) {
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
        self.version = EngineVersion.current
        self.command = CommandLine.arguments.isEmpty ? nil : [URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent]
            + CommandLine.arguments.dropFirst()
        self.platform = PlatformDescription.current
        self.peakResidentBytes = MemoryUsage.peakResidentBytes
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

/// A value in a report's `parameters`: JSON's string, number or boolean.
public enum ReportValue: Codable, Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral,
                         ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A Float as the decimal it was written as (0.1, not 0.10000000149).
    public init(_ value: Float) { self = .double(Double("\(value)") ?? Double(value)) }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }

    /// The value a text stands for: a whole number, a number, true or false, or else the text.
    public init(parsing text: String) {
        if let value = Int(text) { self = .int(value) }
        else if let value = Double(text), value.isFinite, text.first?.isLetter != true { self = .double(value) }
        else if text == "true" || text == "false" { self = .bool(text == "true") }
        else { self = .string(text) }
    }

    /// Text values (model-file metadata, baselines' settings) as typed report values.
    public static func parsing(_ values: [String: String]) -> [String: ReportValue] { values.mapValues(ReportValue.init(parsing:)) }

    /// The value as text (model-file metadata holds strings).
    public var description: String {
        switch self {
        case .string(let value): return value
        case .int(let value): return "\(value)"
        case .double(let value): return "\(value)"
        case .bool(let value): return "\(value)"
        }
    }

    /// The number, when the value is one (or a string holding one, as older reports wrote).
    public var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .string(let value): return Double(value)
        case .bool: return nil
        }
    }
}
