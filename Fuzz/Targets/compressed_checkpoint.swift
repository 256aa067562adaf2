import ELSAData
import ELSALinearAlgebra
import ELSASparse
import ELSATraining
import _TestSupport
import _ELSASupport

/// libFuzzer target: `CompressedELSATrainer.resume` on any bytes (a `SectionFile` "ELSACKPT"), with
/// the checksum recomputed so that the checks behind it are what must refuse a bad file. Every
/// input gives a `DataError` or `CheckpointError` naming the file, or a trainer with finite state.
let configuration = TrainingConfiguration(dimension: 4, epochs: 3, batchSize: 16, threads: 1, seed: 2)
let itemCount = 6
let schedule = try! SparsificationSchedule.exponential(dimension: 4, targetNonzeros: 1, epochsPerStage: 1)
let initial = XavierInitializer.matrix(rows: itemCount, columns: 4, seed: 2)

func trainer() -> CompressedELSATrainer {
    CompressedELSATrainer(itemCount: itemCount, configuration: configuration, schedule: schedule, restart: true,
                          carryOptimizerState: false, densePathFraction: 0.6, initial: initial)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = FuzzSupport.bytes(data, size)
    Rechecksum.sectionFile(&bytes)
    let path = FuzzSupport.file("compressed.checkpoint", bytes)
    do {
        let resumed = try CompressedELSATrainer.resume(from: path, run: "fuzz", configuration: configuration, schedule: schedule,
                                                       restart: true, densePathFraction: 0.6, initial: initial)
        FuzzSupport.require(resumed.stagesDone <= schedule.stages.count, "stages done")
        if let embedding = resumed.currentEmbedding {
            FuzzSupport.require(embedding.values.allSatisfy { $0.isFinite }, "a non-finite weight")
        }
    } catch {
        FuzzSupport.require(error is DataError || error is CheckpointError, "not a DataError or CheckpointError: \(error)")
        FuzzSupport.requireNamed(error, path)
    }
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        let interactions = CSRMatrix(rows: 8, columns: itemCount,
                                     binaryRows: [[0, 1], [1, 2, 3], [4, 5], [0, 5], [2, 4], [1, 3], [0, 2, 4], [3, 5]])
        let run = trainer()
        var seeds: [(String, [UInt8])] = []
        for index in 0..<schedule.stages.count {
            run.runStage(index, on: interactions)
            seeds.append(("stage-\(index).checkpoint",
                          try FuzzSupport.written("stage-\(index)") { try run.writeCheckpoint(to: $0, run: "fuzz") }))
        }
        return seeds
    }
    return 0
}
