import ELSASparse
import _ELSASupport

/// The (user, fold) evaluation rows of a set of users (SPEC §5).
///
/// Each user's items are shuffled with a generator seeded from `(seed, user)`
/// alone, so a user's folds do not depend on the other users, their order or
/// the thread count. The item at shuffled position `p` is held out in fold
/// `p % foldCount`: the folds are disjoint, their union is the user's items,
/// and their sizes differ by at most one (about 20% each for 5 folds). In fold
/// `f` the held-out items are the target and all other items of the user are
/// the input.
///
/// A fold is kept only if both its target and its input are non-empty. With
/// `foldCount >= 2` every user with at least 2 items keeps
/// `min(foldCount, itemCount)` folds (a user with 3 items and 5 folds keeps
/// folds 0, 1, 2, each holding out one item); users with 0 or 1 items yield no
/// row (the split never picks them).
///
/// Row `r` of ``inputs`` and ``targets`` belongs to user ``users``[r] and fold
/// ``folds``[r]; rows are ordered by the given user order, then by fold.
/// Values are copied from the interaction matrix; column indices are sorted.
public struct EvaluationFolds: Sendable, Equatable {
    /// The protocol's number of folds.
    public static let defaultFoldCount = 5

    /// Number of folds each user was split into.
    public let foldCount: Int
    /// (user, fold) x items: the items each row may use as history.
    public let inputs: CSRMatrix
    /// (user, fold) x items: the held-out items each row is scored on.
    public let targets: CSRMatrix
    /// Original row index (in the interaction matrix) of each row's user.
    public let users: [Int]
    /// Fold index (`0 ..< foldCount`) of each row.
    public let folds: [Int]

    /// Number of (user, fold) rows.
    public var count: Int { inputs.rows }

    /// Builds the folds of `users` (row indices of `interactions`, a users x items matrix).
    /// - Throws: `EvaluationError.invalidArgument` if `foldCount < 2`, a user index is out of
    ///   `0 ..< interactions.rows`, or a user appears twice.
    public init(interactions: CSRMatrix, users: [Int], foldCount: Int = defaultFoldCount, seed: UInt64) throws {
        guard foldCount >= 2 else {
            throw EvaluationError.invalidArgument("foldCount must be >= 2, got \(foldCount)")
        }
        var seen = Set<Int>()
        for user in users {
            guard user >= 0 && user < interactions.rows else {
                throw EvaluationError.invalidArgument("user \(user) is out of range 0..<\(interactions.rows)")
            }
            guard seen.insert(user).inserted else {
                throw EvaluationError.invalidArgument("user \(user) is listed twice")
            }
        }

        var inputOffsets = [0], targetOffsets = [0]
        var inputIndices: [Int32] = [], targetIndices: [Int32] = []
        var inputValues: [Float] = [], targetValues: [Float] = []
        var rowUsers: [Int] = [], rowFolds: [Int] = []
        for user in users {
            let start = interactions.rowOffsets[user]
            let itemCount = interactions.count(ofRow: user)
            let assignment = Self.foldAssignment(itemCount: itemCount, foldCount: foldCount, user: user, seed: seed)
            for fold in 0..<foldCount {
                let targetCount = assignment.reduce(0) { $0 + ($1 == fold ? 1 : 0) }
                guard targetCount > 0 && targetCount < itemCount else { continue }
                for position in 0..<itemCount {
                    let item = interactions.columnIndices[start + position]
                    let value = interactions.values[start + position]
                    if assignment[position] == fold {
                        targetIndices.append(item); targetValues.append(value)
                    } else {
                        inputIndices.append(item); inputValues.append(value)
                    }
                }
                inputOffsets.append(inputIndices.count)
                targetOffsets.append(targetIndices.count)
                rowUsers.append(user)
                rowFolds.append(fold)
            }
        }
        self.foldCount = foldCount
        self.inputs = CSRMatrix(rows: rowUsers.count, columns: interactions.columns, rowOffsets: inputOffsets,
                                columnIndices: inputIndices, values: inputValues)
        self.targets = CSRMatrix(rows: rowUsers.count, columns: interactions.columns, rowOffsets: targetOffsets,
                                 columnIndices: targetIndices, values: targetValues)
        self.users = rowUsers
        self.folds = rowFolds
    }

    /// The fold of each of a user's `itemCount` items (by position in the user's CSR row):
    /// a seeded permutation of the positions, position at shuffled place `p` going to fold `p % foldCount`.
    /// The generator is `SeededGenerator(seed: seed ^ salt, stream: user)`: it depends on `seed` and `user` only.
    static func foldAssignment(itemCount: Int, foldCount: Int, user: Int, seed: UInt64) -> [Int] {
        var permutation = Array(0..<itemCount)
        var generator = SeededGenerator(seed: seed ^ foldSeedSalt, stream: UInt64(user))
        generator.shuffle(&permutation)
        var assignment = [Int](repeating: 0, count: itemCount)
        for (shuffledPosition, position) in permutation.enumerated() {
            assignment[position] = shuffledPosition % foldCount
        }
        return assignment
    }

    /// Keeps the fold streams apart from the stream that samples the split's users.
    private static let foldSeedSalt: UInt64 = 0x464F_4C44_5345_4544  // "FOLDSEED"
}
