import Foundation
import Testing
import ELSASparse
@testable import ELSAData

@Suite struct InteractionCacheTests {
    func sample() -> InteractionDataset {
        InteractionDataset(interactions: CSRMatrix(rows: 4, columns: 5, binaryRows: [[0, 3], [], [1, 2, 4], [4]]),
                           userIDs: ["alice", "", "bjørn", "李"], itemIDs: ["0", "1", "two", "3", "ünïcode"])
    }

    @Test func roundTripIsExact() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("data.cache")
        try InteractionCache.write(sample(), to: path)
        #expect(try InteractionCache.read(from: path) == sample())
        // Overwriting replaces the file and leaves no temporary file behind.
        let synthetic = SyntheticData.generate(SyntheticConfiguration(userCount: 200, itemCount: 80, segmentCount: 4,
                                                                      interactionsPerUser: 10, seed: 3)).dataset
        try InteractionCache.write(synthetic, to: path)
        #expect(try InteractionCache.read(from: path) == synthetic)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["data.cache"])
    }

    @Test func truncatedCacheNamesTheFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("data.cache")
        try InteractionCache.write(sample(), to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for length in [0, 10, 63, 64, bytes.count - 1] {
            try bytes.prefix(length).write(to: URL(fileURLWithPath: path))
            guard case .badCache(let file, let reason)? = dataError({ try InteractionCache.read(from: path) }) else {
                Issue.record("length \(length): expected badCache")
                continue
            }
            #expect(file == path)
            #expect(reason.contains("truncated"))
        }
    }

    @Test func damagedOrForeignFilesAreRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("data.cache")
        try InteractionCache.write(sample(), to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        var flipped = good
        flipped[good.count - 3] ^= 0x20  // inside the item id bytes
        try flipped.write(to: URL(fileURLWithPath: path))
        guard case .badCache(_, let reason)? = dataError({ try InteractionCache.read(from: path) }) else {
            Issue.record("expected badCache for a flipped byte")
            return
        }
        #expect(reason.contains("checksum"))
        var extra = good
        extra.append(0)
        try extra.write(to: URL(fileURLWithPath: path))
        #expect(dataError { try InteractionCache.read(from: path) } != nil)
        let text = try folder.write("ratings.csv", String(repeating: "1,2,3\n", count: 20))
        guard case .badCache(let file, let magicReason)? = dataError({ try InteractionCache.read(from: text) }) else {
            Issue.record("expected badCache for a text file")
            return
        }
        #expect(file == text)
        #expect(magicReason.contains("magic"))
        guard case .cannotRead? = dataError({ try InteractionCache.read(from: folder.file("missing.cache")) }) else {
            Issue.record("expected cannotRead for a missing cache")
            return
        }
    }

    @Test func writingIntoAMissingFolderFails() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("no/such/folder/data.cache")
        guard case .cannotWrite(let file, _)? = dataError({ try InteractionCache.write(sample(), to: path) }) else {
            Issue.record("expected cannotWrite")
            return
        }
        #expect(file == path)
    }
}
