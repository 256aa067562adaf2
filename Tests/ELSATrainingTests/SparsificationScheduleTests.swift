import Testing
@testable import ELSATraining

@Test func exponentialScheduleMatchesTheWorkedExample() throws {
    let schedule = try SparsificationSchedule.exponential(dimension: 4096, targetNonzeros: 16, epochsPerStage: 10)
    let ks = schedule.stages.map(\.k)
    // SPEC: 70 one-epoch stages (4096, 1910, 1782, ..., 1024 at stage 10, ..., 512, ..., 32, ..., 17), then 10 epochs at 16.
    #expect(schedule.stages.count == 71)
    #expect(ks.prefix(3) == [4096, 1910, 1782])
    #expect(ks[10] == 1024)
    #expect(ks[20] == 512)
    #expect(ks[60] == 32)
    #expect(ks[69] == 17)
    #expect(schedule.stages.last == .init(k: 16, epochs: 10))
    #expect(schedule.stages.dropLast().allSatisfy { $0.epochs == 1 })
    #expect(schedule.totalEpochs == 80)
    // floor(4096 / 2^(i/10 + 1)) computed independently for a few i.
    for i in [1, 5, 33, 47, 68] {
        var value = 4096.0
        for _ in 0..<(i / 10 + 1) { value /= 2 }
        var fractional = 1.0
        for _ in 0..<(i % 10) { fractional *= 1.0717734625362931 }  // 2^(1/10)
        #expect(ks[i] == Int((value / fractional).rounded(.down)), "stage \(i)")
    }
}

@Test func otherSchedulesHaveTheirDocumentedStages() throws {
    let constant = try SparsificationSchedule.constant(dimension: 256, targetNonzeros: 8, epochs: 5)
    #expect(constant.stages == [.init(k: 8, epochs: 5)])
    let stepwise = try SparsificationSchedule.stepwise(dimension: 256, targetNonzeros: 16, stages: [256, 64], epochsPerStage: 3)
    #expect(stepwise.stages.map(\.k) == [256, 64, 16])
    #expect(stepwise.totalEpochs == 9)
    let linear = try SparsificationSchedule.linear(dimension: 1024, targetNonzeros: 16, epochsPerStage: 4)
    // L = log2(1024/16) = 6 levels: 4·5 = 20 one-epoch stages from 1024 down, then 4 epochs at 16.
    #expect(linear.stages.count == 21)
    #expect(linear.stages.first == .init(k: 1024, epochs: 1))
    #expect(linear.stages[10].k == 1024 - (1024 - 16) * 10 / 20)
    #expect(linear.stages.last == .init(k: 16, epochs: 4))
    #expect(zip(linear.stages, linear.stages.dropFirst()).allSatisfy { $0.k > $1.k })
    #expect(throws: SparsificationSchedule.InvalidSchedule.self) {
        try SparsificationSchedule.stepwise(dimension: 256, targetNonzeros: 16, stages: [64, 128], epochsPerStage: 1)
    }
    #expect(throws: SparsificationSchedule.InvalidSchedule.self) {
        try SparsificationSchedule.exponential(dimension: 64, targetNonzeros: 128, epochsPerStage: 1)
    }
}

@Test func targetEpochsChangeOnlyTheLastStage() throws {
    let paper = try SparsificationSchedule.make(.exponential, dimension: 4096, targetNonzeros: 16, epochsPerStage: 10)
    let longer = try SparsificationSchedule.make(.exponential, dimension: 4096, targetNonzeros: 16, epochsPerStage: 10,
                                                 targetEpochs: 30)
    #expect(longer.stages.dropLast() == paper.stages.dropLast())
    #expect(longer.stages.last == .init(k: 16, epochs: 30))
    #expect(longer.totalEpochs == 70 + 30)
    // A constant schedule has one stage: its epochs are the target epochs.
    let constant = try SparsificationSchedule.make(.constant, dimension: 64, targetNonzeros: 8, epochsPerStage: 5, targetEpochs: 2)
    #expect(constant.stages == [.init(k: 8, epochs: 2)])
    #expect(try SparsificationSchedule.make(.linear, dimension: 64, targetNonzeros: 8, epochsPerStage: 2, targetEpochs: nil)
            == SparsificationSchedule.linear(dimension: 64, targetNonzeros: 8, epochsPerStage: 2))
    #expect(throws: SparsificationSchedule.InvalidSchedule.self) {
        try SparsificationSchedule.make(.exponential, dimension: 64, targetNonzeros: 8, epochsPerStage: 2, targetEpochs: 0)
    }
}
