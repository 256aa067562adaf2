import Foundation
import Testing
@testable import ELSAData

/// Reads the real datasets under /work/shared/data (`../shared/data` next to
/// the package root) when they are there; skipped otherwise.
@Suite struct RealDataTests {
    static let dataFolder: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()  // .../Tests/ELSADataTests/RealDataTests.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    static func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: dataFolder + "/" + name)
    }

    @Test(.enabled(if: exists("amazon-book-kgat/train.txt"), "amazon-book-kgat is not present"))
    func amazonBookKGATCounts() throws {
        let raw = try InteractionReader.read(path: Self.dataFolder + "/amazon-book-kgat", format: .adjacency)
        #expect(raw.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["train.txt", "test.txt"])
        let (dataset, report) = try Preprocessing.apply(raw, options: PreprocessingOptions(minRating: nil, minUserSupport: 1))
        #expect(dataset.userCount == 70_679)
        #expect(dataset.itemCount == 24_915)
        #expect(dataset.interactionCount == 846_434)
        #expect(report.duplicatesCollapsed == 0)
        // Sorted ids: row and column numbers are the 0-based ids of the files.
        #expect(dataset.userIDs.first == "0" && dataset.userIDs.last == "70678")
        #expect(dataset.itemIDs.first == "0" && dataset.itemIDs.last == "24914")
        // The paper's user support of 5 removes a few users, and nothing else.
        let paper = try Preprocessing.apply(raw, options: .paper).report
        #expect(paper.usersRemovedBySupport == 84)
        #expect(paper.interactionsRemovedBySupport == 336)
        #expect(paper.userCount == 70_595 && paper.itemCount == 24_915)
    }

    @Test(.enabled(if: exists("citeulike-a/users.dat"), "citeulike-a is not present"))
    func citeULikeCounts() throws {
        let raw = try InteractionReader.read(path: Self.dataFolder + "/citeulike-a", format: .citeulike)
        let report = try Preprocessing.apply(raw, options: .keepAll).report
        #expect(report.userCount == 5_551 && report.itemCount == 16_980 && report.interactionCount == 204_986)
    }

    @Test(.enabled(if: exists("ml-latest-small/ratings.csv"), "ml-latest-small is not present"))
    func movieLensLatestSmallCounts() throws {
        let raw = try InteractionReader.read(path: Self.dataFolder + "/ml-latest-small/ratings.csv", format: .movielens)
        #expect(raw.count == 100_836 && raw.userIDs.count == 610 && raw.itemIDs.count == 9_724)
        let report = try Preprocessing.apply(raw, options: PreprocessingOptions(minRating: 4, minUserSupport: 1)).report
        #expect(report.interactionCount == 48_580)  // rated >= 4, before support filtering
        #expect(report.usersWithoutInteractions == 1)  // one of the 610 users rated nothing >= 4
    }
}
