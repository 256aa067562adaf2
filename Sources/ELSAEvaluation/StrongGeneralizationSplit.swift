import ELSASparse
import _ELSASupport

/// A seeded strong-generalization split (SPEC §5): test users, and optionally
/// validation users, are sampled without replacement and removed from training.
///
/// Only users with at least ``minimumItemsPerEvaluatedUser`` (2) interactions
/// are *eligible*: with one item, no fold could keep both a non-empty input and
/// a non-empty target. Test and validation users are drawn among eligible users
/// only; ineligible users (0 or 1 interaction) always stay in training.
///
/// Sampling: a partial Fisher–Yates shuffle of the eligible users (ascending row
/// order) with `SeededGenerator(seed: seed)` and its `next(below:)` (fixed by
/// that type, not by the standard library release); the first `testUserCount` drawn
/// are the test users, the next `validationUserCount` the validation users.
/// All user lists are sorted ascending. The same matrix and seed always give
/// the same split.
public struct StrongGeneralizationSplit: Sendable, Equatable {
    /// Users need this many interactions to be sampled as test or validation users.
    public static let minimumItemsPerEvaluatedUser = 2

    /// The full matrix the split was taken from (users x items).
    public let interactions: CSRMatrix
    /// The training users' rows, in `trainUsers` order (trainUsers.count x items).
    public let train: CSRMatrix
    /// Original row indices of the training users, ascending.
    public let trainUsers: [Int]
    /// Original row indices of the test users, ascending.
    public let testUsers: [Int]
    /// Original row indices of the validation users, ascending (empty unless asked for).
    public let validationUsers: [Int]
    /// The seed of the split; the folds derive their per-user seeds from it.
    public let seed: UInt64

    /// Splits `interactions` (users x items).
    /// - Throws: `EvaluationError.invalidArgument` if a count is negative;
    ///   `EvaluationError.notEnoughEligibleUsers` if fewer than
    ///   `testUserCount + validationUserCount` users have at least 2 interactions.
    ///   Taking every user out of training is allowed (`train` then has no rows).
    public init(interactions: CSRMatrix, testUserCount: Int, validationUserCount: Int = 0, seed: UInt64) throws {
        guard testUserCount >= 0 else {
            throw EvaluationError.invalidArgument("testUserCount must be >= 0, got \(testUserCount)")
        }
        guard validationUserCount >= 0 else {
            throw EvaluationError.invalidArgument("validationUserCount must be >= 0, got \(validationUserCount)")
        }
        let minimumItems = Self.minimumItemsPerEvaluatedUser
        var eligible = (0..<interactions.rows).filter { interactions.count(ofRow: $0) >= minimumItems }
        let requested = testUserCount + validationUserCount
        guard requested <= eligible.count else {
            throw EvaluationError.notEnoughEligibleUsers(requested: requested, eligible: eligible.count,
                                                         minimumItems: minimumItems)
        }
        // Partial Fisher–Yates: afterwards eligible[0 ..< requested] is a uniform sample without replacement.
        var generator = SeededGenerator(seed: seed)
        for position in 0..<requested {
            eligible.swapAt(position, position + generator.next(below: eligible.count - position))
        }
        let test = eligible[0..<testUserCount].sorted()
        let validation = eligible[testUserCount..<requested].sorted()

        var held = [Bool](repeating: false, count: interactions.rows)
        for user in eligible[0..<requested] { held[user] = true }
        let training = (0..<interactions.rows).filter { !held[$0] }

        self.interactions = interactions
        self.train = interactions.selectingRows(training)
        self.trainUsers = training
        self.testUsers = test
        self.validationUsers = validation
        self.seed = seed
    }

    /// The evaluation folds of the test users (see ``EvaluationFolds``), seeded from ``seed``.
    /// - Throws: `EvaluationError.invalidArgument` if `foldCount < 2`.
    public func testFolds(foldCount: Int = EvaluationFolds.defaultFoldCount) throws -> EvaluationFolds {
        try EvaluationFolds(interactions: interactions, users: testUsers, foldCount: foldCount, seed: seed)
    }

    /// The evaluation folds of the validation users (see ``EvaluationFolds``), seeded from ``seed``.
    /// - Throws: `EvaluationError.invalidArgument` if `foldCount < 2`.
    public func validationFolds(foldCount: Int = EvaluationFolds.defaultFoldCount) throws -> EvaluationFolds {
        try EvaluationFolds(interactions: interactions, users: validationUsers, foldCount: foldCount, seed: seed)
    }
}
