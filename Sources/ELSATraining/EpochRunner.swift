import ELSASparse
import _ELSASupport

/// One pass over the users in seeded batches, shared by dense and sparse trainers.
enum EpochRunner {
    /// Runs the epoch's batches through `step`, which returns the batch loss and whether the weights are all
    /// finite after it. The first non-finite loss or weight ends the epoch with a `TrainingFailure` naming it.
    static func run(epoch: Int, interactions: CSRMatrix, configuration: TrainingConfiguration, k: Int, stage: Int,
                    observer: TrainingObserver?, step: (TrainingBatch) -> (loss: Double, weightsFinite: Bool))
        -> (report: EpochReport, failure: TrainingFailure?) {
        let start = ContinuousClock.now
        let schedule = BatchSchedule(users: interactions.rows, batchSize: configuration.batchSize,
                                     seed: configuration.seed, epoch: epoch)
        var generator = SeededGenerator(seed: configuration.seed, stream: 0xBA7C4 &+ UInt64(epoch))
        // A stream of its own, so that runs without dropout draw exactly what they drew before it existed.
        var dropoutGenerator = SeededGenerator(seed: configuration.seed, stream: 0xD80F_0000 &+ UInt64(epoch))
        var lossSum = 0.0
        var counted = 0
        var failure: TrainingFailure?
        for (index, users) in schedule.batches.enumerated() {
            let rows = interactions.selectingRows(users)
            if rows.nonzeroCount == 0 { continue }
            let input = configuration.inputDropout > 0
                ? TrainingBatch.droppingEntries(of: rows, probability: configuration.inputDropout, generator: &dropoutGenerator)
                : nil
            var batch = TrainingBatch(rows: rows, inputRows: input, maxOutput: configuration.maxOutput, generator: &generator)
            batch.users = users
            let (loss, finite) = step(batch)
            if !loss.isFinite || !finite {
                failure = TrainingFailure(kind: loss.isFinite ? .nonFiniteWeights : .nonFiniteLoss(loss), epoch: epoch,
                                          batch: index + 1, learningRate: configuration.optimizer.learningRate)
                break
            }
            lossSum += loss
            counted += 1
            observer?.batchFinished(epoch: epoch, batch: index + 1, of: schedule.batches.count, loss: lossSum / Double(counted))
        }
        let elapsed = seconds(since: start)
        var report = EpochReport(epoch: epoch, loss: counted == 0 ? 0 : lossSum / Double(counted), seconds: elapsed,
                                 k: k, stage: stage, usersPerSecond: Double(interactions.rows) / max(elapsed, 1e-9))
        let resident = MemoryUsage.residentBytes
        report.residentBytes = resident
        report.peakResidentBytes = max(MemoryUsage.peakResidentBytes, resident ?? 0)
        report.stagePeakResidentBytes = MemoryUsage.peakSinceReset
        return (report, failure)
    }
}
