import ELSAData
import ELSASparse
import ELSATraining
import _TestSupport
import _ELSASupport

/// libFuzzer target: `DenseELSATrainer.resume` on any bytes (a `SectionFile` "ELSADENS"), with the
/// checksum recomputed so that the checks behind it are what must refuse a bad file. Every input
/// gives a `DataError` or `CheckpointError` naming the file, or a trainer with finite state.
let configuration = TrainingConfiguration(dimension: 4, epochs: 3, batchSize: 16, threads: 1, seed: 2)
let itemCount = 6

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = FuzzSupport.bytes(data, size)
    Rechecksum.sectionFile(&bytes)
    let path = FuzzSupport.file("dense.checkpoint", bytes)
    do {
        let (trainer, kept) = try DenseELSATrainer.resume(from: path, run: "fuzz", configuration: configuration, itemCount: itemCount)
        FuzzSupport.require(trainer.parameters.storage.count == itemCount * configuration.dimension
                            && trainer.parameters.storage.allSatisfy { $0.isFinite }, "weights")
        if let matrix = kept?.normalizedMatrix {
            FuzzSupport.require(matrix.storage.allSatisfy { $0.isFinite }, "kept matrix")
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
        let trainer = DenseELSATrainer(itemCount: itemCount, configuration: configuration)
        let fresh = try FuzzSupport.written("fresh") { try trainer.writeCheckpoint(to: $0, run: "fuzz") }
        trainer.train(interactions, epochs: 1)
        let oneEpoch = try FuzzSupport.written("one") { try trainer.writeCheckpoint(to: $0, run: "fuzz") }
        trainer.train(interactions, epochs: 1)
        let kept = DenseELSATrainer.KeptEpoch(epoch: 1, recall: 0.5, normalizedMatrix: trainer.parameters)
        let withKept = try FuzzSupport.written("kept") { try trainer.writeCheckpoint(to: $0, run: "fuzz", kept: kept) }
        return [("fresh.checkpoint", fresh), ("one-epoch.checkpoint", oneEpoch), ("kept.checkpoint", withKept)]
    }
    return 0
}
