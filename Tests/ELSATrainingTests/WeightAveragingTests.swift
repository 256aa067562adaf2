import Foundation
import Testing
import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining

/// The weights after each epoch of one sparse stage (row-normalized, before any swap), recorded by the epoch hook,
/// and the trainer at the stage's end.
private func trainOneStage(problem: PlantedProblem, epochs: Int, averaging: StageWeightAveraging?,
                           regrowth: PatternRegrowth? = nil, densePathFraction: Double = 1)
    throws -> (trainer: CompressedELSATrainer, epochs: [FixedPatternEmbedding]) {
    let configuration = TrainingConfiguration(dimension: 16, batchSize: 64, seed: 8)
    let schedule = try SparsificationSchedule.constant(dimension: 16, targetNonzeros: 4, epochs: epochs)
    let trainer = CompressedELSATrainer(itemCount: 80, configuration: configuration, schedule: schedule, restart: false,
                                        densePathFraction: densePathFraction)
    trainer.weightAveraging = averaging
    trainer.regrowth = regrowth
    var seen: [FixedPatternEmbedding] = []
    trainer.runStage(0, on: problem.split.train, afterEpoch: { _ in
        seen.append(trainer.currentEmbedding!.normalizedRows(threads: 1).normalized)
        return nil
    })
    return (trainer, seen)
}

@Test func weightAveragingCountsTheLastEpochsOfAStageOfSeveral() {
    let averaging = StageWeightAveraging(epochs: 3)
    #expect((0..<5).map { averaging.includes(epoch: $0, of: 5) } == [false, false, true, true, true])
    #expect((0..<2).map { averaging.includes(epoch: $0, of: 2) } == [true, true])  // a shorter stage: all of it
    #expect(!averaging.includes(epoch: 0, of: 1))  // one-epoch stages are left alone
}

@Test(arguments: [1.0, 0.0])
func averagedStageEndsOnTheMeanOfItsLastEpochsNormalizedWeights(densePathFraction: Double) throws {
    // densePathFraction 1: the sparse kernels; 0: the masked dense path (k = 4 of d = 16 either way).
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let (averaged, seen) = try trainOneStage(problem: problem, epochs: 4, averaging: StageWeightAveraging(epochs: 3),
                                             densePathFraction: densePathFraction)
    let (plain, plainSeen) = try trainOneStage(problem: problem, epochs: 4, averaging: nil, densePathFraction: densePathFraction)
    #expect(averaged.stageLog.map(\.dense) == [densePathFraction == 0])
    // Averaging does not touch the trajectory, only the weights the stage ends on.
    #expect(averaged.history.map(\.loss) == plain.history.map(\.loss))
    #expect(seen == plainSeen)
    let final = try #require(averaged.currentEmbedding)
    #expect(final.columnIndices == seen[3].columnIndices)
    for p in final.values.indices {
        let mean = (seen[1].values[p] + seen[2].values[p] + seen[3].values[p]) / 3
        #expect(abs(final.values[p] - mean) <= 1e-6, "entry \(p)")
    }
    #expect(final.values != seen[3].values)
    // Without averaging the stage ends on its last epoch's weights (normalized here, raw there).
    #expect(plain.currentEmbedding!.normalizedRows(threads: 1).normalized == seen[3])
    if densePathFraction == 0 {
        // The dense weights hold the mean on the pattern and zeros elsewhere.
        let dense = try #require(averaged.currentDense)
        #expect(dense == final.toDense())
    }
}

@Test func averagingAcrossSwapsCountsAnEntryFromTheEpochItLastJoined() throws {
    let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
    let (trainer, seen) = try trainOneStage(problem: problem, epochs: 4, averaging: StageWeightAveraging(epochs: 3),
                                            regrowth: PatternRegrowth(fraction: 0.5, batches: 1))
    #expect(trainer.history.compactMap(\.regrown).count == 2)  // swaps after the first and second epochs
    let final = try #require(trainer.currentEmbedding)
    let k = final.nonzerosPerRow
    func value(_ snapshot: FixedPatternEmbedding, row: Int, latent: Int32) -> Float? {
        let range = (row * k)..<((row + 1) * k)
        return range.first { snapshot.columnIndices[$0] == latent }.map { snapshot.values[$0] }
    }
    var joinedLate = 0
    for row in 0..<final.itemCount {
        for p in (row * k)..<((row + 1) * k) {
            let latent = final.columnIndices[p]
            // Walk back from the last epoch while the entry was in the pattern; earlier epochs count 0.
            var sum: Float = 0, present = 0
            for snapshot in seen[1...].reversed() {
                guard let v = value(snapshot, row: row, latent: latent) else { break }
                sum += v
                present += 1
            }
            if present < 3 { joinedLate += 1 }
            #expect(abs(final.values[p] - sum / 3) <= 1e-6, "row \(row), latent \(latent)")
        }
    }
    #expect(joinedLate > 0)  // the swap after the second epoch grew entries inside the window
}

@Test func storedWeightAveragingOutsideItsRangeIsRefused() throws {
    let decoder = JSONDecoder()
    let averaging = StageWeightAveraging(epochs: 4)
    #expect(try decoder.decode(StageWeightAveraging.self, from: JSONEncoder().encode(averaging)) == averaging)
    for json in [#"{"epochs": 1}"#, #"{"epochs": 0}"#, #"{"epochs": -3}"#] {
        #expect(throws: DecodingError.self) { try decoder.decode(StageWeightAveraging.self, from: Data(json.utf8)) }
    }
}
