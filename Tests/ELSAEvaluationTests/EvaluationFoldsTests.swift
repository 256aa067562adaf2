import ELSAEvaluation
import ELSASparse
import Testing

@Suite struct EvaluationFoldsTests {
    /// Users with 0, 1, 2, 3, 7, 23 and 100 items over 120 items.
    let interactions: CSRMatrix = {
        let counts = [0, 1, 2, 3, 7, 23, 100]
        let rows: [[Int32]] = counts.enumerated().map { user, count in
            (0..<count).map { Int32((user * 17 + $0 * 7) % 120) }
        }
        return CSRMatrix(rows: counts.count, columns: 120, binaryRows: rows)
    }()

    func rows(of user: Int, in folds: EvaluationFolds) -> [Int] {
        folds.users.indices.filter { folds.users[$0] == user }
    }

    @Test func foldsAreDisjointAndCoverEachUser() throws {
        let folds = try EvaluationFolds(interactions: interactions, users: [2, 3, 4, 5, 6], seed: 11)
        for user in [2, 3, 4, 5, 6] {
            let items = Fixtures.itemSet(interactions, row: user)
            var covered = Set<Int>()
            for row in rows(of: user, in: folds) {
                let input = Fixtures.itemSet(folds.inputs, row: row), target = Fixtures.itemSet(folds.targets, row: row)
                #expect(!target.isEmpty && !input.isEmpty)
                #expect(input.isDisjoint(with: target) && input.union(target) == items)
                #expect(covered.isDisjoint(with: target), "user \(user): targets of two folds overlap")
                covered.formUnion(target)
            }
            #expect(covered == items, "user \(user): the targets do not cover the items")
        }
    }

    @Test func foldSizesAreAboutOneFifth() throws {
        let folds = try EvaluationFolds(interactions: interactions, users: [5, 6], seed: 11)
        // 23 items: targets of 5, 5, 5, 4, 4 (fold f gets ceil((23 - f) / 5)); 100 items: 20 each.
        #expect(rows(of: 5, in: folds).map { folds.targets.count(ofRow: $0) } == [5, 5, 5, 4, 4])
        #expect(rows(of: 6, in: folds).map { folds.targets.count(ofRow: $0) } == [20, 20, 20, 20, 20])
        #expect(rows(of: 6, in: folds).map { folds.inputs.count(ofRow: $0) } == [80, 80, 80, 80, 80])
        #expect(folds.folds == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
        #expect(folds.users == [5, 5, 5, 5, 5, 6, 6, 6, 6, 6])
    }

    @Test func smallUsersSkipFoldsWithAnEmptyTarget() throws {
        let folds = try EvaluationFolds(interactions: interactions, users: [0, 1, 2, 3, 4], seed: 5)
        // 0 and 1 items: no row. 2 items: folds 0, 1. 3 items: folds 0, 1, 2. 7 items: all 5 folds.
        #expect(folds.users == [2, 2, 3, 3, 3, 4, 4, 4, 4, 4])
        #expect(folds.folds == [0, 1, 0, 1, 2, 0, 1, 2, 3, 4])
        for row in 0..<5 { #expect(folds.targets.count(ofRow: row) == 1) }
        #expect((5..<10).map { folds.targets.count(ofRow: $0) } == [2, 2, 1, 1, 1])
    }

    @Test func isDeterministicPerUserAndSeed() throws {
        let first = try EvaluationFolds(interactions: interactions, users: [4, 5, 6], seed: 21)
        let again = try EvaluationFolds(interactions: interactions, users: [4, 5, 6], seed: 21)
        #expect(first == again)
        // A user's folds do not depend on which other users are evaluated, nor their order.
        let alone = try EvaluationFolds(interactions: interactions, users: [6], seed: 21)
        let reordered = try EvaluationFolds(interactions: interactions, users: [6, 4], seed: 21)
        #expect(alone.targets == first.targets.selectingRows(rows(of: 6, in: first)))
        #expect(alone.targets == reordered.targets.selectingRows(rows(of: 6, in: reordered)))
        // Another seed shuffles differently.
        let other = try EvaluationFolds(interactions: interactions, users: [4, 5, 6], seed: 22)
        #expect(other.targets != first.targets)
        #expect(other.users == first.users && other.folds == first.folds)
    }

    @Test func splitFoldsUseTheSplitSeed() throws {
        let split = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 2,
                                                  validationUserCount: 2, seed: 8)
        #expect(try split.testFolds() == EvaluationFolds(interactions: interactions, users: split.testUsers, seed: 8))
        #expect(try split.validationFolds(foldCount: 3)
                == EvaluationFolds(interactions: interactions, users: split.validationUsers, foldCount: 3, seed: 8))
    }

    @Test func rejectsBadArguments() {
        #expect(throws: EvaluationError.self) { try EvaluationFolds(interactions: interactions, users: [2], foldCount: 1, seed: 0) }
        #expect(throws: EvaluationError.self) { try EvaluationFolds(interactions: interactions, users: [7], seed: 0) }
        #expect(throws: EvaluationError.self) { try EvaluationFolds(interactions: interactions, users: [3, 3], seed: 0) }
    }
}
