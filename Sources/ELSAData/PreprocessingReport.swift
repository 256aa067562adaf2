/// What `Preprocessing.apply` read, dropped at each step, and kept.
///
/// The counts reconcile: `interactionsRead - belowThreshold - duplicatesCollapsed
/// - interactionsRemovedBySupport == interactionCount`, and
/// `usersRead - usersWithoutInteractions - usersRemovedBySupport == userCount`
/// (the same for items).
public struct PreprocessingReport: Sendable, Equatable, CustomStringConvertible {
    /// One user step followed by one item step of support filtering.
    public struct Round: Sendable, Equatable {
        /// Users below `minUserSupport` (plus, after a single pass, users the item step left empty).
        public var usersRemoved: Int
        public var interactionsRemovedWithUsers: Int
        public var itemsRemoved: Int
        public var interactionsRemovedWithItems: Int

        public init(usersRemoved: Int = 0, interactionsRemovedWithUsers: Int = 0,
                    itemsRemoved: Int = 0, interactionsRemovedWithItems: Int = 0) {
            self.usersRemoved = usersRemoved
            self.interactionsRemovedWithUsers = interactionsRemovedWithUsers
            self.itemsRemoved = itemsRemoved
            self.interactionsRemovedWithItems = interactionsRemovedWithItems
        }
    }

    public var source: String
    public var format: DataFormat
    public var options: PreprocessingOptions
    /// Lines of all files (see `RawInteractions.linesRead`).
    public var linesRead: Int
    /// Records read, duplicates included.
    public var interactionsRead: Int
    /// Distinct user ids and item ids read.
    public var usersRead: Int
    public var itemsRead: Int
    /// Whether the rating threshold was applied (the input has ratings and `minRating` is set).
    public var thresholdApplied: Bool
    /// Records with rating < `minRating`.
    public var belowThreshold: Int
    /// Users and items with no record left after the threshold (or none in the file at all).
    public var usersWithoutInteractions: Int
    public var itemsWithoutInteractions: Int
    /// Repeated (user, item) records removed after the threshold (a pair counts once).
    public var duplicatesCollapsed: Int
    /// Support filtering rounds: one for `.singlePass`; for `.kCore` until one removes nothing.
    public var rounds: [Round]
    /// The result.
    public var userCount: Int
    public var itemCount: Int
    public var interactionCount: Int

    public var usersRemovedBySupport: Int { rounds.reduce(0) { $0 + $1.usersRemoved } }
    public var itemsRemovedBySupport: Int { rounds.reduce(0) { $0 + $1.itemsRemoved } }
    public var interactionsRemovedBySupport: Int {
        rounds.reduce(0) { $0 + $1.interactionsRemovedWithUsers + $1.interactionsRemovedWithItems }
    }

    /// A few lines for people: what was read, dropped at each step, and kept.
    public var summary: String {
        let format = PreprocessingReport.grouped
        var lines: [String] = []
        lines.append("\(source) (\(self.format.rawValue)): \(format(linesRead)) lines, "
                     + "\(format(interactionsRead)) interactions read (\(format(usersRead)) users, \(format(itemsRead)) items)")
        if thresholdApplied, let minRating = options.minRating {
            lines.append("rating >= \(minRating): dropped \(format(belowThreshold)) interactions below the threshold")
        } else {
            lines.append("rating threshold: not applied (" + (options.minRating == nil ? "no minimum rating" : "no ratings") + ")")
        }
        if usersWithoutInteractions > 0 || itemsWithoutInteractions > 0 {
            lines.append("left without interactions: \(format(usersWithoutInteractions)) users, \(format(itemsWithoutInteractions)) items")
        }
        lines.append("duplicates collapsed: \(format(duplicatesCollapsed))")
        let order = options.supportFiltering == .singlePass ? "single pass, users then items" : "k-core, \(rounds.count) rounds"
        lines.append("support filtering (users >= \(options.minUserSupport), items >= \(options.minItemSupport), \(order)): "
                     + "removed \(format(usersRemovedBySupport)) users and \(format(itemsRemovedBySupport)) items, "
                     + "\(format(interactionsRemovedBySupport)) interactions")
        let cells = Double(userCount) * Double(itemCount)
        let density = cells > 0 ? Double(interactionCount) / cells * 100 : 0
        let densityText = String(Double(Int(density * 10_000 + 0.5)) / 10_000)
        lines.append("result: \(format(userCount)) users x \(format(itemCount)) items, "
                     + "\(format(interactionCount)) interactions (density \(densityText)%)")
        return lines.joined(separator: "\n")
    }

    public var description: String { summary }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (position, character) in digits.enumerated() {
            if position > 0 && (digits.count - position) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }
}
