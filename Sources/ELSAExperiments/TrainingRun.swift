import ELSABaselines
import Foundation
import ELSAData
import ELSAEvaluation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ELSATraining
import _ELSASupport

/// What a training run tells its caller besides the epochs: notes, the run's plan and validation time.
public protocol TrainingRunObserver: TrainingObserver {
    /// A line for the user (what was loaded, resumed, fitted, kept).
    func note(_ message: String)
    /// The run's epochs from now on, for counting them and estimating the time left.
    func started(_ eta: RunETA)
    /// A validation evaluation took this long (counted into the time left).
    func evaluated(seconds: Double)
}

extension TrainingRunObserver {
    public func note(_ message: String) {}
    public func started(_ eta: RunETA) {}
    public func evaluated(seconds: Double) {}
}

/// A run that cannot go on for a reason outside the recipe (the data, the machine).
public struct TrainingRunError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The result of a training run.
public struct TrainingOutcome {
    /// The trained model (with `selection.keepBest`, that of the chosen epoch), rows in the data's item order.
    public var model: ELSAModel
    public var history: [EpochReport]
    /// The epoch whose model was kept (`selection.keepBest`), or nil for the last.
    public var selectedEpoch: Int?
    /// Training seconds: the epochs (before and after a resume), the teachers' fits and precomputed targets,
    /// without the validation evaluations.
    public var trainSeconds: Double
    public var dimension: Int
    /// The run's settings for the report's `parameters` (every key reports have always had).
    public var parameters: [String: ReportValue]
    /// The recipe as run, threads resolved.
    public var recipe: TrainingRecipe
}

/// Runs a `TrainingRecipe` on an experiment's training users: the starting matrix or model, the
/// teachers (built when their stages begin), checkpoints and resumes, forks from a trunk, validation
/// and keep-best, and the checks that a failed run is never returned. `elsa train`, `elsa bench` and
/// the estimators all train through it.
public final class TrainingRun {
    public let recipe: TrainingRecipe
    public let experiment: Experiment
    public let observer: TrainingRunObserver?
    /// What the run's checkpoints belong to; a checkpoint of another run is refused. Default: the data,
    /// split, seed, validation users, starting model and teacher.
    public var checkpointLabel: String?
    /// A checkpoint of another run (or a damaged one) is noted and the run starts over instead of failing.
    public var startsOverOnUnusableCheckpoint = false
    /// The processes this one trains with, each holding a contiguous range of the items (compressed ELSA), or nil:
    /// this process trains alone. Every process runs the same recipe on the same data; the trained model is
    /// gathered to rank 0, whose outcome holds it (the others' hold an empty model).
    public var communicator: ShardCommunicator?

    /// - Throws: `RecipeError` when the recipe is invalid or asks for validation users the experiment lacks.
    public init(recipe: TrainingRecipe, experiment: Experiment, observer: TrainingRunObserver? = nil) throws {
        var resolved = recipe
        resolved.threads = recipe.resolvedThreads
        try resolved.validate()
        let validation = experiment.split.validationUsers.count
        if recipe.selection.validationUsers > 0 && validation == 0 {
            throw RecipeError(field: "selection.validationUsers", "the experiment holds out no validation users; "
                              + "build it with validationUsers: \(recipe.selection.validationUsers)")
        }
        self.recipe = resolved
        self.experiment = experiment
        self.observer = observer
    }

    var threads: Int { recipe.resolvedThreads }
    var itemIDs: [String] { experiment.dataset.itemIDs }
    func note(_ message: String) { observer?.note(message) }

    // MARK: - The run

    /// Trains the recipe's model.
    /// - Throws: `RecipeError`, `TrainingRunError`, `TrainingFailure` (diverged; nothing is returned),
    ///   `CheckpointError`, `DataError`.
    public func run() throws -> TrainingOutcome {
        let train = experiment.train
        if recipe.model != .compressae && train.nonzeroCount == 0 {
            throw TrainingRunError("no training users are left: \(experiment.dataset.userCount) users, \(experiment.split.testUsers.count) "
                                   + "held out for testing and \(experiment.split.validationUsers.count) for validation; "
                                   + "lower the test or validation users")
        }
        if let communicator, communicator.size > 1, recipe.model != .compressedELSA {
            throw RecipeError(field: "model", "only compressed-elsa trains across processes, got \(recipe.model.rawValue)")
        }
        let starting = try recipe.startFrom.map { try startingMatrix($0) }
        let dimension = try resolvedDimension(starting: starting)
        if recipe.model != .compressae { try checkMemory(dimension: starting == nil ? dimension : 0) }
        let clock = Date()
        var part: Trained
        switch recipe.model {
        case .elsa: part = try trainDense(dimension: dimension)
        case .compressedELSA: part = try trainCompressed(dimension: dimension, starting: starting)
        case .compressae: part = trainAutoencoder(starting!, width: dimension)
        }
        if recipe.model != .compressae, let stalled = TrainingFailure.stalled(part.history, learningRate: recipe.learningRate) { throw stalled }
        guard part.model.embedding.allValuesFinite else {
            throw TrainingRunError("training failed: the trained model holds NaN or infinite weights (learning rate \(recipe.learningRate)); nothing was saved")
        }
        var selectedEpoch: Int?
        if let tracker = part.tracker {
            if let failure = tracker.failure { throw failure }
            if recipe.selection.keepBest, let best = tracker.best, let model = best.model {
                part.model = model
                selectedEpoch = best.epoch
                note(String(format: "keeping the model of epoch %d (validation recall@20 %.4f) of %d", best.epoch, best.recall, part.history.count))
            }
        }
        let seconds = part.secondsBeforeResume + Date().timeIntervalSince(clock) - (part.tracker?.seconds ?? 0) + part.teacherSeconds
        return TrainingOutcome(model: part.model, history: part.history, selectedEpoch: selectedEpoch, trainSeconds: seconds,
                               dimension: dimension, parameters: parameters(part), recipe: recipe)
    }

    /// What one model's training left.
    struct Trained {
        var model: ELSAModel
        var history: [EpochReport]
        var tracker: ValidationTracker?
        var secondsBeforeResume = 0.0
        var teacherSeconds = 0.0
        var extra: [String: ReportValue] = [:]
    }

    func resolvedDimension(starting: DenseMatrix?) throws -> Int {
        guard recipe.model == .compressedELSA, let starting else { return recipe.dimension ?? TrainingRecipe.defaultDimension }
        if let requested = recipe.dimension, requested != starting.columns {
            throw RecipeError(field: "dimension", "must be the dimension of the starting model \(recipe.startFrom!), \(starting.columns) (or left out), got \(requested)")
        }
        return starting.columns
    }

    /// The saved model's item matrix, rows in the data's item order.
    func startingMatrix(_ file: String) throws -> DenseMatrix {
        let loaded = try ModelFile.read(from: file, threads: threads).model
        let matrix = try WarmStart.itemMatrix(of: loaded, file: file, itemIDs: itemIDs)
        note("starting from \(file): \(loaded.itemCount) items, d = \(loaded.embedding.dimension), \(loaded.embedding.nonzerosPerRow) nonzeros per row")
        return matrix
    }

    func validationTracker() -> ValidationTracker? {
        experiment.validationFolds.map { ValidationTracker(folds: $0, itemIDs: itemIDs, threads: threads, keepBest: recipe.selection.keepBest) }
    }

    /// The run's label in its checkpoints: the data, split and seed, then what else makes the run another.
    var labelBeforeTeacher: String {
        if let checkpointLabel { return checkpointLabel }
        let data = experiment.dataset
        return "elsa train on \(experiment.source.name) (\(data.userCount) users, \(data.itemCount) items, "
            + "\(data.interactionCount) interactions), \(experiment.split.testUsers.count) test users, seed \(recipe.seed)"
            + (recipe.selection.validationUsers > 0 ? ", \(recipe.selection.validationUsers) validation users" : "")
            + (recipe.startFrom.map { ", started from \($0)" } ?? "")
            + (recipe.model == .elsa && recipe.selection.keepBest ? ", keeping the best epoch" : "")
    }
    static let teacherLabel = ", distilled from "
    var label: String {
        if checkpointLabel != nil { return labelBeforeTeacher }
        let t = recipe.teachers
        return labelBeforeTeacher + (t.model.map { "\(Self.teacherLabel)\($0) with weight \(t.weight)" } ?? "")
            + (t.ease.map { "\(Self.teacherLabel)EASE with lambda \($0) and weight \(t.weight)" } ?? "")
    }

    /// Removes temporaries a crash left beside the checkpoint `file`; whether the checkpoint is there to resume.
    func checkpointExists(_ file: String) -> Bool {
        for temporary in SectionFile.removeAbandonedTemporaries(of: file) {
            note("removed \(temporary), a checkpoint write that a crash interrupted")
        }
        return FileManager.default.fileExists(atPath: file)
    }

    /// The run's starting matrix; a warm start says how far it moved from Xavier.
    func initialMatrix(_ configuration: TrainingConfiguration) -> DenseMatrix {
        let matrix = InitialMatrix.make(for: experiment.train, configuration: configuration)
        noteWarmStart(matrix, configuration)
        return matrix
    }

    /// The initial values of a compressed run (`InitialMatrix.values`): Xavier rows are drawn when needed, not stored.
    func initialValues(_ configuration: TrainingConfiguration, shard: ItemShard?) -> InitialValues {
        let values = InitialMatrix.values(for: experiment.train, configuration: configuration, shard: shard)
        if shard == nil, case .matrix(let matrix) = values { noteWarmStart(matrix, configuration) }
        return values
    }

    /// How far a warm start moved the matrix from Xavier.
    func noteWarmStart(_ matrix: DenseMatrix, _ configuration: TrainingConfiguration) {
        if case .warmSteps(let steps) = configuration.initialization {
            let moved = InitialMatrix.movement(of: matrix, fromXavierSeed: configuration.seed)
            note(String(format: "initialization: Xavier (entries within ±%.4f) then %d warm step%@: entries moved by %.4f on average, "
                        + "%.4f at most; mean row norm %.3f -> %.3f", (6 / Double(matrix.rows + matrix.columns)).squareRoot(), steps,
                        steps == 1 ? "" : "s", moved.meanChange, moved.largestChange, moved.meanRowNormBefore, moved.meanRowNormAfter))
        }
    }

    /// Refuses a run whose first stage would not fit in this machine's memory: the weights, two Nadam moments,
    /// the gradient and the normalized rows (and a warm-started initial matrix), 4 B per entry of this process's
    /// rows; a compressed run that begins sparse from Xavier stores k of the d entries per row (indices too).
    func checkMemory(dimension: Int) throws {
        let ranks = communicator.map { max(1, $0.size) } ?? 1
        let items = (experiment.dataset.itemCount + ranks - 1) / ranks
        var copies = recipe.model == .compressedELSA && recipe.initialization != .xavier ? 6 : 5
        var stored = dimension
        if recipe.model == .compressedELSA, recipe.initialization == .xavier, recipe.startFrom == nil,
           let first = (try? recipe.sparsificationSchedule(dimension: dimension))?.stages.first?.k, first < dimension {
            (stored, copies) = (first, 9)  // values, indices, two moments, gradient, normalized values, initial values and indices
        }
        let (perCopy, overflow) = items.multipliedReportingOverflow(by: stored)
        let (bytes, overflow2) = perCopy.multipliedReportingOverflow(by: 4 * copies)
        let available = ProcessInfo.processInfo.physicalMemory
        if overflow || overflow2 || UInt64(bytes) > available {
            throw TrainingRunError(String(format: "%d items x d = %d needs about %.1f GB for training (%d matrices of 4 B per entry), "
                                          + "more than this machine's %.1f GB: lower the dimension", items, dimension,
                                          overflow || overflow2 ? Double.infinity : Double(bytes) / 1e9, copies, Double(available) / 1e9))
        }
    }

    // MARK: - Dense ELSA

    func trainDense(dimension: Int) throws -> Trained {
        var configuration = recipe.configuration(dimension: dimension)
        configuration.threads = threads
        let tracker = validationTracker()
        var trainer: DenseELSATrainer?
        var trained = Trained(model: ELSAModel(embedding: .dense(DenseMatrix(rows: 0, columns: 0)), itemIDs: [], threads: 1),
                              history: [], tracker: tracker)
        if let file = recipe.checkpoint.file, checkpointExists(file) {
            do {
                let (resumed, kept) = try DenseELSATrainer.resume(from: file, run: label, configuration: configuration,
                                                                  itemCount: experiment.dataset.itemCount)
                if let kept { tracker?.restore(kept) }
                trained.secondsBeforeResume = resumed.history.reduce(0) { $0 + $1.seconds }
                trained.extra["resumedAfterEpochs"] = .int(resumed.history.count)
                note("resuming from the checkpoint \(file): \(resumed.history.count) of \(configuration.epochs) epochs done")
                trainer = resumed
            } catch where startsOverOnUnusableCheckpoint {
                note("checkpoint \(file) not used, starting over: \(error)")
            }
        }
        let dense = trainer ?? DenseELSATrainer(parameters: initialMatrix(configuration), configuration: configuration)
        var eta = RunETA(totalEpochs: configuration.epochs)
        eta.restore(dense.history)
        observer?.started(eta)
        var lastCheckpoint = Date()
        while dense.history.count < configuration.epochs {
            dense.train(experiment.train, epochs: 1, observer: observer, afterEpoch: tracker.map { tracker in
                { tracker.evaluate(dense.model(itemIDs: tracker.itemIDs), epoch: $0) }
            })
            if let failure = dense.failure { throw failure }  // the last good checkpoint stays
            if let file = recipe.checkpoint.file, dense.history.count < configuration.epochs,
               Date().timeIntervalSince(lastCheckpoint) >= recipe.checkpoint.minutes * 60 {
                do {
                    try dense.writeCheckpoint(to: file, run: label, kept: tracker?.keptEpoch, recipe: recipe.compactJSON)
                } catch {
                    note("could not write the checkpoint (training goes on): \(error)")
                }
                lastCheckpoint = Date()
            }
        }
        if let failure = dense.failure { throw failure }
        trained.model = dense.model(itemIDs: itemIDs)
        trained.history = dense.history
        return trained
    }

    // MARK: - CompresSAE

    func trainAutoencoder(_ dense: DenseMatrix, width: Int) -> Trained {
        let sae = CompresSAEConfiguration(hiddenDimension: width, nonzeros: recipe.schedule.targetNonzeros, epochs: recipe.epochs,
                                          batchSize: recipe.batch.size, learningRate: recipe.learningRate, threads: threads, seed: recipe.seed)
        note("CompresSAE: \(dense.rows) item vectors of d = \(dense.columns) -> codes of width \(width) with \(recipe.schedule.targetNonzeros) nonzeros, \(recipe.epochs) epochs")
        let autoencoder = CompresSAE(inputDimension: dense.columns, configuration: sae)
        observer?.started(RunETA(totalEpochs: recipe.epochs))
        autoencoder.train(dense, observer: observer)
        let model = ELSAModel(embedding: .sparse(autoencoder.encode(dense)), itemIDs: itemIDs, threads: threads)
        return Trained(model: model, history: autoencoder.history, tracker: nil,
                       extra: ["fromModel": .string(recipe.startFrom!), "targetNonzeros": .int(recipe.schedule.targetNonzeros),
                               "auxiliaryWeight": .double(Double(sae.auxiliaryWeight))])
    }

    // MARK: - Report parameters

    func parameters(_ trained: Trained) -> [String: ReportValue] {
        var values: [String: ReportValue] = [
            "batchSize": .int(recipe.batch.size), "learningRate": ReportValue(recipe.learningRate),
            "momentumDecayScale": .double(recipe.optimizer.momentumDecayScale),
            "maxOutput": recipe.batch.outputs.map { .int($0) } ?? "all", "activation": .string(recipe.activation.rawValue),
            "threads": .int(threads),
        ]
        if recipe.model != .compressae && recipe.startFrom == nil { values["initialization"] = .string(recipe.initialization.description) }
        if recipe.model != .compressae { values["preStageStep"] = .bool(recipe.preStageStep) }
        if recipe.optimizer.resetEpochs > 0 { values["optimizerResetEpochs"] = .int(recipe.optimizer.resetEpochs) }
        if recipe.regularizers.inputDropout > 0 { values["inputDropout"] = .double(recipe.regularizers.inputDropout) }
        return values.merging(trained.extra) { $1 }
    }
}
