import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining
import _ELSASupport

private func checkpointPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("elsa-checkpoint-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)").path
}

/// d = 32 with the dense path above 0.3 d: the exponential schedule to k = 4 (E = 2) runs stage 0 dense,
/// stage 1 (k = 11) on the dense masked path, then sparse stages at k = 8, 5 and 4 (two epochs).
private let checkpointDimension = 32

@Suite("Checkpoints: a resumed trainer equals one never interrupted")
struct CheckpointTests {
    let problem: PlantedProblem
    let configuration = TrainingConfiguration(dimension: checkpointDimension, batchSize: 64, threads: 2, seed: 6)
    let initial = XavierInitializer.matrix(rows: 80, columns: checkpointDimension, seed: 6)

    init() throws { problem = try PlantedProblem(users: 300, items: 80, segments: 5) }

    @Test("resume after a dense, a dense-path and a sparse stage, with and without carried optimizer state",
          arguments: [(1, false), (2, false), (3, false), (2, true), (3, true)])
    func resumedEqualsUninterrupted(stagesBefore: Int, carry: Bool) throws {
        let schedule = try SparsificationSchedule.exponential(dimension: checkpointDimension, targetNonzeros: 4, epochsPerStage: 2)
        func trainer() -> CompressedELSATrainer {
            CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: !carry,
                                  carryOptimizerState: carry, densePathFraction: 0.3, initial: initial)
        }
        let whole = trainer()
        whole.train(problem.split.train)

        let first = trainer()
        for index in 0..<stagesBefore { first.runStage(index, on: problem.split.train) }
        let path = checkpointPath("resume")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try first.writeCheckpoint(to: path, run: "test data")
        let second = try CompressedELSATrainer.resume(from: path, run: "test data", configuration: configuration,
                                                      schedule: schedule, restart: !carry, carryOptimizerState: carry,
                                                      densePathFraction: 0.3, initial: initial)
        #expect(second.stagesDone == stagesBefore)
        #expect(second.history == first.history)
        for index in stagesBefore..<schedule.stages.count { second.runStage(index, on: problem.split.train) }

        let expected = try #require(whole.currentEmbedding)
        #expect(second.currentEmbedding == expected)  // bit for bit
        #expect(second.history.map(\.loss) == whole.history.map(\.loss))
        #expect(second.history.map(\.k) == whole.history.map(\.k))
        #expect(second.stageLog.map(\.k) == whole.stageLog.map(\.k))
        #expect(second.stageLog.map(\.dense) == whole.stageLog.map(\.dense))
    }

    @Test("a forked study resumed from a trunk checkpoint gives every target the same model")
    func forksResume() throws {
        let schedules = try [4, 8].map { try SparsificationSchedule.exponential(dimension: checkpointDimension, targetNonzeros: $0, epochsPerStage: 1) }
        var uninterrupted: [Int: FixedPatternEmbedding] = [:]
        ScheduleForks.train(schedules, initial: initial, configuration: configuration, restart: true, densePathFraction: 0.3,
                            interactions: problem.split.train) { schedule, trainer in
            uninterrupted[schedule.targetNonzeros] = trainer.currentEmbedding
        }
        // E = 1: target 8 (stages 32, 8) leaves the trunk (target 4: stages 32, 8, 4) at stage 2, once the
        // trunk has run both of its stages; a checkpoint after stage 0 serves both targets.
        let path = checkpointPath("forks")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trunkSchedule = try #require(ScheduleForks.trunkSchedule(of: schedules))
        #expect(trunkSchedule.targetNonzeros == 4)
        let partial = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: trunkSchedule, restart: true,
                                            carryOptimizerState: false, densePathFraction: 0.3, initial: initial)
        partial.runStage(0, on: problem.split.train)
        try partial.writeCheckpoint(to: path, run: "forks")
        let trunk = try CompressedELSATrainer.resume(from: path, run: "forks", configuration: configuration, schedule: trunkSchedule,
                                                     restart: true, densePathFraction: 0.3, initial: initial)
        #expect(ScheduleForks.canResume(schedules, stagesDone: trunk.stagesDone))
        var resumed: [Int: FixedPatternEmbedding] = [:]
        var checkpoints: [Int] = []
        ScheduleForks.train(schedules, initial: initial, configuration: configuration, restart: true, densePathFraction: 0.3,
                            interactions: problem.split.train, resume: trunk,
                            checkpoint: { checkpoints.append($0.stagesDone) }) { schedule, trainer in
            resumed[schedule.targetNonzeros] = trainer.currentEmbedding
        }
        #expect(resumed == uninterrupted)
        #expect(resumed.count == 2)
        #expect(checkpoints == Array(2...trunkSchedule.stages.count))
        // A target that left the trunk before the checkpoint's stage cannot fork from it.
        #expect(trunkSchedule.stages.map(\.k) == [32, 8, 4])
        #expect(ScheduleForks.canResume(schedules, stagesDone: 2))
        #expect(!ScheduleForks.canResume(schedules, stagesDone: 3))
        #expect(ScheduleForks.canResume([trunkSchedule], stagesDone: 3))
    }

    @Test("a checkpoint of another run, or a damaged one, is refused with an error naming the file")
    func refusals() throws {
        let schedule = try SparsificationSchedule.exponential(dimension: checkpointDimension, targetNonzeros: 4, epochsPerStage: 1)
        let trainer = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: true,
                                            carryOptimizerState: false, densePathFraction: 0.3, initial: initial)
        for index in 0..<2 { trainer.runStage(index, on: problem.split.train) }
        let path = checkpointPath("refusals")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trainer.writeCheckpoint(to: path, run: "data A")
        func resume(run: String = "data A", configuration: TrainingConfiguration? = nil,
                    schedule other: SparsificationSchedule? = nil) throws {
            _ = try CompressedELSATrainer.resume(from: path, run: run, configuration: configuration ?? self.configuration,
                                                 schedule: other ?? schedule, restart: true, densePathFraction: 0.3, initial: initial)
        }
        try resume()
        var threads = configuration
        threads.threads = 1
        try resume(configuration: threads)  // the thread count does not matter
        #expect(throws: CheckpointError.self) { try resume(run: "data B") }
        // A fork continues another run's trunk under its own label when it accepts the trunk's.
        func fork(accepting: @escaping (String) -> Bool) throws -> CompressedELSATrainer {
            try CompressedELSATrainer.resume(from: path, run: "data A, with a teacher", alsoAccepting: accepting,
                                             configuration: configuration, schedule: schedule, restart: true,
                                             densePathFraction: 0.3, initial: initial)
        }
        #expect(throws: CheckpointError.self) { try fork { $0 == "data B" } }
        let forked = try fork { $0 == "data A" }
        #expect(forked.stagesDone == 2 && forked.history == trainer.history)
        #expect(forked.currentDense == trainer.currentDense && forked.currentEmbedding == trainer.currentEmbedding)
        var rate = configuration
        rate.optimizer.learningRate = 0.05
        do {
            try resume(configuration: rate)
            Issue.record("a checkpoint of another learning rate was accepted")
        } catch let error as CheckpointError {
            // The message names the file and the field that differs, with both values.
            #expect(error.description.hasPrefix(path))
            #expect(error.description.contains("optimizer.learningRate 0.1 in the checkpoint, 0.05 here"), "\(error)")
        }
        let stepwise = try SparsificationSchedule.stepwise(dimension: checkpointDimension, targetNonzeros: 4, stages: [32, 16, 4], epochsPerStage: 1)
        #expect(throws: CheckpointError.self) { try resume(schedule: stepwise) }
        // Another dense-path switch (the default follows the BLAS kernels): the message gives the checkpoint's.
        do {
            _ = try CompressedELSATrainer.resume(from: path, run: "data A", configuration: configuration, schedule: schedule,
                                                 restart: true, densePathFraction: 0.15, initial: initial)
            Issue.record("a checkpoint of another dense-path fraction was accepted")
        } catch let error as CheckpointError {
            #expect(error.description.contains("--dense-path-fraction 0.3"), "\(error)")
        }

        try expectDamagedCheckpointsRefused(at: path) { try resume() }
    }

    @Test("a checkpoint keeps the regrowth its stages ran with; a trunk of one-epoch stages takes any")
    func regrowthOfTheStagesRun() throws {
        let regrowth = PatternRegrowth(fraction: 0.5, batches: 1)
        func trainer(_ schedule: SparsificationSchedule, _ regrowth: PatternRegrowth?) -> CompressedELSATrainer {
            let trainer = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: true,
                                                carryOptimizerState: false, densePathFraction: 0.3, initial: initial)
            trainer.regrowth = regrowth
            return trainer
        }
        func resume(_ path: String, _ schedule: SparsificationSchedule, _ regrowth: PatternRegrowth?) throws -> CompressedELSATrainer {
            try CompressedELSATrainer.resume(from: path, run: "regrowth", configuration: configuration, schedule: schedule,
                                             restart: true, densePathFraction: 0.3, regrowth: regrowth, initial: initial)
        }
        let path = checkpointPath("regrowth")
        defer { try? FileManager.default.removeItem(atPath: path) }

        // Step-wise with E = 2: every stage has two epochs, so stages 1 and 2 (k = 8 and 6, sparse) swapped
        // entries before the checkpoint.
        let twoEpochs = try SparsificationSchedule.stepwise(dimension: checkpointDimension, targetNonzeros: 4, stages: [32, 8, 6, 4],
                                                            epochsPerStage: 2)
        let whole = trainer(twoEpochs, regrowth)
        whole.train(problem.split.train)
        let first = trainer(twoEpochs, regrowth)
        for index in 0..<3 { first.runStage(index, on: problem.split.train) }
        #expect(first.history.contains { ($0.regrown ?? 0) > 0 })
        try first.writeCheckpoint(to: path, run: "regrowth")
        let second = try resume(path, twoEpochs, regrowth)
        #expect(second.regrowth == regrowth)
        for index in 3..<twoEpochs.stages.count { second.runStage(index, on: problem.split.train) }
        #expect(second.currentEmbedding == whole.currentEmbedding)
        #expect(second.history.map(\.regrown) == whole.history.map(\.regrown))
        for other in [nil, PatternRegrowth(fraction: 0.3, batches: 1), PatternRegrowth(fraction: 0.5, batches: 2)] {
            do {
                _ = try resume(path, twoEpochs, other)
                Issue.record("a checkpoint regrown with \(regrowth) was resumed with \(String(describing: other))")
            } catch let error as CheckpointError {
                #expect(error.description.hasPrefix(path) && error.description.contains("regrowth fraction 0.5 with 1 batches"), "\(error)")
            }
        }

        // Exponential, E = 1, three epochs at the target: the stages before it have one epoch each, so a trunk
        // trained without regrowth forks into a regrowing target equal to a regrowing run from the start.
        let oneEpoch = try SparsificationSchedule.exponential(dimension: checkpointDimension, targetNonzeros: 4, epochsPerStage: 1)
            .withTargetEpochs(3)
        let regrowing = trainer(oneEpoch, regrowth)
        regrowing.train(problem.split.train)
        #expect(regrowing.history.last(where: { $0.regrown != nil }) != nil)
        let trunk = trainer(oneEpoch, nil)
        for index in 0..<(oneEpoch.stages.count - 1) { trunk.runStage(index, on: problem.split.train) }
        try trunk.writeCheckpoint(to: path, run: "regrowth")
        let fork = try resume(path, oneEpoch, regrowth)
        fork.runStage(oneEpoch.stages.count - 1, on: problem.split.train)
        #expect(fork.currentEmbedding == regrowing.currentEmbedding)
        #expect(fork.history.map(\.regrown) == regrowing.history.map(\.regrown))
    }

    /// Trains a stepwise schedule of three stages of three epochs whole and, through a checkpoint written after
    /// its first two stages, in two pieces, every trainer given `option` by `setUp`; the second piece is
    /// `resume(path, schedule, option)`, and must end as the whole run did. Resuming with each of `others`
    /// must be refused with an error naming the file and containing `refusal`. Returns both trainers.
    private func expectCheckpointKeeps<Option>(_ option: Option, others: [Option?], refusal: String, name: String,
                                               restart: Bool, densePathFraction: Double,
                                               setUp: (CompressedELSATrainer, Option) -> Void,
                                               resume: (String, SparsificationSchedule, Option?) throws -> CompressedELSATrainer)
        throws -> (whole: CompressedELSATrainer, resumed: CompressedELSATrainer) {
        let schedule = try SparsificationSchedule.stepwise(dimension: checkpointDimension, targetNonzeros: 4, stages: [32, 8, 4],
                                                           epochsPerStage: 3)
        func trainer() -> CompressedELSATrainer {
            let trainer = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: restart,
                                                carryOptimizerState: false, densePathFraction: densePathFraction, initial: initial)
            setUp(trainer, option)
            return trainer
        }
        let whole = trainer()
        whole.train(problem.split.train)
        let first = trainer()
        for index in 0..<2 { first.runStage(index, on: problem.split.train) }
        let path = checkpointPath(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try first.writeCheckpoint(to: path, run: name)
        let second = try resume(path, schedule, option)
        second.runStage(2, on: problem.split.train)
        #expect(second.currentEmbedding == whole.currentEmbedding)
        for other in others {
            do {
                _ = try resume(path, schedule, other)
                Issue.record("a checkpoint of \(option) was resumed with \(String(describing: other))")
            } catch let error as CheckpointError {
                #expect(error.description.hasPrefix(path) && error.description.contains(refusal), "\(error)")
            }
        }
        return (whole, second)
    }

    @Test("a checkpoint keeps the learning-rate decay its stages of several epochs ran with")
    func learningRateDecayOfTheStagesRun() throws {
        let (whole, resumed) = try expectCheckpointKeeps(
            StageLearningRateDecay(floor: 0.2), others: [nil, StageLearningRateDecay(floor: 0.5)],
            refusal: "learning-rate decay to 0.2 of the rate", name: "decay", restart: true, densePathFraction: 0.3,
            setUp: { $0.learningRateDecay = $1 },
            resume: { path, schedule, decay in
                try CompressedELSATrainer.resume(from: path, run: "decay", configuration: configuration, schedule: schedule,
                                                 restart: true, densePathFraction: 0.3, learningRateDecay: decay, initial: initial)
            })
        #expect(resumed.history.map(\.learningRate) == whole.history.map(\.learningRate))
    }

    @Test("a checkpoint keeps the weight averaging its stages of several epochs ran with")
    func weightAveragingOfTheStagesRun() throws {
        // The checkpoint holds the averaged k = 8 stage; the resumed run prunes it to k = 4 as the whole run did.
        _ = try expectCheckpointKeeps(
            StageWeightAveraging(epochs: 2), others: [nil, StageWeightAveraging(epochs: 3)],
            refusal: "weight averaging of the last 2 epochs", name: "averaging", restart: false, densePathFraction: 1,
            setUp: { $0.weightAveraging = $1 },
            resume: { path, schedule, averaging in
                try CompressedELSATrainer.resume(from: path, run: "averaging", configuration: configuration, schedule: schedule,
                                                 restart: false, densePathFraction: 1, weightAveraging: averaging, initial: initial)
            })
    }
}

/// Flips one byte in the middle of the checkpoint at `path` (the checksum must catch it, with an
/// error naming the file), then truncates it: `resume` must refuse both.
func expectDamagedCheckpointsRefused(at path: String, resume: () throws -> Void) throws {
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[bytes.count / 2] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    do {
        try resume()
        Issue.record("a damaged checkpoint was accepted")
    } catch let error as DataError {
        #expect(error.description.contains(path) && error.description.contains("checksum"))
    }
    try Data(bytes.prefix(bytes.count - 10)).write(to: URL(fileURLWithPath: path))
    #expect(throws: DataError.self) { try resume() }
}
