import ELSAData

/// libFuzzer target: the `csv` reader. The first input byte picks one of `layouts` (separator,
/// header, columns); the rest is the file. Every input gives a `DataError` naming the file or
/// sound interactions (see `InteractionChecks`).
let layouts: [ReaderOptions] = [
    .default,
    ReaderOptions(ratingColumn: 2, timestampColumn: 3),
    ReaderOptions(separator: .tab, header: .absent, ratingColumn: 2),
    ReaderOptions(separator: .whitespace, header: .present, userColumn: 1, itemColumn: 0, idOrder: .firstAppearance),
    ReaderOptions(separator: .literal("::"), header: .detect, ratingColumn: 5),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let options = layouts[Int(data[0]) % layouts.count]
    InteractionChecks.read(FuzzSupport.bytes(data + 1, size - 1), name: "ratings.csv", format: .csv, options: options)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzSupport.writeSeedsIfAsked {
        [
            (0, "pairs.csv", "user,item\n1,10\nalice,bob\n2,10\n"),
            (1, "ratings.csv", "user,item,rating,time\n1,10,4.5,1000\nalice,bob,3,2001-02-03\n2,10,-1e0,7\n\n3,7,2,8\n"),
            (2, "ratings.tsv", "10\tb\t1\n9\ta\t2.5\nzed\t007\t3\n"),
            (3, "swapped.txt", "item user\n10 1\n11  2\n"),
            (4, "colons.txt", "1::2::x::y::z::5\n3::4::x::y::z::1e3\n"),
        ].map { (layout, name, text) in (name, [UInt8(layout)] + Array(text.utf8)) }
    }
    return 0
}
