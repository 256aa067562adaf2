import _ELSASupport
extension InteractionReader {
    /// CiteULike `users.dat`: line u (1-based line u + 1) is user u, `count i1 i2 ...`.
    /// Every line is a user, so a blank line is malformed; `count` must equal the number of items.
    static func readCiteULike(file: String, into builder: inout RawInteractionsBuilder) throws {
        try scan(file: file, into: &builder) { base, count, builder in
            var cursor = LineCursor(base: base, count: count)
            builder.reserve(records: count / 5, withRatings: false, withTimestamps: false)
            while let line = cursor.next() {
                var position = line.start
                let end = line.end
                let user = builder.users.index(ofInteger: Int64(cursor.lineNumber - 1))
                var declared: Int64 = -1
                var found = 0
                while true {
                    while position < end && ByteParsing.isBlank(base[position]) { position += 1 }
                    if position >= end { break }
                    let tokenStart = position
                    while position < end && !ByteParsing.isBlank(base[position]) { position += 1 }
                    if declared < 0 {
                        guard let value = ByteParsing.integer(base, tokenStart, position), value >= 0 else {
                            throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason:
                                "expected the item count first, found '\(ByteParsing.excerpt(base, tokenStart, position))'")
                        }
                        declared = value
                    } else {
                        let item = try index(in: &builder.items, base, tokenStart, position, what: "item id",
                                             file: file, line: cursor.lineNumber)
                        builder.userIndices.append(user)
                        builder.itemIndices.append(item)
                        found += 1
                    }
                }
                guard declared >= 0 else {
                    throw DataError.malformedLine(file: file, line: cursor.lineNumber,
                                                  reason: "blank line; every line is a user: 'count item item ...'")
                }
                guard declared == Int64(found) else {
                    throw DataError.malformedLine(file: file, line: cursor.lineNumber,
                                                  reason: "the count says \(declared) items, the line has \(found)")
                }
            }
            builder.linesRead += cursor.lineNumber
        }
    }
}
