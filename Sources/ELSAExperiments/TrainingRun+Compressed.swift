import ELSABaselines
import Foundation
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ELSATraining

/// Compressed ELSA: the schedule's stages, the teachers, checkpoints and forks.
extension TrainingRun {
    /// Where a distillation teacher comes from.
    enum TeacherSource {
        /// A saved dense model.
        case model(String)
        /// EASE with this lambda, fitted on the run's training users.
        case ease(Float)
    }

    var runTeacher: TeacherSource? {
        recipe.teachers.model.map { .model($0) } ?? recipe.teachers.ease.map { .ease($0) }
    }
    var targetTeacher: TeacherSource? {
        recipe.teachers.targetModel.map { .model($0) } ?? recipe.teachers.targetEase.map { .ease($0) }
    }

    /// The item matrix of the saved dense model `file`, rows in the data's item order.
    func teacherMatrix(_ file: String, field: String) throws -> DenseMatrix {
        let loaded = try ModelFile.read(from: file, threads: threads).model
        guard case .dense = loaded.embedding else {
            throw RecipeError(field: field, "\(file): a teacher must be a dense model; this one has \(loaded.embedding.nonzerosPerRow) nonzeros per row")
        }
        return try WarmStart.itemMatrix(of: loaded, file: file, itemIDs: itemIDs)
    }

    /// A teacher of weight `weight`: the model loaded or EASE fitted, then each training user's targets
    /// precomputed (2 B per user and item) when they fit, instead of a teacher product per batch.
    func buildTeacher(_ source: TeacherSource, weight: Double, targetStage: Bool)
        throws -> (teacher: DistillationTeacher, fitSeconds: Double, precomputeSeconds: Double) {
        let train = experiment.train
        let teacher: DistillationTeacher
        var fitSeconds = 0.0, precomputeSeconds = 0.0
        switch source {
        case .model(let file):
            let matrix = try teacherMatrix(file, field: targetStage ? "teachers.targetModel" : "teachers.model")
            teacher = DistillationTeacher(itemMatrix: matrix, weight: weight, activation: recipe.activation, threads: threads)
            note("distilling from \(file) (d = \(matrix.columns)) with weight \(weight)" + (targetStage ? " in the target stage" : ""))
        case .ease(let lambda):
            note(String(format: "fitting EASE (lambda %g) on the %d training users x %d items as %@: a few minutes",
                        Double(lambda), train.rows, train.columns, targetStage ? "the target stage's teacher" : "the teacher"))
            let started = Date()
            let ease = try EASE(interactions: train, lambda: lambda, threads: threads)
            fitSeconds = Date().timeIntervalSince(started)
            teacher = DistillationTeacher(itemItemWeights: ease.weights, weight: weight, activation: recipe.activation, threads: threads)
            note(String(format: "distilling from EASE (lambda %g, fitted on the %d training users in %.1f s) with weight %g%@",
                        Double(lambda), train.rows, fitSeconds, weight, targetStage ? " in the target stage" : ""))
        }
        let started = Date()
        let gigabytes = Double(teacher.precomputedBytes(users: train.rows)) / 1e9
        if teacher.precomputeTargetsIfUseful(of: train, inputDropout: recipe.regularizers.inputDropout) {
            precomputeSeconds = Date().timeIntervalSince(started)
            note(String(format: "the teacher's targets of the %d training users: %.1f s, %.1f GB", train.rows, precomputeSeconds, gigabytes))
        } else if recipe.regularizers.inputDropout == 0 {
            note(String(format: "the teacher's targets of every training user would take %.1f GB: computed per batch instead", gigabytes))
        }
        return (teacher, fitSeconds, precomputeSeconds)
    }

    func trainCompressed(dimension: Int, starting: DenseMatrix?) throws -> Trained {
        let plan = try recipe.sparsificationSchedule(dimension: dimension)
        let schedule = recipe.schedule
        var configuration = recipe.configuration(dimension: dimension)
        configuration.threads = threads
        // A bad teacher for the target stage fails before the earlier stages run.
        if case .model(let file)? = targetTeacher { _ = try teacherMatrix(file, field: "teachers.targetModel") }
        note("\(plan.kind.rawValue) schedule: \(plan.stages.count) stages, \(plan.totalEpochs) epochs, k \(plan.stages.first!.k) -> \(plan.targetNonzeros)\(schedule.restart ? ", restarting" : "")")
        let shard = try itemShard()
        if let shard {
            note("items \(shard.items.lowerBound)..<\(shard.items.upperBound) of \(shard.itemCount) on each of \(shard.communicator.size) processes "
                 + "(this is rank \(shard.communicator.rank))")
        }
        // Held only until the trainer has them: after the first sparse stage it keeps them at the pattern only.
        var initial: InitialValues? = starting.map { .matrix($0) } ?? initialValues(configuration, shard: shard)
        let tracker = validationTracker()
        var trained = Trained(model: ELSAModel(embedding: .dense(DenseMatrix(rows: 0, columns: 0)), itemIDs: [], threads: 1),
                              history: [], tracker: tracker)
        func fresh() -> CompressedELSATrainer {
            let trainer = CompressedELSATrainer(configuration: configuration, schedule: plan, restart: schedule.restart,
                                                carryOptimizerState: schedule.carryOptimizerState,
                                                densePathFraction: recipe.densePathFraction, initialValues: initial!)
            trainer.shard = shard
            trainer.regrowth = recipe.regrowth
            trainer.learningRateDecay = recipe.learningRateDecay
            trainer.weightAveraging = recipe.weightAveraging
            return trainer
        }
        var trainer = fresh()
        // An interrupted run resumes from its own checkpoint; a fork's first start reads its trunk. A plain
        // resume refuses a trunk of this run with another teacher; `forkable` notes one, for the hint.
        let before = labelBeforeTeacher
        let trunkRuns = { (label: String) in label == before || label.hasPrefix(before + Self.teacherLabel) }
        var forkable = false
        let checkpointFile = recipe.checkpoint.file.map { shardFile($0, of: shard) }
        let resuming = checkpointFile.map(checkpointExists) ?? false
        let source = resuming ? checkpointFile.map { (path: $0, accepts: { (label: String) in forkable = trunkRuns(label); return false },
                                                              verb: "resuming from") }
            : recipe.checkpoint.forkFrom.map { (path: shardFile($0, of: shard), accepts: trunkRuns, verb: "forking from") }
        if let source {
            do {
                trainer = try CompressedELSATrainer.resume(
                    from: source.path, run: label, alsoAccepting: source.accepts, configuration: configuration, schedule: plan,
                    restart: schedule.restart, carryOptimizerState: schedule.carryOptimizerState,
                    densePathFraction: recipe.densePathFraction, regrowth: recipe.regrowth, learningRateDecay: recipe.learningRateDecay,
                    weightAveraging: recipe.weightAveraging, initialValues: initial!)
                trainer.shard = shard
                trained.secondsBeforeResume = trainer.history.reduce(0) { $0 + $1.seconds }
                trained.extra["resumedAfterEpochs"] = .int(trainer.history.count)
                note("\(source.verb) the checkpoint \(source.path): \(trainer.stagesDone) of \(plan.stages.count) stages, \(trainer.history.count) epochs done")
            } catch CheckpointError.otherRun(let file, let reason) where forkable {
                throw CheckpointError.otherRun(file: file, reason: reason + "; it is a trunk of this run with another teacher: "
                                               + "continue it as a fork with --fork-from \(file) --checkpoint NEW-FILE")
            } catch where startsOverOnUnusableCheckpoint {
                note("checkpoint \(source.path) not used, starting over: \(error)")
            }
        }
        // The processes write their checkpoints one after another: a run killed in between left them at different stages.
        if let shard, case let done = shard.each(Double(trainer.stagesDone)), Set(done).count > 1 {
            note("the processes' checkpoints hold \(done.map { Int($0) }) stages: starting over")
            trainer = fresh()
            trained.secondsBeforeResume = 0
            trained.extra["resumedAfterEpochs"] = nil
        }
        initial = nil
        if let forkFrom = recipe.checkpoint.forkFrom { trained.extra["forkedFrom"] = .string(forkFrom) }
        var fit = (run: 0.0, runPrecompute: 0.0, target: 0.0, targetPrecompute: 0.0)
        // The run's teacher, unless only the target stage is left and it has a teacher of its own.
        let targetIndex = plan.stages.count - 1
        if let runTeacher, trainer.stagesDone < targetIndex || targetTeacher == nil {
            let built = try buildTeacher(runTeacher, weight: recipe.teachers.weight, targetStage: false)
            trainer.teacher = built.teacher
            (fit.run, fit.runPrecompute) = (built.fitSeconds, built.precomputeSeconds)
        }
        var eta = RunETA(plannedKs: plan.stages.flatMap { Array(repeating: $0.k, count: $0.epochs) }, dimension: dimension,
                         densePathFraction: recipe.densePathFraction, evaluations: tracker == nil ? 0 : plan.stages.last!.epochs)
        eta.restore(trainer.history)
        observer?.started(eta)
        var lastCheckpoint = Date()
        for index in trainer.stagesDone..<plan.stages.count {
            let atTarget = index == targetIndex
            if atTarget, let targetTeacher {
                trainer.teacher = nil  // releases the earlier stages' teacher and its targets first
                let built = try buildTeacher(targetTeacher, weight: recipe.teachers.targetWeight ?? recipe.teachers.weight, targetStage: true)
                trainer.teacher = built.teacher
                (fit.target, fit.targetPrecompute) = (built.fitSeconds, built.precomputeSeconds)
            }
            let current = trainer
            trainer.runStage(index, on: experiment.train, observer: observer, afterEpoch: atTarget ? tracker.map { tracker in
                { [observer] epoch in
                    let started = Date()
                    defer { observer?.evaluated(seconds: Date().timeIntervalSince(started)) }
                    // Across processes rank 0 gathers the epoch's model and validates it; the others hand their rows over.
                    guard let model = current.gatheredModel(itemIDs: tracker.itemIDs) else { return nil }
                    return tracker.evaluate(model, epoch: epoch)
                }
            } : nil)
            if let failure = trainer.failure { throw failure }  // the last good checkpoint stays
            // In a sharded run every process writes its checkpoint when any one is due, so that all resume from one stage.
            let due = Date().timeIntervalSince(lastCheckpoint) >= recipe.checkpoint.minutes * 60
            if let file = checkpointFile, index + 1 < plan.stages.count, shard.map({ !$0.all(!due) }) ?? due {
                do {
                    try trainer.writeCheckpoint(to: file, run: label, recipe: recipe.compactJSON)
                } catch {
                    note("could not write the checkpoint (training goes on): \(error)")
                }
                lastCheckpoint = Date()
            }
        }
        trained.model = trainer.gatheredModel(itemIDs: itemIDs) ?? trained.model
        trained.history = trainer.history
        trained.teacherSeconds = fit.run + fit.runPrecompute + fit.target + fit.targetPrecompute
        trained.extra.merge(compressedParameters(plan, fit: fit)) { $1 }
        return trained
    }

    /// This process's shard of an item-sharded run (nil: one process), after refusing what does not run sharded.
    func itemShard() throws -> ItemShard? {
        guard let communicator, communicator.size > 1 else { return nil }
        let across = "does not run across processes yet"
        if recipe.teachers.model != nil || recipe.teachers.ease != nil { throw RecipeError(field: "teachers.model", "distillation \(across)") }
        if recipe.teachers.hasTargetTeacher { throw RecipeError(field: "teachers.targetModel", "distillation \(across)") }
        if recipe.regrowth != nil { throw RecipeError(field: "regrowth", "pattern regrowth \(across)") }
        if recipe.startFrom != nil { throw RecipeError(field: "startFrom", "a starting model \(across)") }
        if experiment.dataset.itemCount < communicator.size {
            throw TrainingRunError("\(experiment.dataset.itemCount) items cannot be split over \(communicator.size) processes")
        }
        return ItemShard(itemCount: experiment.dataset.itemCount, communicator: communicator)
    }

    /// The checkpoint file of `shard`'s process (see `checkpointFile(_:rank:of:)`).
    func shardFile(_ file: String, of shard: ItemShard?) -> String {
        guard let shard else { return file }
        return Self.checkpointFile(file, rank: shard.communicator.rank, of: shard.communicator.size)
    }

    /// The checkpoint of process `rank` of `size` for the recipe's file `file`: `FILE.rank-R-of-N` (each process
    /// writes its own rows), or `file` itself for one process.
    public static func checkpointFile(_ file: String, rank: Int, of size: Int) -> String {
        size > 1 ? "\(file).rank-\(rank)-of-\(size)" : file
    }

    func compressedParameters(_ plan: SparsificationSchedule, fit: (run: Double, runPrecompute: Double, target: Double, targetPrecompute: Double))
        -> [String: ReportValue] {
        let schedule = recipe.schedule, teachers = recipe.teachers
        var extra: [String: ReportValue] = [
            "schedule": .string(plan.kind.rawValue), "restart": .bool(schedule.restart), "epochsPerStage": .int(schedule.epochsPerStage),
            "targetNonzeros": .int(schedule.targetNonzeros), "carryOptimizerState": .bool(schedule.carryOptimizerState),
            "targetEpochs": .int(plan.stages.last!.epochs),
        ]
        func seconds(_ value: Double) -> ReportValue { .double((value * 10).rounded() / 10) }
        if let startFrom = recipe.startFrom { extra["fromModel"] = .string(startFrom) }
        if let regrowth = recipe.regrowth {
            extra["regrowFraction"] = .double(regrowth.fraction)
            extra["regrowBatches"] = .int(regrowth.batches)
        }
        if let decay = recipe.learningRateDecay { extra["decayLearningRateTo"] = .double(decay.floor) }
        if let averaging = recipe.weightAveraging { extra["averageLastEpochs"] = .int(averaging.epochs) }
        if let targetTeacher {
            extra["targetDistillWeight"] = .double(teachers.targetWeight ?? teachers.weight)
            switch targetTeacher {
            case .model(let file): extra["targetDistillFrom"] = .string(file)
            case .ease(let lambda):
                extra["targetDistillFromEase"] = ReportValue(lambda)
                extra["targetDistillFitSeconds"] = seconds(fit.target)
            }
            extra["targetDistillPrecomputeSeconds"] = seconds(fit.targetPrecompute)
        }
        if runTeacher != nil {
            extra["distillWeight"] = .double(teachers.weight)
            extra["distillPrecomputeSeconds"] = seconds(fit.runPrecompute)
            if let file = teachers.model { extra["distillFrom"] = .string(file) }
            if let lambda = teachers.ease {
                extra["distillFromEase"] = ReportValue(lambda)
                extra["distillFitSeconds"] = seconds(fit.run)
            }
        }
        return extra
    }

    // MARK: - Several targets

    /// Trains the recipe (compressed-elsa) toward each of `targets` (nonzeros per row), running the stages
    /// their schedules share once (`ScheduleForks`), and hands each target's outcome to `finished` as soon
    /// as it is done. The shared trunk is checkpointed to `recipe.checkpoint.file`; the run teacher, when the
    /// recipe has one, teaches every target (a target-stage teacher is for single runs).
    /// - Throws: `RecipeError`, the first error `finished` threw, `TrainingFailure`.
    public func runTargets(_ targets: [Int], finished: (Int, TrainingOutcome) throws -> Void) throws {
        guard recipe.model == .compressedELSA, recipe.startFrom == nil else {
            throw RecipeError(field: "model", "several targets are trained for compressed-elsa from a random start only")
        }
        if recipe.teachers.hasTargetTeacher { throw RecipeError(field: "teachers.targetModel", "is for a run toward one target") }
        let dimension = recipe.dimension ?? TrainingRecipe.defaultDimension
        var configuration = recipe.configuration(dimension: dimension)
        configuration.threads = threads
        let schedules = try targets.map { k -> SparsificationSchedule in
            var single = recipe
            single.schedule.targetNonzeros = k
            return try single.sparsificationSchedule(dimension: dimension)
        }
        let initial = initialMatrix(configuration)
        var teacherSeconds = 0.0
        var teacher: DistillationTeacher?
        if let runTeacher {
            let built = try buildTeacher(runTeacher, weight: recipe.teachers.weight, targetStage: false)
            teacher = built.teacher
            teacherSeconds = built.fitSeconds + built.precomputeSeconds
        }
        let resumed = resumeTrunk(schedules: schedules, configuration: configuration, initial: initial)
        let total = BenchStudy.distinctEpochKs(schedules)
        var eta = RunETA(plannedKs: total, dimension: dimension, densePathFraction: recipe.densePathFraction,
                         evaluations: experiment.validationFolds == nil ? 0 : schedules.reduce(0) { $0 + $1.stages.last!.epochs })
        if let resumed { eta.restore(resumed.history) }
        observer?.started(eta)
        var trackers: [Int: ValidationTracker] = [:]
        func tracker(_ k: Int) -> ValidationTracker? {
            if trackers[k] == nil { trackers[k] = validationTracker() }
            return trackers[k]
        }
        var failure: Error?
        var lastCheckpoint = Date()
        ScheduleForks.train(
            schedules, initial: initial, configuration: configuration, restart: recipe.schedule.restart,
            carryOptimizerState: recipe.schedule.carryOptimizerState, densePathFraction: recipe.densePathFraction,
            interactions: experiment.train, observer: observer, resume: resumed,
            checkpoint: { trunk in
                guard failure == nil, let file = recipe.checkpoint.file, trunk.stagesDone < trunk.schedule.stages.count,
                      Date().timeIntervalSince(lastCheckpoint) >= recipe.checkpoint.minutes * 60 else { return }
                do {
                    try trunk.writeCheckpoint(to: file, run: label, recipe: recipe.compactJSON)
                    lastCheckpoint = Date()
                } catch {
                    note("could not write the checkpoint (training goes on): \(error)")
                }
            },
            afterTargetEpoch: experiment.validationFolds == nil ? nil : { [observer] schedule, trainer, epoch in
                let started = Date()
                defer { observer?.evaluated(seconds: Date().timeIntervalSince(started)) }
                return tracker(schedule.targetNonzeros)?.evaluate(trainer.model(itemIDs: self.itemIDs), epoch: epoch)
            },
            teacher: teacher, regrowth: recipe.regrowth, learningRateDecay: recipe.learningRateDecay,
            weightAveraging: recipe.weightAveraging) { schedule, trainer in
            guard failure == nil else { return }
            let k = schedule.targetNonzeros
            do {
                if let trainingFailure = trainer.failure { throw trainingFailure }
                var model = trainer.model(itemIDs: itemIDs)
                var selected: Int?
                if let tracker = tracker(k) {
                    if let validationFailure = tracker.failure { throw validationFailure }
                    if let best = tracker.best, let kept = best.model { (model, selected) = (kept, best.epoch) }
                }
                var single = recipe
                single.schedule.targetNonzeros = k
                let seconds = trainer.history.reduce(0) { $0 + $1.seconds } + teacherSeconds
                var part = Trained(model: model, history: trainer.history, tracker: nil)
                part.extra = compressedParameters(schedule, fit: (0, teacherSeconds, 0, 0))
                part.extra["targetNonzeros"] = .int(k)
                try finished(k, TrainingOutcome(model: model, history: trainer.history, selectedEpoch: selected, trainSeconds: seconds,
                                                dimension: dimension, parameters: parameters(part), recipe: single))
            } catch { failure = error }
        }
        if let failure { throw failure }
        if let file = recipe.checkpoint.file { try? FileManager.default.removeItem(atPath: file) }
    }

    /// The trunk restored from the checkpoint when it is there and every target still to train can fork
    /// from it; otherwise nil (the trunk starts over), with a note saying why.
    func resumeTrunk(schedules: [SparsificationSchedule], configuration: TrainingConfiguration, initial: DenseMatrix) -> CompressedELSATrainer? {
        guard let file = recipe.checkpoint.file, checkpointExists(file), let trunkSchedule = ScheduleForks.trunkSchedule(of: schedules) else {
            return nil
        }
        do {
            let trunk = try CompressedELSATrainer.resume(from: file, run: label, configuration: configuration, schedule: trunkSchedule,
                                                         restart: recipe.schedule.restart, regrowth: recipe.regrowth,
                                                         learningRateDecay: recipe.learningRateDecay,
                                                         weightAveraging: recipe.weightAveraging, initial: initial)
            guard ScheduleForks.canResume(schedules, stagesDone: trunk.stagesDone) else {
                note("checkpoint \(file) not used: a target still to train leaves the trunk before its stage \(trunk.stagesDone)")
                return nil
            }
            note("resuming from the checkpoint \(file): \(trunk.stagesDone) stages, \(trunk.history.count) epochs done")
            return trunk
        } catch {
            note("checkpoint not used, starting over: \(error)")
            return nil
        }
    }
}
