import ELSAData
import ELSASparse
import _TestSupport
import _ELSASupport

/// libFuzzer target: `InteractionCache.read` on any bytes, with the checksum recomputed so that
/// the checks behind it are what must refuse a bad file. Every input gives a `DataError` naming
/// the file or a consistent dataset.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = FuzzSupport.bytes(data, size)
    Rechecksum.interactionCache(&bytes)
    let path = FuzzSupport.file("data.cache", bytes)
    do {
        InteractionChecks.requireConsistent(try InteractionCache.read(from: path))
    } catch {
        FuzzSupport.require(error is DataError, "not a DataError: \(error)")
        FuzzSupport.requireNamed(error, path)
    }
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        let synthetic = SyntheticData.generate(SyntheticConfiguration(userCount: 12, itemCount: 6, segmentCount: 2,
                                                                      interactionsPerUser: 3, seed: 1)).dataset
        let named = InteractionDataset(interactions: CSRMatrix(rows: 3, columns: 4, binaryRows: [[0, 3], [], [1, 2]]),
                                       userIDs: ["alice", "", "bjørn"], itemIDs: ["0", "two", "李", "3"])
        return try [("synthetic.cache", synthetic), ("named.cache", named)].map { name, dataset in
            (name, try FuzzSupport.written(name) { try InteractionCache.write(dataset, to: $0) })
        }
    }
    return 0
}
