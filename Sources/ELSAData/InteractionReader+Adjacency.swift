extension InteractionReader {
    /// One adjacency file: `user item item ...` per line, whitespace separated.
    /// A line with a user and no item registers the user without interactions. Every token must
    /// be a valid id (`ByteParsing.isValidID`), so a binary file is refused at its first bad line.
    static func readAdjacency(file: String, into builder: inout RawInteractionsBuilder) throws {
        try scan(file: file, into: &builder) { base, count, builder in
            var cursor = LineCursor(base: base, count: count)
            builder.reserve(records: count / 6, withRatings: false, withTimestamps: false)
            while let line = cursor.next() {
                var position = line.start
                let end = line.end
                var user: Int32 = -1
                while true {
                    while position < end && ByteParsing.isBlank(base[position]) { position += 1 }
                    if position >= end { break }
                    let tokenStart = position
                    while position < end && !ByteParsing.isBlank(base[position]) { position += 1 }
                    if user < 0 {
                        user = try index(in: &builder.users, base, tokenStart, position, what: "user id",
                                         file: file, line: cursor.lineNumber)
                    } else {
                        let item = try index(in: &builder.items, base, tokenStart, position, what: "item id",
                                             file: file, line: cursor.lineNumber)
                        builder.userIndices.append(user)
                        builder.itemIndices.append(item)
                    }
                }
            }
            builder.linesRead += cursor.lineNumber
        }
    }
}
