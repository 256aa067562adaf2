import _ELSASupport
/// Reads interaction files of every `DataFormat` into `RawInteractions`.
///
/// Files are read whole into memory and scanned byte by byte (no `String`
/// per line or field); ids become `String`s only once, when first seen.
/// Blank lines are skipped everywhere except in `citeulike`, where a line
/// is a user. Errors are `DataError`s naming the file and the 1-based line;
/// no input makes the reader trap.
public enum InteractionReader {
    /// Reads `path` (a file, or for the folder layouts a folder) as `format`.
    ///
    /// - Throws: `DataError.cannotRead` (missing path, a folder without the
    ///   expected files), `DataError.emptyFile` (no interaction in a file:
    ///   zero bytes, only blank lines, only a header) and
    ///   `DataError.malformedLine` (wrong field count, non-numeric rating or
    ///   timestamp, empty id, a CiteULike count that does not match the line).
    public static func read(path: String, format: DataFormat, options: ReaderOptions = .default) throws -> RawInteractions {
        var builder = RawInteractionsBuilder()
        var hasRatings = true
        var hasTimestamps = false
        switch format {
        case .csv:
            if FileIO.kind(of: path) == .directory {
                throw DataError.cannotRead(file: path, reason: "is a directory; the csv format reads one file")
            }
            let layout = DelimitedLayout(separator: options.separator, header: options.header,
                                         userColumn: options.userColumn, itemColumn: options.itemColumn,
                                         ratingColumn: options.ratingColumn, timestampColumn: options.timestampColumn,
                                         expectedFieldCount: nil)
            try readDelimited(file: path, layout: layout, into: &builder)
            hasRatings = options.ratingColumn != nil
            hasTimestamps = options.timestampColumn != nil
        case .movielens:
            let file = try resolve(path, candidates: ["ratings.dat", "ratings.csv"], format: format)
            try readMovieLens(file: file, readTimestamps: options.readTimestamps, into: &builder)
            hasTimestamps = options.readTimestamps
        case .netflix:
            let files = try netflixFiles(path)
            for file in files {
                try readNetflix(file: file, readTimestamps: options.readTimestamps, into: &builder)
            }
            hasTimestamps = options.readTimestamps
        case .goodbooks:
            let file = try resolve(path, candidates: ["ratings.csv"], format: format)
            try readGoodbooks(file: file, into: &builder)
        case .adjacency:
            hasRatings = false
            for file in try adjacencyFiles(path) {
                try readAdjacency(file: file, into: &builder)
            }
        case .citeulike:
            hasRatings = false
            let file = try resolve(path, candidates: ["users.dat"], format: format)
            try readCiteULike(file: file, into: &builder)
        case .npz:
            return try readNPZ(file: path, userIDs: options.userIDsPath, itemIDs: options.itemIDsPath)
        }
        return builder.finish(source: path, format: format, hasRatings: hasRatings,
                              hasTimestamps: hasTimestamps, idOrder: options.idOrder)
    }

    /// `path` itself when it is a file, else the first of `candidates` inside the folder `path`.
    static func resolve(_ path: String, candidates: [String], format: DataFormat) throws -> String {
        switch FileIO.kind(of: path) {
        case .missing:
            throw DataError.cannotRead(file: path, reason: "no such file or folder")
        case .directory:
            for name in candidates {
                let file = join(path, name)
                if FileIO.kind(of: file) != .missing { return file }
            }
            let names = candidates.joined(separator: " or ")
            throw DataError.cannotRead(file: path, reason: "the folder holds no \(names) (format \(format.rawValue))")
        case .regularFile, .other:
            return path
        }
    }

    static func netflixFiles(_ path: String) throws -> [String] {
        switch FileIO.kind(of: path) {
        case .missing:
            throw DataError.cannotRead(file: path, reason: "no such file or folder")
        case .directory:
            let names = try FileIO.contents(of: path).filter { $0.hasPrefix("combined_data_") && $0.hasSuffix(".txt") }
            guard !names.isEmpty else {
                throw DataError.cannotRead(file: path, reason: "the folder holds no combined_data_*.txt (format netflix)")
            }
            return names.map { join(path, $0) }
        case .regularFile, .other:
            return [path]
        }
    }

    static func adjacencyFiles(_ path: String) throws -> [String] {
        switch FileIO.kind(of: path) {
        case .missing:
            throw DataError.cannotRead(file: path, reason: "no such file or folder")
        case .directory:
            let files = ["train.txt", "test.txt"].map { join(path, $0) }.filter { FileIO.kind(of: $0) != .missing }
            guard !files.isEmpty else {
                throw DataError.cannotRead(file: path, reason: "the folder holds no train.txt or test.txt (format adjacency)")
            }
            return files
        case .regularFile, .other:
            return [path]
        }
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// Reads `file` and runs `body` on its bytes (after a UTF-8 byte-order mark, which is skipped);
    /// counts its lines into `builder`.
    /// - Throws: `DataError.emptyFile` when the file has only blanks, and whatever `body` throws.
    /// `bytes` are the file's bytes when the caller has already read them.
    static func scan(file: String, bytes preloaded: [UInt8]? = nil, into builder: inout RawInteractionsBuilder,
                     _ body: (UnsafePointer<UInt8>, Int, inout RawInteractionsBuilder) throws -> Void) throws {
        let bytes = try preloaded ?? FileIO.readBytes(file)
        builder.files.append(file)
        try bytes.withUnsafeBufferPointer { whole in
            guard let start = whole.baseAddress else { throw DataError.emptyFile(file: file) }
            let skipped = ByteParsing.byteOrderMarkLength(start, whole.count)
            let buffer = UnsafeBufferPointer(rebasing: whole[skipped...])
            guard let base = buffer.baseAddress, !buffer.allSatisfy(ByteParsing.isBlankOrNewline) else {
                throw DataError.emptyFile(file: file)
            }
            try body(base, buffer.count, &builder)
        }
    }

    /// The index in `table` of the id spelled by `start ..< end`.
    /// - Throws: `DataError.malformedLine` naming `file` and `line` when the bytes are not a valid
    ///   id (`ByteParsing.isValidID`: invalid UTF-8 or a control character).
    @inline(__always)
    static func index(in table: inout IDTable, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                      what: @autoclosure () -> String, file: String, line: Int) throws -> Int32 {
        guard let index = table.index(base, start, end) else {
            throw DataError.malformedLine(file: file, line: line, reason:
                "\(what()) '\(ByteParsing.excerpt(base, start, end))' is not a valid id "
                + "(an id is UTF-8 text without control characters)")
        }
        return index
    }

    /// `value` as a rating.
    /// - Throws: `DataError.malformedLine` naming `file` and `line` when it is infinite as a `Float`
    ///   (`1e999`, `1e39`): a rating is a finite number.
    @inline(__always)
    static func finiteRating(_ value: Double, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                             file: String, line: Int) throws -> Float {
        let rating = Float(value)
        guard rating.isFinite else {
            throw DataError.malformedLine(file: file, line: line, reason:
                "rating '\(ByteParsing.excerpt(base, start, end))' is not a finite number")
        }
        return rating
    }
}

extension ByteParsing {
    static func isBlankOrNewline(_ byte: UInt8) -> Bool { isBlank(byte) || byte == newline }
}
