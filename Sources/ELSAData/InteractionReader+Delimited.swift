import _ELSASupport
/// Column layout of a delimited file (`csv`, `movielens`, `goodbooks`).
struct DelimitedLayout {
    var separator: FieldSeparator
    var header: ReaderOptions.Header
    var userColumn: Int
    var itemColumn: Int
    var ratingColumn: Int?
    var timestampColumn: Int?
    /// Every line must have exactly this many fields; `nil`: as many as the first line.
    var expectedFieldCount: Int?
}

/// Where the fields that matter lie on one line, and how many fields it has.
struct FieldRanges {
    var fieldCount = 0
    var userStart = 0, userEnd = -1
    var itemStart = 0, itemEnd = -1
    var ratingStart = 0, ratingEnd = -1
    var timestampStart = 0, timestampEnd = -1
}

/// The columns of a layout as plain integers (-1: absent), for the hot loop.
struct ColumnIndices {
    let user: Int, item: Int, rating: Int, timestamp: Int

    init(_ layout: DelimitedLayout) {
        user = layout.userColumn
        item = layout.itemColumn
        rating = layout.ratingColumn ?? -1
        timestamp = layout.timestampColumn ?? -1
    }

    /// The highest column read (the line needs more fields than this).
    var highest: Int { max(user, item, rating, timestamp) }

    @inline(__always)
    func record(_ index: Int, _ start: Int, _ end: Int, into ranges: inout FieldRanges) {
        if index == user { ranges.userStart = start; ranges.userEnd = end }
        if index == item { ranges.itemStart = start; ranges.itemEnd = end }
        if index == rating { ranges.ratingStart = start; ranges.ratingEnd = end }
        if index == timestamp { ranges.timestampStart = start; ranges.timestampEnd = end }
    }
}

extension InteractionReader {
    /// Splits `start ..< end` into fields. Literal-separated fields are trimmed
    /// of surrounding spaces and tabs; no quoting is understood.
    @inline(__always)
    static func splitFields(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                            separator: UnsafeBufferPointer<UInt8>, columns: ColumnIndices) -> FieldRanges {
        var ranges = FieldRanges()
        var fieldIndex = 0
        if separator.isEmpty {  // whitespace runs
            var position = start
            while true {
                while position < end && ByteParsing.isBlank(base[position]) { position += 1 }
                if position >= end { break }
                let fieldStart = position
                while position < end && !ByteParsing.isBlank(base[position]) { position += 1 }
                columns.record(fieldIndex, fieldStart, position, into: &ranges)
                fieldIndex += 1
            }
        } else {
            let first = separator[0]
            let length = separator.count
            var fieldStart = start
            var position = start
            while position < end {
                if base[position] == first && position + length <= end {
                    var matches = true
                    var offset = 1
                    while offset < length {
                        if base[position + offset] != separator[offset] { matches = false; break }
                        offset += 1
                    }
                    if matches {
                        let (trimmedStart, trimmedEnd) = trim(base, fieldStart, position)
                        columns.record(fieldIndex, trimmedStart, trimmedEnd, into: &ranges)
                        fieldIndex += 1
                        position += length
                        fieldStart = position
                        continue
                    }
                }
                position += 1
            }
            let (trimmedStart, trimmedEnd) = trim(base, fieldStart, end)
            columns.record(fieldIndex, trimmedStart, trimmedEnd, into: &ranges)
            fieldIndex += 1
        }
        ranges.fieldCount = fieldIndex
        return ranges
    }

    @inline(__always)
    static func trim(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
        var trimmedStart = start, trimmedEnd = end
        while trimmedStart < trimmedEnd && (base[trimmedStart] == ByteParsing.space || base[trimmedStart] == ByteParsing.tab) {
            trimmedStart += 1
        }
        while trimmedEnd > trimmedStart && (base[trimmedEnd - 1] == ByteParsing.space || base[trimmedEnd - 1] == ByteParsing.tab) {
            trimmedEnd -= 1
        }
        return (trimmedStart, trimmedEnd)
    }

    /// Whether the first data candidate line is a header under `.detect` (see `ReaderOptions.Header`).
    static func looksLikeHeader(_ base: UnsafePointer<UInt8>, first: FieldRanges, second: FieldRanges?) -> Bool {
        if first.ratingEnd >= 0 && ByteParsing.number(base, first.ratingStart, first.ratingEnd) == nil { return true }
        if first.timestampEnd >= 0 && ByteParsing.timestamp(base, first.timestampStart, first.timestampEnd) == nil {
            return true
        }
        if first.ratingEnd >= 0 || first.timestampEnd >= 0 { return false }
        func integerIDs(_ ranges: FieldRanges) -> Bool {
            ranges.userEnd >= 0 && ranges.itemEnd >= 0
                && ByteParsing.integer(base, ranges.userStart, ranges.userEnd) != nil
                && ByteParsing.integer(base, ranges.itemStart, ranges.itemEnd) != nil
        }
        guard let second, !integerIDs(first) else { return false }
        let firstHasNoIntegers = (first.userEnd < 0 || ByteParsing.integer(base, first.userStart, first.userEnd) == nil)
            && (first.itemEnd < 0 || ByteParsing.integer(base, first.itemStart, first.itemEnd) == nil)
        return firstHasNoIntegers && integerIDs(second)
    }

    /// Reads one delimited file: one interaction per non-blank line.
    /// `bytes` are the file's bytes when the caller has already read them.
    static func readDelimited(file: String, bytes: [UInt8]? = nil, layout: DelimitedLayout,
                              into builder: inout RawInteractionsBuilder) throws {
        let columns = ColumnIndices(layout)
        guard columns.user >= 0, columns.item >= 0, layout.ratingColumn.map({ $0 >= 0 }) ?? true,
              layout.timestampColumn.map({ $0 >= 0 }) ?? true else {
            throw DataError.cannotRead(file: file, reason: "column indices must be 0 or more (user \(columns.user), "
                                       + "item \(columns.item), rating \(columns.rating), timestamp \(columns.timestamp))")
        }
        var separatorBytes: [UInt8]
        switch layout.separator {
        case .whitespace: separatorBytes = []
        case .literal(let text):
            separatorBytes = Array(text.utf8)
            guard !separatorBytes.isEmpty else {
                throw DataError.cannotRead(file: file, reason: "the field separator is empty")
            }
        }
        let separatorName = layout.separator.description
        try scan(file: file, bytes: bytes, into: &builder) { base, count, builder in
            try separatorBytes.withUnsafeBufferPointer { separator in
                var cursor = LineCursor(base: base, count: count)
                // The first non-blank line fixes the field count and may be a header.
                var firstLine: (start: Int, end: Int, number: Int)?
                var secondLine: (start: Int, end: Int)?
                var probe = cursor
                while let line = probe.next() {
                    if probe.isBlank(line.start, line.end) { continue }
                    if firstLine == nil {
                        firstLine = (line.start, line.end, probe.lineNumber)
                    } else {
                        secondLine = (line.start, line.end)
                        break
                    }
                }
                guard let firstLine else { throw DataError.emptyFile(file: file) }
                let firstRanges = splitFields(base, firstLine.start, firstLine.end, separator: separator, columns: columns)
                let expectedFields = layout.expectedFieldCount ?? firstRanges.fieldCount
                if firstRanges.fieldCount != expectedFields {
                    throw DataError.malformedLine(file: file, line: firstLine.number, reason:
                        "expected \(expectedFields) fields separated by \(separatorName), found \(firstRanges.fieldCount)")
                }
                if expectedFields <= columns.highest {  // no `highest + 1`: a column may be Int.max
                    let (needed, overflow) = columns.highest.addingReportingOverflow(1)
                    throw DataError.malformedLine(file: file, line: firstLine.number, reason:
                        "found \(expectedFields) fields separated by \(separatorName), but the columns chosen "
                        + "(user \(columns.user), item \(columns.item)"
                        + (columns.rating >= 0 ? ", rating \(columns.rating)" : "")
                        + (columns.timestamp >= 0 ? ", timestamp \(columns.timestamp)" : "")
                        + ") need at least " + (overflow ? "\(columns.highest) + 1" : "\(needed)"))
                }
                let skipHeader: Bool
                switch layout.header {
                case .present: skipHeader = true
                case .absent: skipHeader = false
                case .detect:
                    let secondRanges = secondLine.map {
                        splitFields(base, $0.start, $0.end, separator: separator, columns: columns)
                    }
                    skipHeader = looksLikeHeader(base, first: firstRanges, second: secondRanges)
                }
                let readRatings = columns.rating >= 0
                let readTimestamps = columns.timestamp >= 0
                builder.reserve(records: count / 16, withRatings: readRatings, withTimestamps: readTimestamps)
                let recordsBefore = builder.userIndices.count
                while let line = cursor.next() {
                    if cursor.lineNumber == firstLine.number && skipHeader { continue }
                    if cursor.isBlank(line.start, line.end) { continue }
                    let ranges = splitFields(base, line.start, line.end, separator: separator, columns: columns)
                    if ranges.fieldCount != expectedFields {
                        throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason:
                            "expected \(expectedFields) fields separated by \(separatorName), found \(ranges.fieldCount)")
                    }
                    if ranges.userEnd <= ranges.userStart {
                        throw DataError.malformedLine(file: file, line: cursor.lineNumber,
                                                      reason: "empty user id (column \(columns.user))")
                    }
                    if ranges.itemEnd <= ranges.itemStart {
                        throw DataError.malformedLine(file: file, line: cursor.lineNumber,
                                                      reason: "empty item id (column \(columns.item))")
                    }
                    if readRatings {
                        guard let number = ByteParsing.number(base, ranges.ratingStart, ranges.ratingEnd) else {
                            let text = ByteParsing.excerpt(base, ranges.ratingStart, ranges.ratingEnd)
                            throw DataError.malformedLine(file: file, line: cursor.lineNumber,
                                                          reason: "non-numeric rating '\(text)' (column \(columns.rating))")
                        }
                        builder.ratings.append(try finiteRating(number, base, ranges.ratingStart, ranges.ratingEnd,
                                                                file: file, line: cursor.lineNumber))
                    }
                    if readTimestamps {
                        guard let time = ByteParsing.timestamp(base, ranges.timestampStart, ranges.timestampEnd) else {
                            let text = ByteParsing.excerpt(base, ranges.timestampStart, ranges.timestampEnd)
                            throw DataError.malformedLine(file: file, line: cursor.lineNumber, reason:
                                "timestamp '\(text)' (column \(columns.timestamp)) is neither an integer nor a YYYY-MM-DD date")
                        }
                        builder.timestamps.append(time)
                    }
                    let user = try index(in: &builder.users, base, ranges.userStart, ranges.userEnd,
                                         what: "user id (column \(columns.user))", file: file, line: cursor.lineNumber)
                    let item = try index(in: &builder.items, base, ranges.itemStart, ranges.itemEnd,
                                         what: "item id (column \(columns.item))", file: file, line: cursor.lineNumber)
                    builder.userIndices.append(user)
                    builder.itemIndices.append(item)
                }
                builder.linesRead += cursor.lineNumber
                if builder.userIndices.count == recordsBefore { throw DataError.emptyFile(file: file) }
            }
        }
    }

    /// MovieLens `ratings.dat` (`::`, no header) or `ratings.csv` (header `userId,movieId,rating,timestamp`).
    static func readMovieLens(file: String, readTimestamps: Bool, into builder: inout RawInteractionsBuilder) throws {
        let bytes = try FileIO.readBytes(file)
        let (firstLine, lineNumber) = firstNonBlankLine(bytes)
        guard let firstLine else { throw DataError.emptyFile(file: file) }
        var layout = DelimitedLayout(separator: .literal("::"), header: .absent, userColumn: 0, itemColumn: 1,
                                     ratingColumn: 2, timestampColumn: readTimestamps ? 3 : nil, expectedFieldCount: 4)
        if firstLine.replacingSpaces().hasPrefix("userId,movieId,rating") {
            layout.separator = .comma
            layout.header = .present
        } else if !firstLine.contains("::") {
            throw DataError.malformedLine(file: file, line: lineNumber, reason:
                "neither a MovieLens ratings.dat line (UserID::MovieID::Rating::Timestamp) nor the ratings.csv header "
                + "(userId,movieId,rating,timestamp): '\(firstLine.prefix(60))'")
        }
        try readDelimited(file: file, bytes: bytes, layout: layout, into: &builder)
    }

    /// Goodbooks-10k `ratings.csv`: `user_id,book_id,rating` (the first release's
    /// `book_id,user_id,rating` column order is recognized from its header).
    static func readGoodbooks(file: String, into builder: inout RawInteractionsBuilder) throws {
        let bytes = try FileIO.readBytes(file)
        let (firstLine, _) = firstNonBlankLine(bytes)
        guard let firstLine else { throw DataError.emptyFile(file: file) }
        var layout = DelimitedLayout(separator: .comma, header: .absent, userColumn: 0, itemColumn: 1,
                                     ratingColumn: 2, timestampColumn: nil, expectedFieldCount: 3)
        let header = firstLine.replacingSpaces()
        if header.hasPrefix("user_id,book_id") {
            layout.header = .present
        } else if header.hasPrefix("book_id,user_id") {
            layout.header = .present
            layout.userColumn = 1
            layout.itemColumn = 0
        }
        try readDelimited(file: file, bytes: bytes, layout: layout, into: &builder)
    }

    /// The first line with a non-blank byte (without its line end and a leading byte-order mark)
    /// and its 1-based number.
    static func firstNonBlankLine(_ bytes: [UInt8]) -> (String?, Int) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return (nil, 0) }
            let skipped = ByteParsing.byteOrderMarkLength(start, buffer.count)
            let base = start + skipped
            var cursor = LineCursor(base: base, count: buffer.count - skipped)
            while let line = cursor.next() {
                if cursor.isBlank(line.start, line.end) { continue }
                let text = String(decoding: UnsafeBufferPointer(start: base + line.start, count: min(line.end - line.start, 200)),
                                  as: UTF8.self)
                return (text, cursor.lineNumber)
            }
            return (nil, 0)
        }
    }
}

extension String {
    /// The string without spaces, tabs and double quotes (for header matching).
    func replacingSpaces() -> String {
        String(unicodeScalars.filter { $0 != " " && $0 != "\t" && $0 != "\"" })
    }
}
