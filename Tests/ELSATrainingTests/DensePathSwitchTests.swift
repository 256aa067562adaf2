import Testing
import ELSAData
import ELSALinearAlgebra
@testable import ELSATraining
import _ELSASupport

@Test func theSwitchFollowsTheGEMMKernelsOpenBLASRuns() {
    for name in ["SkylakeX", "SKYLAKEX", "cooperlake", "SapphireRapids"] {
        #expect(DensePathSwitch.fraction(coreType: name) == DensePathSwitch.avx512Fraction, "\(name)")
    }
    for name in ["Zen", "Haswell", "SandyBridge", "Prescott", ""] {
        #expect(DensePathSwitch.fraction(coreType: name) == DensePathSwitch.avx2Fraction, "\(name)")
    }
    // The faster AVX-512 GEMM moves the break-even down.
    #expect(DensePathSwitch.avx512Fraction < DensePathSwitch.avx2Fraction)
    #expect(CompressedELSATrainer.defaultDensePathFraction
            == DensePathSwitch.fraction(coreType: BLASCoreType.current, cpu: CPUIdentity.machine))
}

@Test func anAMDFamily25CPUGetsTheAVX2SwitchWhateverKernelsItRuns() {
    // Zen 4 (family 25, model 17) runs OpenBLAS 0.3.21's Cooperlake kernels with every 512-bit operation
    // split in two; Zen 3 (the same family) runs the Zen (AVX2) ones.
    let zen = CPUIdentity(vendor: "AuthenticAMD", family: 25)
    let xeon = CPUIdentity(vendor: "GenuineIntel", family: 6)
    #expect(DensePathSwitch.fraction(coreType: "Cooperlake", cpu: zen) == DensePathSwitch.avx2Fraction)
    #expect(DensePathSwitch.fraction(coreType: "SkylakeX", cpu: zen) == DensePathSwitch.avx2Fraction)
    #expect(DensePathSwitch.fraction(coreType: "Zen", cpu: zen) == DensePathSwitch.avx2Fraction)
    #expect(DensePathSwitch.fraction(coreType: "Cooperlake", cpu: xeon) == DensePathSwitch.avx512Fraction)
    // A later AMD family (full-width 512-bit units) and an unknown CPU follow the kernel set.
    #expect(DensePathSwitch.fraction(coreType: "SkylakeX", cpu: CPUIdentity(vendor: "AuthenticAMD", family: 26))
            == DensePathSwitch.avx512Fraction)
    #expect(DensePathSwitch.fraction(coreType: "SkylakeX", cpu: .unknown) == DensePathSwitch.avx512Fraction)
    #expect(!DensePathSwitch.hasFullWidthAVX512GEMM(coreType: "Cooperlake", cpu: zen))
    #expect(DensePathSwitch.hasAVX512GEMM(coreType: "Cooperlake"))
}

@Test func aStageBetweenTheTwoSwitchesRunsDenseOnlyWithAVX512Kernels() throws {
    // d = 50: k = 10 is 0.2 d, above the AVX-512 switch and below the AVX2 one; k = 4 is below both.
    let problem = try PlantedProblem(users: 400, items: 40, segments: 4)
    let configuration = TrainingConfiguration(dimension: 50, batchSize: 64, seed: 3)
    let schedule = try SparsificationSchedule.stepwise(dimension: 50, targetNonzeros: 4, stages: [50, 10, 4], epochsPerStage: 1)
    var paths: [String: [Bool]] = [:]
    for core in ["SkylakeX", "Zen"] {
        let trainer = CompressedELSATrainer(itemCount: 40, configuration: configuration, schedule: schedule, restart: true,
                                            densePathFraction: DensePathSwitch.fraction(coreType: core))
        trainer.train(problem.split.train)
        #expect(trainer.stageLog.map(\.k) == [50, 10, 4])
        paths[core] = trainer.stageLog.map(\.dense)
    }
    #expect(paths["SkylakeX"] == [true, true, false])
    #expect(paths["Zen"] == [true, false, false])
}

@Test func aStageWithRegrowthRunsOnTheSparseKernelsAboveTheSwitch() throws {
    // k = 10 of d = 50 is above the AVX-512 switch; regrowth needs the sparse pattern, so it runs sparse and swaps.
    let problem = try PlantedProblem(users: 400, items: 40, segments: 4)
    let configuration = TrainingConfiguration(dimension: 50, batchSize: 64, seed: 3)
    let schedule = try SparsificationSchedule.stepwise(dimension: 50, targetNonzeros: 10, stages: [50, 10], epochsPerStage: 3)
    let trainer = CompressedELSATrainer(itemCount: 40, configuration: configuration, schedule: schedule, restart: true,
                                        densePathFraction: DensePathSwitch.avx512Fraction)
    trainer.regrowth = PatternRegrowth(fraction: 0.5, batches: 1)
    trainer.train(problem.split.train)
    #expect(trainer.stageLog.map(\.dense) == [true, false])
    // Swaps after the first two epochs of the k = 10 stage: round(0.5 · 10 · (1 + cos(π t / 3)) / 2) rows' worth each.
    #expect(trainer.history.suffix(3).map { $0.regrown ?? 0 } == [40 * 4, 40 * 1, 0])
}
