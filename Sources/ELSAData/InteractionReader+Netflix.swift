import _ELSASupport
extension InteractionReader {
    /// One Netflix Prize `combined_data_*.txt`: a `movieID:` line opens a block
    /// of `customerID,rating,date` lines (date `YYYY-MM-DD`).
    static func readNetflix(file: String, readTimestamps: Bool, into builder: inout RawInteractionsBuilder) throws {
        try scan(file: file, into: &builder) { base, count, builder in
            var cursor = LineCursor(base: base, count: count)
            var movie: Int32 = -1
            builder.reserve(records: count / 14, withRatings: true, withTimestamps: readTimestamps)
            let recordsBefore = builder.userIndices.count
            while let line = cursor.next() {
                let (start, end) = InteractionReader.trim(base, line.start, line.end)
                if start == end { continue }
                if base[end - 1] == UInt8(ascii: ":") {
                    guard end - 1 > start else {
                        throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason: "empty movie id before ':'")
                    }
                    movie = try index(in: &builder.items, base, start, end - 1, what: "movie id",
                                      file: file, line: cursor.lineNumber)
                    continue
                }
                guard movie >= 0 else {
                    throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason:
                        "a rating line before any 'movieID:' line: '\(ByteParsing.excerpt(base, start, end))'")
                }
                // customerID,rating,date
                var commas = (0, 0)
                var commaCount = 0
                var position = start
                while position < end {
                    if base[position] == UInt8(ascii: ",") {
                        if commaCount == 0 { commas.0 = position } else if commaCount == 1 { commas.1 = position }
                        commaCount += 1
                    }
                    position += 1
                }
                guard commaCount == 2 else {
                    throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason:
                        "expected 3 fields 'customerID,rating,date' separated by ',', found \(commaCount + 1)")
                }
                let (userStart, userEnd) = InteractionReader.trim(base, start, commas.0)
                let (ratingStart, ratingEnd) = InteractionReader.trim(base, commas.0 + 1, commas.1)
                guard userEnd > userStart else {
                    throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason: "empty customer id")
                }
                guard let number = ByteParsing.number(base, ratingStart, ratingEnd) else {
                    throw DataError.malformedLine(file: file, line: cursor.lineNumber,
                                                  reason: "non-numeric rating '\(ByteParsing.excerpt(base, ratingStart, ratingEnd))'")
                }
                let rating = try finiteRating(number, base, ratingStart, ratingEnd, file: file, line: cursor.lineNumber)
                let user = try index(in: &builder.users, base, userStart, userEnd, what: "customer id",
                                     file: file, line: cursor.lineNumber)
                if readTimestamps {
                    let (dateStart, dateEnd) = InteractionReader.trim(base, commas.1 + 1, end)
                    guard let time = ByteParsing.timestamp(base, dateStart, dateEnd) else {
                        throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason:
                            "date '\(ByteParsing.excerpt(base, dateStart, dateEnd))' is not YYYY-MM-DD")
                    }
                    builder.timestamps.append(time)
                }
                builder.ratings.append(rating)
                builder.userIndices.append(user)
                builder.itemIndices.append(movie)
            }
            builder.linesRead += cursor.lineNumber
            if builder.userIndices.count == recordsBefore { throw DataError.emptyFile(file: file) }
        }
    }
}
