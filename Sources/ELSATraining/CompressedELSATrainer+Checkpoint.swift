import Foundation
import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// Why a checkpoint cannot be resumed. Each case names the file.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint is intact but belongs to another run (data, configuration or schedule).
    case otherRun(file: String, reason: String)
    /// The checkpoint's contents are inconsistent (a damaged file the checksum did not catch, or a bug).
    case corrupt(file: String, reason: String)

    public var description: String {
        switch self {
        case .otherRun(let file, let reason): return "\(file): checkpoint of another run: \(reason)"
        case .corrupt(let file, let reason): return "\(file): corrupt checkpoint: \(reason)"
        }
    }
}

/// Checkpoints: the whole state of a trainer between two stages (weights, mask, pattern,
/// optimizer moments and step counter, history), so an interrupted schedule continues where
/// it stopped. A resumed trainer gives the same results as one never interrupted, bit for bit
/// (epochs shuffle by seed and epoch number; the restored history keeps the numbering).
///
/// The file is a `SectionFile` ("ELSACKPT", version 1): a JSON header, then seven sections
/// (weight values, sparse column indices, dense mask, pattern indices, pattern values,
/// momentum, velocity; unused ones empty). At d = 4096 on 25k items a checkpoint taken
/// during a dense-path stage holds about 1.5 GB; one taken at k = 128 about 80 MB.
extension CompressedELSATrainer {
    static let checkpointMagic = "ELSACKPT"
    static let checkpointVersion: UInt32 = 1

    struct CheckpointHeader: CheckpointIdentity {
        struct StageRecord: Codable { var k: Int; var dense: Bool; var seconds: Double }
        /// The caller's description of the run (data, split, ...), compared on resume.
        var run: String
        var configuration: TrainingConfiguration
        /// The schedule's stages run so far.
        var stagesRun: [SparsificationSchedule.Stage]
        var restart: Bool
        var carryOptimizerState: Bool
        var densePathFraction: Double
        var itemCount: Int
        var dimension: Int
        var history: [EpochReport]
        var stageLog: [StageRecord]
        /// "dense" or "sparse".
        var weights: String
        var sparseNonzerosPerRow: Int?
        var hasMask: Bool
        var patternNonzerosPerRow: Int?
        var optimizer: NadamConfiguration
        var optimizerIterations: Int
        var optimizerMomentumProduct: Double
        /// The regrowth the stages run so far trained with (nil: none). Absent from checkpoints
        /// written before regrowth existed, which decode it as nil.
        var regrowth: PatternRegrowth?
        /// The learning-rate decay within the stages run so far (nil: none; absent from older checkpoints).
        var learningRateDecay: StageLearningRateDecay?
        /// The weight averaging within the stages run so far (nil: none; absent from older checkpoints).
        var weightAveraging: StageWeightAveraging?
        /// The recipe of the run that wrote the checkpoint (JSON), for the reader; not compared on resume.
        var recipe: String?
    }

    /// Writes the trainer's state to `path` atomically. `run` describes what the trainer
    /// trains on (data, split); `resume` refuses a checkpoint whose `run` differs.
    /// - Throws: `DataError.cannotWrite` naming `path`.
    /// `recipe`: the run's recipe as JSON, kept in the header for whoever reads the file.
    public func writeCheckpoint(to path: String, run: String, recipe: String? = nil) throws {
        let values: [Float], sparseIndices: [Int32], mask: [UInt8]
        var sparseK: Int?
        switch weights {
        case .dense(let matrix, let storedMask):
            values = matrix.storage
            sparseIndices = []
            mask = storedMask ?? []
        case .sparse(let embedding):
            values = embedding.values
            sparseIndices = embedding.columnIndices
            mask = []
            sparseK = embedding.nonzerosPerRow
        }
        let header = CheckpointHeader(
            run: run, configuration: configuration, stagesRun: Array(schedule.stages.prefix(stagesDone)), restart: restart,
            carryOptimizerState: carryOptimizerState, densePathFraction: densePathFraction, itemCount: itemCount,
            dimension: dimension, history: history,
            stageLog: stageLog.map { CheckpointHeader.StageRecord(k: $0.k, dense: $0.dense, seconds: $0.seconds) },
            weights: sparseK == nil ? "dense" : "sparse", sparseNonzerosPerRow: sparseK, hasMask: !mask.isEmpty,
            patternNonzerosPerRow: pattern?.nonzerosPerRow, optimizer: optimizer.configuration,
            optimizerIterations: optimizer.iterations, optimizerMomentumProduct: optimizer.momentumProduct,
            regrowth: regrowth, learningRateDecay: learningRateDecay, weightAveraging: weightAveraging, recipe: recipe)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        let patternIndices = pattern?.columnIndices ?? []
        let patternValues = pattern?.values ?? []
        let momentum = optimizer.momentum, velocity = optimizer.velocity
        try values.withUnsafeBytes { v in
        try sparseIndices.withUnsafeBytes { s in
        try mask.withUnsafeBytes { m in
        try patternIndices.withUnsafeBytes { pi in
        try patternValues.withUnsafeBytes { pv in
        try momentum.withUnsafeBytes { mo in
        try velocity.withUnsafeBytes { ve in
            try SectionFile.write(path, magic: Self.checkpointMagic, version: Self.checkpointVersion, header: json,
                                  sections: [v, s, m, pi, pv, mo, ve])
        }}}}}}}
    }

    /// A trainer continuing from the checkpoint at `path`. The arguments are those of the run that
    /// wrote it (`initial` included: restarting stages rewind to it); `schedule` must begin with the
    /// stages already run, and may differ after them (a fork toward another target). `regrowth`,
    /// `learningRateDecay` and `weightAveraging` are the run's (the resumed trainer gets them); they must
    /// be the checkpoint's once a stage of more than one epoch has run, since all three act only within
    /// such stages: a trunk of one-epoch stages can continue with any.
    ///
    /// The checkpoint's run label must be `run`, or one `alsoAccepting` accepts: a fork continues another
    /// run's trunk under its own label (say, with a teacher the trunk trained without).
    /// - Throws: `DataError.cannotRead` (missing, unreadable, damaged or not a checkpoint),
    ///   `CheckpointError.otherRun` when it belongs to another run, `CheckpointError.corrupt`.
    public static func resume(from path: String, run: String, alsoAccepting: (String) -> Bool = { _ in false },
                              configuration: TrainingConfiguration,
                              schedule: SparsificationSchedule, restart: Bool, carryOptimizerState: Bool = false,
                              densePathFraction: Double = defaultDensePathFraction,
                              regrowth: PatternRegrowth? = nil, learningRateDecay: StageLearningRateDecay? = nil,
                              weightAveraging: StageWeightAveraging? = nil, initial: DenseMatrix) throws -> CompressedELSATrainer {
        try resume(from: path, run: run, alsoAccepting: alsoAccepting, configuration: configuration, schedule: schedule,
                   restart: restart, carryOptimizerState: carryOptimizerState, densePathFraction: densePathFraction,
                   regrowth: regrowth, learningRateDecay: learningRateDecay, weightAveraging: weightAveraging,
                   initialValues: .matrix(initial))
    }

    /// `resume(from:...initial:)` with initial values that need not be stored (see `InitialValues`).
    public static func resume(from path: String, run: String, alsoAccepting: (String) -> Bool = { _ in false },
                              configuration: TrainingConfiguration,
                              schedule: SparsificationSchedule, restart: Bool, carryOptimizerState: Bool = false,
                              densePathFraction: Double = defaultDensePathFraction,
                              regrowth: PatternRegrowth? = nil, learningRateDecay: StageLearningRateDecay? = nil,
                              weightAveraging: StageWeightAveraging? = nil, initialValues initial: InitialValues) throws -> CompressedELSATrainer {
        let (contents, header) = try openCheckpoint(path, magic: checkpointMagic, version: checkpointVersion,
                                                    header: CheckpointHeader.self, run: run, alsoAccepting: alsoAccepting,
                                                    configuration: configuration)
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(file: path, reason: reason) }
        func otherRun(_ reason: String) -> CheckpointError { .otherRun(file: path, reason: reason) }
        guard header.restart == restart, header.carryOptimizerState == carryOptimizerState,
              header.densePathFraction == densePathFraction else {
            throw otherRun("restart \(header.restart), carry optimizer state \(header.carryOptimizerState), dense-path "
                           + "fraction \(header.densePathFraction); this run has \(restart), \(carryOptimizerState), \(densePathFraction)"
                           + (header.densePathFraction == densePathFraction ? ""
                              : " (the default fraction follows the BLAS kernels, see DensePathSwitch: resume with "
                                + "--dense-path-fraction \(header.densePathFraction))"))
        }
        guard header.itemCount == initial.rowCount, header.dimension == initial.dimension else {
            throw otherRun("\(header.itemCount) items x d = \(header.dimension), this run has \(initial.rowCount) x \(initial.dimension)")
        }
        if header.stagesRun.contains(where: { $0.epochs > 1 }) {
            // Options that act only within stages of several epochs must be those such stages ran with.
            func requireSame<Option: Equatable>(_ what: String, _ stored: Option?, _ current: Option?,
                                                _ describe: (Option) -> String) throws {
                guard stored != current else { return }
                func text(_ option: Option?) -> String { option.map(describe) ?? "none" }
                throw otherRun("its stages of more than one epoch ran with \(what) \(text(stored)); this run has \(text(current))")
            }
            try requireSame("regrowth", header.regrowth, regrowth) { "fraction \($0.fraction) with \($0.batches) batches" }
            try requireSame("learning-rate decay", header.learningRateDecay, learningRateDecay) { "to \($0.floor) of the rate" }
            try requireSame("weight averaging", header.weightAveraging, weightAveraging) { "of the last \($0.epochs) epochs" }
        }
        let done = header.stagesRun.count
        guard done <= schedule.stages.count, Array(schedule.stages.prefix(done)) == header.stagesRun else {
            throw otherRun("its \(done) stages run are not the first stages of this run's schedule")
        }
        guard contents.sections.count == 7 else { throw corrupt("\(contents.sections.count) sections, expected 7") }
        guard header.history.count == header.stagesRun.reduce(0, { $0 + $1.epochs }), header.stageLog.count == done else {
            throw corrupt("\(header.history.count) epochs and \(header.stageLog.count) stages logged for \(done) stages run")
        }
        let items = header.itemCount, d = header.dimension
        let values = try contents.array(0, of: Float.self, file: path)
        let sparseIndices = try contents.array(1, of: Int32.self, file: path)
        let mask = try contents.array(2, of: UInt8.self, file: path)
        let patternIndices = try contents.array(3, of: Int32.self, file: path)
        let patternValues = try contents.array(4, of: Float.self, file: path)
        let momentum = try contents.array(5, of: Float.self, file: path)
        let velocity = try contents.array(6, of: Float.self, file: path)

        func embedding(_ k: Int, _ indices: [Int32], _ values: [Float], _ what: String) throws -> FixedPatternEmbedding {
            guard k >= 0, k <= d, indices.count == items * k, values.count == indices.count,
                  FixedPatternEmbedding.patternIsValid(indices, nonzerosPerRow: k, dimension: d) else {
                throw corrupt("\(what): \(indices.count) indices and \(values.count) values for \(items) items x k = \(k), "
                              + "or indices outside 0..<\(d) or not ascending")
            }
            return FixedPatternEmbedding(itemCount: items, dimension: d, nonzerosPerRow: k, columnIndices: indices, values: values)
        }
        let trainer = CompressedELSATrainer(configuration: configuration, schedule: schedule, restart: restart,
                                            carryOptimizerState: carryOptimizerState, densePathFraction: densePathFraction,
                                            initialValues: initial)
        trainer.regrowth = regrowth
        trainer.learningRateDecay = learningRateDecay
        trainer.weightAveraging = weightAveraging
        switch header.weights {
        case "dense":
            guard values.count == items * d, sparseIndices.isEmpty else { throw corrupt("dense weights of \(values.count) values for \(items) x \(d)") }
            guard header.hasMask == !mask.isEmpty, mask.isEmpty || (mask.count == items * d && mask.allSatisfy { $0 <= 1 }) else {
                throw corrupt("a mask of \(mask.count) bytes (expected none or \(items * d) zeros and ones)")
            }
            trainer.weights = .dense(DenseMatrix(rows: items, columns: d, storage: values), mask: mask.isEmpty ? nil : mask)
        case "sparse":
            guard let k = header.sparseNonzerosPerRow, mask.isEmpty else { throw corrupt("sparse weights without k, or with a mask") }
            trainer.weights = .sparse(try embedding(k, sparseIndices, values, "sparse weights"))
        default:
            throw corrupt("weights '\(header.weights)' (expected dense or sparse)")
        }
        if let k = header.patternNonzerosPerRow {
            trainer.pattern = try embedding(k, patternIndices, patternValues, "pattern")
        } else if !patternIndices.isEmpty || !patternValues.isEmpty {
            throw corrupt("pattern arrays without a pattern")
        }
        let parameters = done == 0 ? 0 : values.count
        guard momentum.count == parameters, velocity.count == parameters, header.optimizerIterations >= 0 else {
            throw corrupt("optimizer moments of \(momentum.count) and \(velocity.count) values for \(parameters) parameters")
        }
        try requireFiniteState(weights: [("weights", values), ("pattern values", patternValues)], momentum: momentum,
                               velocity: velocity, file: path)
        trainer.optimizer = Nadam(configuration: header.optimizer, momentum: momentum, velocity: velocity,
                                  iterations: header.optimizerIterations, momentumProduct: header.optimizerMomentumProduct)
        trainer.history = header.history
        trainer.stageLog = header.stageLog.map { ($0.k, $0.dense, $0.seconds) }
        trainer.stagesDone = done
        // As after entering a sparse stage: the initial values are needed only at the pattern's entries.
        if regrowth == nil, let pattern = trainer.pattern {
            trainer.initialValues = .atPattern(initial.gathered(at: pattern))
        }
        return trainer
    }
}

/// - Throws: `CheckpointError.corrupt` naming `file` and the first value that is NaN or infinite
///   among `weights` and the optimizer moments, or a negative velocity (a mean of squares).
func requireFiniteState(weights: [(what: String, values: [Float])], momentum: [Float], velocity: [Float],
                        file: String) throws {
    for (what, values) in weights + [("optimizer momentum", momentum), ("optimizer velocity", velocity)] {
        if let position = values.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointError.corrupt(file: file, reason: "\(what) value \(position) is \(values[position]) "
                                          + "(a checkpoint holds only finite numbers)")
        }
    }
    if let position = velocity.firstIndex(where: { $0 < 0 }) {
        throw CheckpointError.corrupt(file: file, reason: "optimizer velocity value \(position) is negative (\(velocity[position]))")
    }
}

/// What every checkpoint header records of the run that wrote it.
protocol CheckpointIdentity: Codable {
    /// The caller's description of the run (data, split, ...).
    var run: String { get }
    var configuration: TrainingConfiguration { get }
}

/// Reads the checkpoint at `path` and its header, and checks that it belongs to `run` (or a run
/// `alsoAccepting` accepts) trained with `configuration` (the thread count aside: results do not depend on it).
/// - Throws: `DataError.cannotRead` (missing, damaged, other magic), `CheckpointError.corrupt` for an
///   unreadable header, `CheckpointError.otherRun` naming the differences.
func openCheckpoint<Header: CheckpointIdentity>(_ path: String, magic: String, version: UInt32, header: Header.Type,
                                                run: String, alsoAccepting: (String) -> Bool = { _ in false },
                                                configuration: TrainingConfiguration)
    throws -> (contents: SectionFile.Contents, header: Header) {
    let contents = try SectionFile.read(path, magic: magic, version: version)
    let header: Header
    do {
        header = try JSONDecoder().decode(Header.self, from: contents.header)
    } catch {
        throw CheckpointError.corrupt(file: path, reason: "unreadable header: \(error)")
    }
    guard header.run == run || alsoAccepting(header.run) else {
        throw CheckpointError.otherRun(file: path, reason: "written for \(header.run), this run is \(run)")
    }
    var stored = header.configuration
    stored.threads = configuration.threads
    guard stored == configuration else {
        throw CheckpointError.otherRun(file: path, reason: "its training configuration differs: "
                                       + differences(stored, configuration).joined(separator: ", "))
    }
    return (contents, header)
}

/// The fields in which two configurations differ, as "name: CHECKPOINT in the checkpoint, HERE here".
private func differences(_ stored: TrainingConfiguration, _ current: TrainingConfiguration) -> [String] {
    func fields(_ configuration: TrainingConfiguration) -> [String: String] {
        guard let data = try? JSONEncoder().encode(configuration),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var flat: [String: String] = [:]
        for (key, value) in object {
            if let nested = value as? [String: Any] {
                for (inner, innerValue) in nested { flat["\(key).\(inner)"] = "\(innerValue)" }
            } else {
                flat[key] = "\(value)"
            }
        }
        return flat
    }
    let old = fields(stored), new = fields(current)
    let changed = Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }
    return changed.isEmpty ? ["\(stored) in the checkpoint, \(current) here"]
        : changed.map { "\($0) \(old[$0] ?? "none") in the checkpoint, \(new[$0] ?? "none") here" }
}
