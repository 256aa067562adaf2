import ELSAEvaluation
import ELSASparse
import Testing

@Suite struct StrongGeneralizationSplitTests {
    /// 40 users; users 0, 10, 20, 30 have no item and 5, 15, 25, 35 have one: 32 are eligible.
    let interactions: CSRMatrix = {
        let random = Fixtures.randomInteractions(users: 40, items: 30, minimumItems: 2, maximumItems: 12, seed: 3)
        let rows: [[Int32]] = (0..<40).map { user in
            if user % 10 == 0 { return [] }
            if user % 10 == 5 { return [Int32(user % 30)] }
            return Array(random.columns(ofRow: user))
        }
        return CSRMatrix(rows: 40, columns: 30, binaryRows: rows)
    }()

    @Test func partitionsTheUsers() throws {
        let split = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 10,
                                                  validationUserCount: 5, seed: 42)
        #expect(split.testUsers.count == 10)
        #expect(split.validationUsers.count == 5)
        #expect(split.trainUsers.count == 25)
        let test = Set(split.testUsers), validation = Set(split.validationUsers), train = Set(split.trainUsers)
        #expect(test.isDisjoint(with: validation) && test.isDisjoint(with: train) && validation.isDisjoint(with: train))
        #expect(test.union(validation).union(train) == Set(0..<40))
        #expect(split.testUsers == split.testUsers.sorted() && split.trainUsers == split.trainUsers.sorted())
        // Only eligible users are held out; the others train.
        for user in split.testUsers + split.validationUsers { #expect(interactions.count(ofRow: user) >= 2) }
        for user in [0, 5, 10, 15, 20, 25, 30, 35] { #expect(train.contains(user)) }
    }

    @Test func trainHoldsExactlyTheTrainingRows() throws {
        let split = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 8, seed: 1)
        #expect(split.validationUsers.isEmpty)
        #expect(split.train.rows == split.trainUsers.count && split.train.columns == 30)
        for (row, user) in split.trainUsers.enumerated() {
            #expect(Array(split.train.columns(ofRow: row)) == Array(interactions.columns(ofRow: user)))
        }
        #expect(split.train.nonzeroCount + split.testUsers.map { interactions.count(ofRow: $0) }.reduce(0, +)
                == interactions.nonzeroCount)
    }

    @Test func isDeterministicInTheSeed() throws {
        let first = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 10, seed: 42)
        let again = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 10, seed: 42)
        let other = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 10, seed: 43)
        #expect(first == again)
        #expect(first.testUsers != other.testUsers)
    }

    @Test func takesEveryEligibleUserWhenAskedFor() throws {
        let split = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 32, seed: 9)
        #expect(split.testUsers == (0..<40).filter { $0 % 5 != 0 })
        #expect(split.trainUsers == [0, 5, 10, 15, 20, 25, 30, 35])
    }

    @Test func rejectsImpossibleRequests() {
        #expect(throws: EvaluationError.notEnoughEligibleUsers(requested: 33, eligible: 32, minimumItems: 2)) {
            try StrongGeneralizationSplit(interactions: interactions, testUserCount: 30, validationUserCount: 3, seed: 0)
        }
        #expect(throws: EvaluationError.self) {
            try StrongGeneralizationSplit(interactions: interactions, testUserCount: -1, seed: 0)
        }
    }
}
