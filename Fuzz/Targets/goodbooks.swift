import ELSAData

/// libFuzzer target: the `goodbooks` reader (`InteractionReader.read`) on any bytes, then `Preprocessing.apply`.
/// Every input gives a `DataError` naming the file or sound interactions (see `InteractionChecks`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    InteractionChecks.read(FuzzSupport.bytes(data, size), name: "ratings.csv", format: .goodbooks)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        [
            ("ratings.csv", "user_id,book_id,rating\n1,258,5\n2,4081,4\n2,260,5\n"),
            ("old-order.csv", "book_id,user_id,rating\n1,314,5\n1,439,3\n"),
            ("no-header.csv", "1,258,5\n2,4081,4\n"),
        ].map { ($0.0, Array($0.1.utf8)) }
    }
    return 0
}
