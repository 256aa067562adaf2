import ELSAData

/// libFuzzer target: the `netflix` reader (`InteractionReader.read`) on any bytes, then `Preprocessing.apply`.
/// Every input gives a `DataError` naming the file or sound interactions (see `InteractionChecks`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    InteractionChecks.read(FuzzSupport.bytes(data, size), name: "combined_data_1.txt", format: .netflix)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        [
            ("combined_data_1.txt", "1:\n14,3,2005-09-06\n8,5,2005-05-13\n2:\n88,4,2005-10-19\n"),
        ].map { ($0.0, Array($0.1.utf8)) }
    }
    return 0
}
