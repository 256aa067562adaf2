import ELSAData

/// libFuzzer target: the `adjacency` reader (`InteractionReader.read`) on any bytes, then `Preprocessing.apply`.
/// Every input gives a `DataError` naming the file or sound interactions (see `InteractionChecks`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    InteractionChecks.read(FuzzSupport.bytes(data, size), name: "train.txt", format: .adjacency)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        [
            ("train.txt", "0 1 2 3\n1 2 4\n2\n3 0 1\n"),
            ("text-ids.txt", "alice bob carol\r\nbob\tdave alice\n\u{FEFF}x y\n"),
        ].map { ($0.0, Array($0.1.utf8)) }
    }
    return 0
}
