extension InteractionReader {
    /// One adjacency file: `user item item ...` per line, whitespace separated.
    /// A line with a user and no item registers the user without interactions.
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
                        user = builder.users.index(base, tokenStart, position)
                    } else {
                        builder.userIndices.append(user)
                        builder.itemIndices.append(builder.items.index(base, tokenStart, position))
                    }
                }
            }
            builder.linesRead += cursor.lineNumber
        }
    }
}
