import ELSALinearAlgebra
import ELSASparse

/// Trains one sparsification schedule per target k, running the stages their schedules share
/// only once: the run toward the smallest target is the trunk, and a copy of it forks off at
/// the first stage where another target's schedule differs. For the exponential and the default
/// step-wise schedules the stages above a target do not depend on it, so every target shares
/// the trunk's expensive early (large k) stages. Results equal separate runs bit for bit.
public enum ScheduleForks {
    /// - Parameters:
    ///   - schedules: one schedule per target (any order); all for the same dimension.
    ///   - finished: called with each schedule's trained trainer, as soon as it is done.
    public static func train(_ schedules: [SparsificationSchedule], initial: DenseMatrix, configuration: TrainingConfiguration,
                             restart: Bool, carryOptimizerState: Bool = false,
                             densePathFraction: Double = CompressedELSATrainer.defaultDensePathFraction,
                             interactions: CSRMatrix, observer: TrainingObserver? = nil,
                             finished: (SparsificationSchedule, CompressedELSATrainer) -> Void) {
        guard !schedules.isEmpty else { return }
        let ordered = schedules.sorted { $0.targetNonzeros < $1.targetNonzeros }
        let trunkSchedule = ordered[0]
        let trunk = CompressedELSATrainer(itemCount: initial.rows, configuration: configuration, schedule: trunkSchedule,
                                          restart: restart, carryOptimizerState: carryOptimizerState,
                                          densePathFraction: densePathFraction, initial: initial)
        var pending = Array(ordered.dropFirst())
        for index in trunkSchedule.stages.indices {
            // Fork every schedule that leaves the trunk at this stage.
            var still: [SparsificationSchedule] = []
            for schedule in pending {
                let diverges = index >= schedule.stages.count || schedule.stages[index] != trunkSchedule.stages[index]
                if diverges {
                    let fork = trunk.copy(schedule: schedule)
                    for j in index..<schedule.stages.count { fork.runStage(j, on: interactions, observer: observer) }
                    finished(schedule, fork)
                } else {
                    still.append(schedule)
                }
            }
            pending = still
            trunk.runStage(index, on: interactions, observer: observer)
        }
        for schedule in pending {  // identical to the trunk's schedule
            finished(schedule, trunk.copy(schedule: schedule))
        }
        finished(trunkSchedule, trunk)
    }
}
