import ELSAData

/// libFuzzer target: the `movielens` reader (`InteractionReader.read`) on any bytes, then `Preprocessing.apply`.
/// Every input gives a `DataError` naming the file or sound interactions (see `InteractionChecks`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    InteractionChecks.read(FuzzSupport.bytes(data, size), name: "ratings.dat", format: .movielens)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        [
            ("ratings.dat", "1::10::5::978300760\n1::11::3.5::978300761\n2::10::1::978300762\n"),
            ("ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.0,964982703\n2,11,0.5,964982224\n"),
        ].map { ($0.0, Array($0.1.utf8)) }
    }
    return 0
}
