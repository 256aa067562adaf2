/// The layout of an item metadata file for `ItemMetadata.read`.
public struct ItemMetadataOptions: Sendable, Equatable {
    /// A column by 0-based index, or by its name in the header line.
    public enum Column: Sendable, Equatable {
        case index(Int)
        case name(String)
    }

    /// The column of the item ids (as in the interaction data).
    public var idColumn: Column
    /// The column of the titles.
    public var titleColumn: Column
    /// The column of the genres, or nil. Records shorter than this column have no genres.
    public var genresColumn: Column?
    /// Field separator (one ASCII character).
    public var separator: Character
    /// Separator between the genres of one item.
    public var genreSeparator: Character
    /// The first record is a header (skipped; needed for columns given by name).
    public var hasHeader: Bool
    /// Genre values that mean "none", e.g. MovieLens' `(no genres listed)`.
    public var noGenreMarkers: Set<String>

    public init(idColumn: Column = .index(0), titleColumn: Column = .index(1), genresColumn: Column? = .index(2),
                separator: Character = ",", genreSeparator: Character = "|", hasHeader: Bool = true,
                noGenreMarkers: Set<String> = ["(no genres listed)"]) {
        self.idColumn = idColumn
        self.titleColumn = titleColumn
        self.genresColumn = genresColumn
        self.separator = separator
        self.genreSeparator = genreSeparator
        self.hasHeader = hasHeader
        self.noGenreMarkers = noGenreMarkers
    }

    /// MovieLens `movies.csv`: `movieId,title,genres`, a header line, genres separated by `|`.
    public static let movieLens = ItemMetadataOptions()
}
