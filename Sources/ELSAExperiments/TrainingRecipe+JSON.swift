import Foundation
import ELSAData
import ELSATraining
import _ELSASupport

/// A JSON key by name, for decoders that take defaults for missing keys and refuse unknown ones.
struct RecipeKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where K == RecipeKey {
    /// The value at `name`, or `fallback` when the key is missing or null.
    func value<T: Decodable>(_ name: String, _ fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: RecipeKey(name)) ?? fallback
    }

    /// The value at `name`, or nil when the key is missing or null.
    func optional<T: Decodable>(_ name: String) throws -> T? {
        try decodeIfPresent(T.self, forKey: RecipeKey(name))
    }

    /// Refuses a key outside `known`: a misspelt field must not fall back to its default unnoticed.
    func refuseUnknownKeys(_ known: [String]) throws {
        for key in allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key],
                                                    debugDescription: "unknown field (known: \(known.joined(separator: ", ")))"))
        }
    }
}

extension TrainingRecipe {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["model", "dimension", "epochs", "seed", "threads", "data", "split", "startFrom", "schedule",
                                 "optimizer", "batch", "activation", "initialization", "preStageStep", "regularizers", "teachers",
                                 "targetStage", "selection", "checkpoint"])
        self.init()
        model = try c.value("model", model)
        dimension = try c.optional("dimension")
        epochs = try c.value("epochs", epochs)
        seed = try c.value("seed", seed)
        threads = try c.optional("threads")
        data = try c.optional("data")
        split = try c.value("split", split)
        startFrom = try c.optional("startFrom")
        schedule = try c.value("schedule", schedule)
        optimizer = try c.value("optimizer", optimizer)
        batch = try c.value("batch", batch)
        activation = try c.value("activation", activation)
        initialization = try c.value("initialization", initialization)
        preStageStep = try c.value("preStageStep", preStageStep)
        regularizers = try c.value("regularizers", regularizers)
        teachers = try c.value("teachers", teachers)
        targetStage = try c.value("targetStage", targetStage)
        selection = try c.value("selection", selection)
        checkpoint = try c.value("checkpoint", checkpoint)
    }
}

extension TrainingRecipe.Split {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["kind", "testUsers"])
        self.init()
        kind = try c.value("kind", kind)
        testUsers = try c.value("testUsers", testUsers)
    }
}

extension TrainingRecipe.Schedule {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["kind", "targetNonzeros", "stages", "restart", "epochsPerStage", "targetEpochs",
                                 "carryOptimizerState", "densePathFraction"])
        self.init()
        kind = try c.value("kind", kind)
        targetNonzeros = try c.value("targetNonzeros", targetNonzeros)
        stages = try c.optional("stages")
        restart = try c.value("restart", restart)
        epochsPerStage = try c.value("epochsPerStage", epochsPerStage)
        targetEpochs = try c.optional("targetEpochs")
        carryOptimizerState = try c.value("carryOptimizerState", carryOptimizerState)
        densePathFraction = try c.optional("densePathFraction")
    }
}

extension TrainingRecipe.Optimizer {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["learningRate", "momentumDecayScale", "resetEpochs"])
        self.init()
        learningRate = try c.optional("learningRate")
        momentumDecayScale = try c.value("momentumDecayScale", momentumDecayScale)
        resetEpochs = try c.value("resetEpochs", resetEpochs)
    }
}

extension TrainingRecipe.Batch {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["size", "outputs"])
        self.init()
        size = try c.value("size", size)
        outputs = try c.optional("outputs")
    }
}

extension TrainingRecipe.Regularizers {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["inputDropout"])
        self.init()
        inputDropout = try c.value("inputDropout", inputDropout)
    }
}

extension TrainingRecipe.Teachers {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["model", "ease", "weight", "targetModel", "targetEase", "targetWeight"])
        self.init()
        model = try c.optional("model")
        ease = try c.optional("ease")
        weight = try c.value("weight", weight)
        targetModel = try c.optional("targetModel")
        targetEase = try c.optional("targetEase")
        targetWeight = try c.optional("targetWeight")
    }
}

extension TrainingRecipe.TargetStage {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["regrowFraction", "regrowBatches", "decayLearningRateTo", "averageLastEpochs"])
        self.init()
        regrowFraction = try c.value("regrowFraction", regrowFraction)
        regrowBatches = try c.value("regrowBatches", regrowBatches)
        decayLearningRateTo = try c.value("decayLearningRateTo", decayLearningRateTo)
        averageLastEpochs = try c.value("averageLastEpochs", averageLastEpochs)
    }
}

extension TrainingRecipe.Selection {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["validationUsers", "keepBest"])
        self.init()
        validationUsers = try c.value("validationUsers", validationUsers)
        keepBest = try c.value("keepBest", keepBest)
    }
}

extension TrainingRecipe.Checkpointing {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["file", "minutes", "forkFrom"])
        self.init()
        file = try c.optional("file")
        minutes = try c.value("minutes", minutes)
        forkFrom = try c.optional("forkFrom")
    }
}

extension DataRecipe {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["path", "format", "minRating", "minUserSupport", "minItemSupport", "kCore", "separator",
                                 "userColumn", "itemColumn", "ratingColumn", "timestampColumn", "header", "userIDs", "itemIDs", "cache", "synthetic"])
        self.init()
        path = try c.value("path", path)
        format = try c.optional("format")
        minRating = try c.value("minRating", minRating)
        minUserSupport = try c.value("minUserSupport", minUserSupport)
        minItemSupport = try c.value("minItemSupport", minItemSupport)
        kCore = try c.value("kCore", kCore)
        separator = try c.value("separator", separator)
        userColumn = try c.value("userColumn", userColumn)
        itemColumn = try c.value("itemColumn", itemColumn)
        ratingColumn = try c.optional("ratingColumn")
        timestampColumn = try c.optional("timestampColumn")
        header = try c.value("header", header)
        userIDs = try c.optional("userIDs")
        itemIDs = try c.optional("itemIDs")
        cache = try c.optional("cache")
        synthetic = try c.optional("synthetic")
    }
}

extension DataRecipe.Synthetic {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RecipeKey.self)
        try c.refuseUnknownKeys(["users", "items", "segments", "interactionsPerUser", "seed"])
        self.init()
        users = try c.value("users", users)
        items = try c.value("items", items)
        segments = try c.value("segments", segments)
        interactionsPerUser = try c.value("interactionsPerUser", interactionsPerUser)
        seed = try c.value("seed", seed)
    }
}

// MARK: - Files

extension TrainingRecipe {
    /// Pretty JSON with sorted keys (fields left at nil are left out).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// One line of JSON with sorted keys, for model-file metadata and checkpoint headers.
    public var compactJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The recipe in `data`: a recipe object, or a report or other object holding one under `recipe`.
    /// - Throws: `RecipeError` naming `file` and the field at fault (its path in the JSON).
    public static func decode(_ data: Data, file: String) throws -> TrainingRecipe {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw RecipeError(field: "(file)", "not valid JSON: \(detail)", file: file)
        }
        guard let dictionary = object as? [String: Any] else { throw RecipeError(field: "(file)", "a recipe is a JSON object", file: file) }
        var body = data
        if let embedded = dictionary["recipe"] {
            guard JSONSerialization.isValidJSONObject(embedded), let inner = try? JSONSerialization.data(withJSONObject: embedded) else {
                throw RecipeError(field: "recipe", "not a recipe object", file: file)
            }
            body = inner
        }
        do {
            return try JSONDecoder().decode(TrainingRecipe.self, from: body)
        } catch let error as DecodingError {
            throw recipeError(error, file: file, nested: dictionary["recipe"] != nil)
        }
    }

    /// Reads the recipe file (or report) at `path`.
    public static func read(from path: String) throws -> TrainingRecipe {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.cannotRead(file: path, reason: "no such file, or it cannot be read")
        }
        return try decode(data, file: path)
    }

    /// Writes the recipe as JSON atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(try jsonData(), to: path)
    }

    private static func recipeError(_ error: DecodingError, file: String, nested: Bool) -> RecipeError {
        func field(_ path: [CodingKey]) -> String {
            let names = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return ((nested ? ["recipe"] : []) + names).joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return RecipeError(field: field(context.codingPath), "expected \(describe(type))", file: file)
        case .valueNotFound(let type, let context):
            return RecipeError(field: field(context.codingPath), "expected \(describe(type)), found null", file: file)
        case .keyNotFound(let key, let context):
            return RecipeError(field: field(context.codingPath + [key]), "missing", file: file)
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // The JSON parsed above: Foundation reports a number that fits no field this way, without a path.
            return RecipeError(field: "(file)", "a number does not fit its field (a fraction where a whole number belongs, "
                               + "or out of range)", file: file)
        case .dataCorrupted(let context):
            return RecipeError(field: field(context.codingPath), context.debugDescription, file: file)
        @unknown default:
            return RecipeError(field: "(file)", "\(error)", file: file)
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "a whole number"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "\(type)"
        }
    }
}
