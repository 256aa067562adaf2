import ELSALinearAlgebra
import ELSASparse

/// Trains one sparsification schedule per target k, running the stages their schedules share
/// only once: the run toward the smallest target is the trunk, and a copy of it forks off at
/// the first stage where another target's schedule differs. For the exponential and the default
/// step-wise schedules the stages above a target do not depend on it, so every target shares
/// the trunk's expensive early (large k) stages. Results equal separate runs bit for bit.
public enum ScheduleForks {
    /// The schedule of the trunk: the one toward the smallest target.
    public static func trunkSchedule(of schedules: [SparsificationSchedule]) -> SparsificationSchedule? {
        schedules.min { $0.targetNonzeros < $1.targetNonzeros }
    }

    /// Whether a trunk that has run `stagesDone` stages can still fork toward every one of
    /// `schedules`: none leaves the trunk before that stage.
    public static func canResume(_ schedules: [SparsificationSchedule], stagesDone: Int) -> Bool {
        guard let trunk = trunkSchedule(of: schedules) else { return false }
        return schedules.allSatisfy { schedule in
            schedule.stages.count >= stagesDone && Array(schedule.stages.prefix(stagesDone)) == Array(trunk.stages.prefix(stagesDone))
        }
    }

    /// - Parameters:
    ///   - schedules: one schedule per target (any order); all for the same dimension.
    ///   - resume: a trunk restored from a checkpoint (its schedule the trunk schedule, and
    ///     `canResume(schedules, stagesDone: resume.stagesDone)`); training continues from its stage.
    ///   - checkpoint: called with the trunk after each of its stages (forks done so far have been
    ///     handed to `finished`), e.g. to write a checkpoint.
    ///   - afterTargetEpoch: called after each epoch of a schedule's last stage (at its target k) with
    ///     the schedule, the trainer holding that epoch's weights and the epoch's number; what it
    ///     returns is stored as the epoch's `validation` (as `runStage`'s `afterEpoch`).
    ///   - teacher: a dense model whose predictions join every step's targets (distillation), or nil.
    ///   - regrowth: prune and regrow between the epochs of each stage, or nil (see `PatternRegrowth`).
    ///   - learningRateDecay: lower the learning rate within each stage, or nil (see `StageLearningRateDecay`).
    ///   - weightAveraging: end each stage of several epochs on the mean of its last epochs' weights, or nil
    ///     (see `StageWeightAveraging`).
    ///   - finished: called with each schedule's trained trainer, as soon as it is done.
    public static func train(_ schedules: [SparsificationSchedule], initial: DenseMatrix, configuration: TrainingConfiguration,
                             restart: Bool, carryOptimizerState: Bool = false,
                             densePathFraction: Double = CompressedELSATrainer.defaultDensePathFraction,
                             interactions: CSRMatrix, observer: TrainingObserver? = nil,
                             resume: CompressedELSATrainer? = nil,
                             checkpoint: (CompressedELSATrainer) -> Void = { _ in },
                             afterTargetEpoch: ((SparsificationSchedule, CompressedELSATrainer, Int) -> [String: Double]?)? = nil,
                             teacher: DistillationTeacher? = nil, regrowth: PatternRegrowth? = nil,
                             learningRateDecay: StageLearningRateDecay? = nil,
                             weightAveraging: StageWeightAveraging? = nil,
                             finished: (SparsificationSchedule, CompressedELSATrainer) -> Void) {
        guard !schedules.isEmpty else { return }
        let ordered = schedules.sorted { $0.targetNonzeros < $1.targetNonzeros }
        let trunkSchedule = ordered[0]
        let trunk = resume ?? CompressedELSATrainer(itemCount: initial.rows, configuration: configuration, schedule: trunkSchedule,
                                                    restart: restart, carryOptimizerState: carryOptimizerState,
                                                    densePathFraction: densePathFraction, initial: initial)
        trunk.teacher = teacher   // forks copy it
        trunk.regrowth = regrowth
        trunk.learningRateDecay = learningRateDecay
        trunk.weightAveraging = weightAveraging
        precondition(trunk.schedule == trunkSchedule && canResume(schedules, stagesDone: trunk.stagesDone),
                     "a resumed trunk must follow the trunk schedule, and no target may leave it before its stage \(trunk.stagesDone)")
        /// The hook of `schedule`'s last stage, for `trainer` running stage `index`.
        func hook(_ schedule: SparsificationSchedule, _ trainer: CompressedELSATrainer, stage index: Int) -> ((Int) -> [String: Double]?)? {
            guard let afterTargetEpoch, index == schedule.stages.count - 1 else { return nil }
            return { afterTargetEpoch(schedule, trainer, $0) }
        }
        var pending = Array(ordered.dropFirst())
        for index in trunkSchedule.stages.indices where index >= trunk.stagesDone {
            // Fork every schedule that leaves the trunk at this stage.
            var still: [SparsificationSchedule] = []
            for schedule in pending {
                let diverges = index >= schedule.stages.count || schedule.stages[index] != trunkSchedule.stages[index]
                if diverges {
                    let fork = trunk.copy(schedule: schedule)
                    for j in index..<schedule.stages.count {
                        fork.runStage(j, on: interactions, observer: observer, afterEpoch: hook(schedule, fork, stage: j))
                    }
                    finished(schedule, fork)
                } else {
                    still.append(schedule)
                }
            }
            pending = still
            trunk.runStage(index, on: interactions, observer: observer, afterEpoch: hook(trunkSchedule, trunk, stage: index))
            checkpoint(trunk)
        }
        for schedule in pending {  // identical to the trunk's schedule
            finished(schedule, trunk.copy(schedule: schedule))
        }
        finished(trunkSchedule, trunk)
    }
}
