import _ELSASupport
/// The interaction file layouts `InteractionReader` understands; the raw
/// values are the names the command line's `--format` flag accepts.
public enum DataFormat: String, CaseIterable, Sendable, Equatable {
    /// Delimited text: one interaction per line; separator, header and the
    /// user / item / rating / timestamp columns come from `ReaderOptions`.
    case csv
    /// MovieLens: `ratings.dat` (`UserID::MovieID::Rating::Timestamp`) or
    /// `ratings.csv` (header `userId,movieId,rating,timestamp`), detected from
    /// the first line. PATH may be the file or a folder holding it.
    case movielens
    /// Netflix Prize `combined_data_*.txt`: a line `movieID:` starts a block of
    /// `customerID,rating,date` lines. PATH may be one file or a folder holding
    /// `combined_data_*.txt` (all are read, in name order).
    case netflix
    /// Goodbooks-10k `ratings.csv` (header `user_id,book_id,rating`). PATH may
    /// be the file or a folder holding it.
    case goodbooks
    /// One user per line, `user item item ...`, whitespace separated. A folder
    /// holding `train.txt` and/or `test.txt` (the LightGCN / KGAT layout) is
    /// read whole (the union of both files); a file is read alone.
    case adjacency
    /// CiteULike `users.dat`: line u (user u, 0-based) is `count i1 i2 ...`,
    /// and `count` must equal the number of items on the line. PATH may be the
    /// file or a folder holding it.
    case citeulike
    /// A scipy sparse matrix saved with `scipy.sparse.save_npz` (CSR, CSC or COO), users x items; its values
    /// are ratings unless all are 1. Ids from `ReaderOptions.userIDsPath` / `itemIDsPath`, else row and column numbers.
    case npz

    /// Whether the format carries explicit ratings (the rating threshold applies).
    public var hasRatings: Bool {
        switch self {
        case .movielens, .netflix, .goodbooks: return true
        case .csv: return true  // when `ReaderOptions.ratingColumn` is set
        case .npz: return true  // when its values are not all 1
        case .adjacency, .citeulike: return false
        }
    }

    /// The format named `name` (a raw value, case-insensitive).
    /// - Throws: `DataError.unknownFormat` for any other name.
    public init(parsing name: String) throws {
        guard let format = DataFormat(rawValue: name.lowercased()) else {
            throw DataError.unknownFormat(name)
        }
        self = format
    }
}
