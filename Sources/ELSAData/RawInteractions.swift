/// Interactions as read from the files, before thresholding, duplicate
/// collapse and support filtering (`Preprocessing.apply`).
///
/// Record `r` is user `userIndices[r]` (an index into `userIDs`) with item
/// `itemIndices[r]` (into `itemIDs`), with `ratings?[r]` and `timestamps?[r]`.
/// Records keep file order; duplicates are still there. `userIDs` and
/// `itemIDs` may hold ids without any record (a CiteULike or adjacency line
/// with no items).
public struct RawInteractions: Sendable, Equatable {
    /// The path the reader was given (a file or a folder).
    public var source: String
    /// The files actually read, in reading order.
    public var files: [String]
    public var format: DataFormat
    public var userIndices: [Int32]
    public var itemIndices: [Int32]
    /// One rating per record, or `nil` when the format (or `csv` options) has none.
    public var ratings: [Float]?
    /// One timestamp (seconds) per record, or `nil` when not requested or not available.
    public var timestamps: [Int64]?
    /// Original user ids, numbered as `ReaderOptions.idOrder` says.
    public var userIDs: [String]
    /// Original item ids, numbered as `ReaderOptions.idOrder` says.
    public var itemIDs: [String]
    /// Every line of every file read: headers, blank lines and Netflix
    /// `movieID:` lines included (a file not ending in a newline counts its last line).
    public var linesRead: Int

    public init(source: String, files: [String], format: DataFormat, userIndices: [Int32], itemIndices: [Int32],
                ratings: [Float]?, timestamps: [Int64]?, userIDs: [String], itemIDs: [String], linesRead: Int) {
        precondition(userIndices.count == itemIndices.count,
                     "\(userIndices.count) user indices for \(itemIndices.count) item indices")
        precondition(ratings == nil || ratings!.count == userIndices.count,
                     "\(ratings?.count ?? 0) ratings for \(userIndices.count) records")
        precondition(timestamps == nil || timestamps!.count == userIndices.count,
                     "\(timestamps?.count ?? 0) timestamps for \(userIndices.count) records")
        self.source = source
        self.files = files
        self.format = format
        self.userIndices = userIndices
        self.itemIndices = itemIndices
        self.ratings = ratings
        self.timestamps = timestamps
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.linesRead = linesRead
    }

    /// Number of records (interactions as read, duplicates included).
    public var count: Int { userIndices.count }
}
