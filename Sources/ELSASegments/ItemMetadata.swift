import Foundation
import _ELSASupport

/// Titles (and genres, when the file has them) of items, by item id: what segments and
/// homepages show instead of bare ids.
public struct ItemMetadata: Sendable, Equatable {
    /// Item id -> title.
    public var titles: [String: String]
    /// Item id -> genres (empty when the file has no genre column or lists none).
    public var genres: [String: [String]]

    public init(titles: [String: String], genres: [String: [String]] = [:]) {
        self.titles = titles
        self.genres = genres
    }

    /// Number of items described.
    public var count: Int { titles.count }

    /// The title of `id`, nil when the file does not list it.
    public func title(of id: String) -> String? { titles[id] }

    /// The genres of each of `itemIDs` (empty for unknown ids): the input of `GenrePurity`.
    public func genres(of itemIDs: [String]) -> [[String]] { itemIDs.map { genres[$0] ?? [] } }

    /// Whether any item has a genre.
    public var hasGenres: Bool { genres.values.contains { !$0.isEmpty } }

    /// Reads a delimited metadata file (see `ItemMetadataOptions`; by default MovieLens
    /// `movies.csv`: `movieId,title,genres` with a header and `|`-separated genres).
    /// - Throws: `DataError.cannotRead` for a missing file, `.emptyFile` for one without items,
    ///   `.malformedLine` (file and line) for bad quoting, a record too short for the id or title
    ///   column, an empty id, or a header without a named column.
    public static func read(path: String, options: ItemMetadataOptions = .movieLens) throws -> ItemMetadata {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            throw DataError.cannotRead(file: path, reason: "no such file, a folder, or not readable")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, options: options)
    }

    /// Parses metadata text; `file` names it in errors. See `read(path:options:)`.
    public static func parse(_ text: String, file: String, options: ItemMetadataOptions = .movieLens) throws -> ItemMetadata {
        var records = try CSVRecords.parse(text, separator: options.separator, file: file)[...]
        var header: [String]? = nil
        if options.hasHeader, let first = records.first {
            header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            records = records.dropFirst()
        }
        func resolve(_ column: ItemMetadataOptions.Column, _ role: String) throws -> Int {
            switch column {
            case .index(let index): return index
            case .name(let name):
                guard let header, let index = header.firstIndex(of: name) else {
                    throw DataError.malformedLine(file: file, line: 1,
                                                  reason: "no \(role) column named '\(name)' in the header (\(header?.joined(separator: ", ") ?? "none: the file is read without a header"))")
                }
                return index
            }
        }
        let idColumn = try resolve(options.idColumn, "id")
        let titleColumn = try resolve(options.titleColumn, "title")
        let genresColumn = try options.genresColumn.map { try resolve($0, "genres") }
        var titles = [String: String](), genres = [String: [String]]()
        for record in records {
            let fields = record.fields
            guard fields.count > max(idColumn, titleColumn) else {
                throw DataError.malformedLine(file: file, line: record.line,
                                              reason: "expected at least \(max(idColumn, titleColumn) + 1) fields (id in column \(idColumn), title in column \(titleColumn)), got \(fields.count)")
            }
            let id = fields[idColumn].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else { throw DataError.malformedLine(file: file, line: record.line, reason: "empty item id") }
            if titles[id] != nil { continue }  // the first record of an id wins
            titles[id] = fields[titleColumn].trimmingCharacters(in: .whitespaces)
            if let genresColumn, genresColumn < fields.count {
                let list = fields[genresColumn].split(separator: options.genreSeparator)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !options.noGenreMarkers.contains($0) }
                genres[id] = list
            } else {
                genres[id] = []
            }
        }
        if titles.isEmpty { throw DataError.emptyFile(file: file) }
        return ItemMetadata(titles: titles, genres: genres)
    }
}
