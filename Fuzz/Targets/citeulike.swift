import ELSAData

/// libFuzzer target: the `citeulike` reader (`InteractionReader.read`) on any bytes, then `Preprocessing.apply`.
/// Every input gives a `DataError` naming the file or sound interactions (see `InteractionChecks`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    InteractionChecks.read(FuzzSupport.bytes(data, size), name: "users.dat", format: .citeulike)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        [
            ("users.dat", "3 1 2 3\n1 0\n2 4 1\n"),
        ].map { ($0.0, Array($0.1.utf8)) }
    }
    return 0
}
