/// Options of `InteractionReader.read`. Only the `csv` format reads the
/// column layout options; the fixed formats know their own layout.
public struct ReaderOptions: Sendable, Equatable {
    /// Whether the first line of a `csv` file is a header.
    public enum Header: String, Sendable, Equatable, CaseIterable {
        /// The first line is a header and is skipped.
        case present
        /// Every line is data.
        case absent
        /// The first line is a header when its rating or timestamp field is not
        /// a number, or (without such columns) when its user and item fields are
        /// not integers while those of the second line are.
        case detect
    }

    /// How original ids are numbered into rows and columns.
    public enum IDOrder: String, Sendable, Equatable, CaseIterable {
        /// Ids that are plain non-negative integers (`0`, `17`, not `007` or `-3`)
        /// come first in numeric order, then all other ids in `String` order.
        /// With 0-based contiguous ids (KGAT, LightGCN, CiteULike) row and
        /// column numbers then equal the ids. The default.
        case sorted
        /// Ids are numbered in the order they first appear in the input
        /// (files in the order they are read).
        case firstAppearance
    }

    /// `csv`: the field separator (default comma).
    public var separator: FieldSeparator
    /// `csv`: whether the first line is a header (default: detect).
    public var header: Header
    /// `csv`: 0-based column of the user id (default 0).
    public var userColumn: Int
    /// `csv`: 0-based column of the item id (default 1).
    public var itemColumn: Int
    /// `csv`: 0-based column of the rating, or `nil` when the file has no
    /// rating and every line is one interaction (default `nil`).
    public var ratingColumn: Int?
    /// `csv`: 0-based column of the timestamp, or `nil` (default). Timestamps
    /// are integers (seconds) or `YYYY-MM-DD` dates (read as seconds since 1970).
    public var timestampColumn: Int?
    /// `movielens` and `netflix`: also keep the timestamp of every interaction
    /// (8 bytes each; off by default). `csv` keeps them when `timestampColumn` is set.
    public var readTimestamps: Bool
    /// How ids are numbered (default `.sorted`).
    public var idOrder: IDOrder
    /// `npz`: files of user and item ids, one per line in row and column order (nil: the row and column numbers).
    public var userIDsPath: String?
    public var itemIDsPath: String?

    public init(separator: FieldSeparator = .comma, header: Header = .detect,
                userColumn: Int = 0, itemColumn: Int = 1, ratingColumn: Int? = nil,
                timestampColumn: Int? = nil, readTimestamps: Bool = false, idOrder: IDOrder = .sorted) {
        self.separator = separator
        self.header = header
        self.userColumn = userColumn
        self.itemColumn = itemColumn
        self.ratingColumn = ratingColumn
        self.timestampColumn = timestampColumn
        self.readTimestamps = readTimestamps
        self.idOrder = idOrder
    }

    /// Comma separated, header detected, columns user 0 and item 1, no rating, ids sorted.
    public static let `default` = ReaderOptions()
}
