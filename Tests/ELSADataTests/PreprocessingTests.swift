import Testing
import ELSASparse
@testable import ELSAData

/// Hand-built inputs with counts worked out by hand.
@Suite struct PreprocessingTests {
    /// Records given as (user, item, rating) with ids equal to the indices.
    func raw(_ records: [(Int32, Int32, Float)], users: Int, items: Int, ratings: Bool = true) -> RawInteractions {
        RawInteractions(source: "hand-built", files: [], format: ratings ? .csv : .adjacency,
                        userIndices: records.map(\.0), itemIndices: records.map(\.1),
                        ratings: ratings ? records.map(\.2) : nil, timestamps: nil,
                        userIDs: (0..<users).map { "u\($0)" }, itemIDs: (0..<items).map { "i\($0)" },
                        linesRead: records.count)
    }

    @Test func thresholdBinarizationAndDuplicates() throws {
        // u0: i0 (5), i1 (3 -> dropped), i0 again (4 -> duplicate), i2 (2 then 4.5: kept once)
        // u1: i1 (1 -> dropped), i3 (4), i3 (5 -> duplicate)
        // u2: i1 (3.5 -> dropped): u2 is left without interactions, and so is i1.
        let input = raw([(0, 0, 5), (0, 1, 3), (0, 0, 4), (0, 2, 2), (0, 2, 4.5),
                         (1, 1, 1), (1, 3, 4), (1, 3, 5), (2, 1, 3.5)], users: 3, items: 4)
        let options = PreprocessingOptions(minRating: 4, minUserSupport: 1, minItemSupport: 1)
        let (dataset, report) = try Preprocessing.apply(input, options: options)
        #expect(report.interactionsRead == 9)
        #expect(report.thresholdApplied)
        #expect(report.belowThreshold == 4)
        #expect(report.duplicatesCollapsed == 2)
        #expect(report.usersWithoutInteractions == 1)
        #expect(report.itemsWithoutInteractions == 1)
        #expect(report.interactionsRemovedBySupport == 0)
        #expect(report.interactionCount == 3)
        #expect(dataset.userIDs == ["u0", "u1"])
        #expect(dataset.itemIDs == ["i0", "i2", "i3"])
        let expected = CSRMatrix(rows: 2, columns: 3, binaryRows: [[0, 1], [2]])
        #expect(dataset.interactions == expected)
        #expect(dataset.interactions.values.allSatisfy { $0 == 1 })
    }

    @Test func thresholdIgnoredWithoutRatingsOrMinimum() throws {
        let records: [(Int32, Int32, Float)] = [(0, 0, 1), (0, 1, 1), (1, 1, 1)]
        let withoutRatings = try Preprocessing.apply(raw(records, users: 2, items: 2, ratings: false),
                                                     options: PreprocessingOptions(minRating: 4, minUserSupport: 1))
        #expect(!withoutRatings.report.thresholdApplied)
        #expect(withoutRatings.report.interactionCount == 3)
        let noMinimum = try Preprocessing.apply(raw(records, users: 2, items: 2), options: .keepAll)
        #expect(!noMinimum.report.thresholdApplied)
        #expect(noMinimum.report.interactionCount == 3)
    }

    @Test func minimumUserAndItemSupport() throws {
        // u0: i0 i1 i2 (3), u1: i0 i1 (2), u2: i0 (1), u3: i3 (1).
        let input = raw([(0, 0, 5), (0, 1, 5), (0, 2, 5), (1, 0, 5), (1, 1, 5), (2, 0, 5), (3, 3, 5)], users: 4, items: 4)
        // Users >= 2: u2 and u3 go (2 interactions); then items >= 2 among u0, u1:
        // i0 (2), i1 (2) stay, i2 (1) goes, i3 (0) goes.
        let (dataset, report) = try Preprocessing.apply(input, options: PreprocessingOptions(minRating: nil, minUserSupport: 2,
                                                                                             minItemSupport: 2))
        #expect(report.rounds == [PreprocessingReport.Round(usersRemoved: 2, interactionsRemovedWithUsers: 2,
                                                            itemsRemoved: 2, interactionsRemovedWithItems: 1)])
        #expect(report.userCount == 2 && report.itemCount == 2 && report.interactionCount == 4)
        #expect(itemsByUser(dataset) == ["u0": ["i0", "i1"], "u1": ["i0", "i1"]])
        // The paper's defaults (4, 5, 1) on the same input remove every user.
        #expect(dataError { try Preprocessing.apply(input) }.map {
            if case .nothingLeftAfterFiltering(let file, _) = $0 { return file == "hand-built" }
            return false
        } == true)
    }

    /// A: {1,2,3}, B: {1,2,3}, C: {3,4}, D: {4}; users >= 2 and items >= 2.
    /// Single pass: D goes, then item 4 (now only C's); C stays with {3}: 7 interactions.
    /// k-core: the second round also removes C: 6 interactions, then a round removes nothing.
    func kCoreExample() -> RawInteractions {
        RawInteractions(source: "k-core example", files: [], format: .adjacency,
                        userIndices: [0, 0, 0, 1, 1, 1, 2, 2, 3], itemIndices: [0, 1, 2, 0, 1, 2, 2, 3, 3],
                        ratings: nil, timestamps: nil, userIDs: ["A", "B", "C", "D"], itemIDs: ["1", "2", "3", "4"],
                        linesRead: 4)
    }

    @Test func singlePassFiltersUsersThenItemsOnce() throws {
        let options = PreprocessingOptions(minRating: nil, minUserSupport: 2, minItemSupport: 2, supportFiltering: .singlePass)
        let (dataset, report) = try Preprocessing.apply(kCoreExample(), options: options)
        #expect(itemsByUser(dataset) == ["A": ["1", "2", "3"], "B": ["1", "2", "3"], "C": ["3"]])
        #expect(report.rounds == [PreprocessingReport.Round(usersRemoved: 1, interactionsRemovedWithUsers: 1,
                                                            itemsRemoved: 1, interactionsRemovedWithItems: 1)])
        #expect(report.interactionCount == 7)
    }

    @Test func kCoreIteratesToAFixedPoint() throws {
        let options = PreprocessingOptions(minRating: nil, minUserSupport: 2, minItemSupport: 2, supportFiltering: .kCore)
        let (dataset, report) = try Preprocessing.apply(kCoreExample(), options: options)
        #expect(itemsByUser(dataset) == ["A": ["1", "2", "3"], "B": ["1", "2", "3"]])
        #expect(report.rounds == [
            PreprocessingReport.Round(usersRemoved: 1, interactionsRemovedWithUsers: 1, itemsRemoved: 1, interactionsRemovedWithItems: 1),
            PreprocessingReport.Round(usersRemoved: 1, interactionsRemovedWithUsers: 1, itemsRemoved: 0, interactionsRemovedWithItems: 0),
            PreprocessingReport.Round(),
        ])
        #expect(report.interactionCount == 6)
        #expect(report.userCount == 2 && report.itemCount == 3)
        // Every survivor meets both minimums.
        #expect((0..<dataset.userCount).allSatisfy { dataset.interactions.count(ofRow: $0) >= 2 })
        #expect(dataset.interactions.columnCounts().allSatisfy { $0 >= 2 })
    }

    @Test func singlePassDropsUsersTheItemStepLeftEmpty() throws {
        // u0: i0 i1, u1: i0 i1, u2: i2 alone; items >= 2 removes i2 and leaves u2 empty.
        let input = raw([(0, 0, 5), (0, 1, 5), (1, 0, 5), (1, 1, 5), (2, 2, 5)], users: 3, items: 3)
        let (dataset, report) = try Preprocessing.apply(input, options: PreprocessingOptions(minRating: nil, minUserSupport: 1,
                                                                                             minItemSupport: 2))
        #expect(dataset.userIDs == ["u0", "u1"])
        #expect(report.rounds == [PreprocessingReport.Round(usersRemoved: 1, interactionsRemovedWithUsers: 0,
                                                            itemsRemoved: 1, interactionsRemovedWithItems: 1)])
    }

    @Test func reportReconcilesAndSummarizes() throws {
        let input = raw([(0, 0, 5), (0, 0, 5), (0, 1, 2), (0, 2, 4), (1, 2, 4), (2, 3, 5), (2, 0, 4)], users: 3, items: 4)
        let (_, report) = try Preprocessing.apply(input, options: PreprocessingOptions(minRating: 4, minUserSupport: 2,
                                                                                        minItemSupport: 1))
        #expect(report.interactionsRead - report.belowThreshold - report.duplicatesCollapsed
                - report.interactionsRemovedBySupport == report.interactionCount)
        #expect(report.usersRead - report.usersWithoutInteractions - report.usersRemovedBySupport == report.userCount)
        #expect(report.itemsRead - report.itemsWithoutInteractions - report.itemsRemovedBySupport == report.itemCount)
        #expect(report.belowThreshold == 1 && report.duplicatesCollapsed == 1)
        #expect(report.usersRemovedBySupport == 1)  // u1 has one interaction
        let summary = report.summary
        #expect(summary.contains("7 interactions read"))
        #expect(summary.contains("dropped 1 interactions below the threshold"))
        #expect(summary.contains("duplicates collapsed: 1"))
        #expect(PreprocessingReport.grouped(1_234_567) == "1,234,567")
        #expect(PreprocessingReport.grouped(999) == "999")
    }

    @Test func everythingBelowThresholdIsAnError() throws {
        let input = raw([(0, 0, 1), (1, 1, 2)], users: 2, items: 2)
        guard case .nothingLeftAfterFiltering(let file, let reason)? = dataError({ try Preprocessing.apply(input) }) else {
            Issue.record("expected nothingLeftAfterFiltering")
            return
        }
        #expect(file == "hand-built")
        #expect(reason.contains("dropped 2 interactions below the threshold"))
    }

    @Test func readAndPreprocessAFileEndToEnd() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Ratings >= 4 and users >= 2: user 3 keeps only one rating >= 4 and goes.
        let file = try folder.write("ratings.csv", """
            userId,movieId,rating,timestamp
            1,10,4.0,1
            1,20,5.0,2
            1,30,1.0,3
            2,10,4.5,4
            2,30,4.0,5
            3,10,5.0,6
            3,20,3.5,7
            """)
        let raw = try InteractionReader.read(path: file, format: .movielens)
        let (dataset, report) = try Preprocessing.apply(raw, options: PreprocessingOptions(minRating: 4, minUserSupport: 2))
        #expect(report.linesRead == 8)
        #expect(report.belowThreshold == 2)
        #expect(itemsByUser(dataset) == ["1": ["10", "20"], "2": ["10", "30"]])
    }
}
