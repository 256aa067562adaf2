import ELSASparse

/// A binary users x items interaction matrix with the original ids of its rows and columns.
public struct InteractionDataset: Sendable, Equatable {
    /// users x items, value 1 at every kept interaction; rows sorted by column.
    public var interactions: CSRMatrix
    /// Original id (as written in the input file) of each user row.
    public var userIDs: [String]
    /// Original id (as written in the input file) of each item column.
    public var itemIDs: [String]

    public init(interactions: CSRMatrix, userIDs: [String], itemIDs: [String]) {
        precondition(userIDs.count == interactions.rows, "\(userIDs.count) user ids for \(interactions.rows) rows")
        precondition(itemIDs.count == interactions.columns, "\(itemIDs.count) item ids for \(interactions.columns) columns")
        self.interactions = interactions
        self.userIDs = userIDs
        self.itemIDs = itemIDs
    }

    public var userCount: Int { interactions.rows }
    public var itemCount: Int { interactions.columns }
    public var interactionCount: Int { interactions.nonzeroCount }
}
