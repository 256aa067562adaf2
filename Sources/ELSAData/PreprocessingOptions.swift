/// What `Preprocessing.apply` keeps. The defaults are the paper's: ratings >= 4,
/// users with at least 5 interactions, items with at least 1, filtered once.
public struct PreprocessingOptions: Sendable, Equatable {
    /// How the minimum supports are enforced.
    public enum SupportFiltering: String, Sendable, Equatable, CaseIterable {
        /// The paper's default: drop users below `minUserSupport`, then
        /// (counting only the remaining users) items below `minItemSupport`,
        /// once. Users that lost items may end below `minUserSupport`; users
        /// left with no interaction at all are dropped.
        case singlePass
        /// Repeat the user step and the item step until neither removes
        /// anything: every user then has >= `minUserSupport` interactions and
        /// every item >= `minItemSupport` (the (user, item) k-core).
        case kCore
    }

    /// Keep a record when its rating is >= `minRating`; `nil` keeps every
    /// record. Ignored when the input has no ratings.
    public var minRating: Float?
    /// Minimum number of distinct items of a user (values below 1 act as 1:
    /// users without interactions are never kept).
    public var minUserSupport: Int
    /// Minimum number of distinct users of an item (values below 1 act as 1).
    public var minItemSupport: Int
    public var supportFiltering: SupportFiltering

    public init(minRating: Float? = 4, minUserSupport: Int = 5, minItemSupport: Int = 1,
                supportFiltering: SupportFiltering = .singlePass) {
        self.minRating = minRating
        self.minUserSupport = minUserSupport
        self.minItemSupport = minItemSupport
        self.supportFiltering = supportFiltering
    }

    /// The paper's preprocessing: rating >= 4, users >= 5, items >= 1, single pass.
    public static let paper = PreprocessingOptions()
    /// Keeps every interaction (only duplicates collapse and empty rows and columns go).
    public static let keepAll = PreprocessingOptions(minRating: nil, minUserSupport: 1, minItemSupport: 1)
}
