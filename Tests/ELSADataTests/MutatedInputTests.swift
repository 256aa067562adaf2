import Foundation
import Testing
import ELSASparse
import _TestSupport
@testable import ELSAData
import _ELSASupport

/// Property: whatever bytes a data file holds, every reader and the cache loader either throw a
/// `DataError` naming the file or return a consistent result; they never trap (a trap would end
/// the test process, so finishing proves it). Inputs are seeded mutations of small valid files:
/// bit flips, truncations, inserted and deleted bytes, boundary integers, and tokens such as
/// `1e999`, a byte-order mark or a NUL.
@Suite struct MutatedInputTests {
    /// A valid input of each format, with the options to read it.
    static let seeds: [(format: DataFormat, name: String, text: String, options: ReaderOptions)] = [
        (.csv, "ratings.csv", "user,item,rating,time\n1,10,4.5,1000\nalice,bob,3,2001-02-03\n2,10,-1e0,7\n\n3,7,2,8\n",
         ReaderOptions(ratingColumn: 2, timestampColumn: 3)),
        (.csv, "pairs.tsv", "10\tb\n9\ta\nzed\t007\n0\t2\n", ReaderOptions(separator: .tab, header: .detect)),
        (.movielens, "ratings.dat", "1::10::5::978300760\n1::11::3.5::978300761\n2::10::1::978300762\n",
         ReaderOptions(readTimestamps: true)),
        (.movielens, "ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.0,964982703\n2,11,0.5,964982224\n",
         .default),
        (.netflix, "combined_data_1.txt", "1:\n1488844,3,2005-09-06\n822109,5,2005-05-13\n2:\n885013,4,2005-10-19\n",
         ReaderOptions(readTimestamps: true)),
        (.goodbooks, "goodbooks.csv", "user_id,book_id,rating\n1,258,5\n2,4081,4\n2,260,5\n", .default),
        (.adjacency, "train.txt", "0 1 2 3\n1 2 4\n2\n3 0 1\n", .default),
        (.citeulike, "users.dat", "3 1 2 3\n1 0\n2 4 1\n", .default),
    ]
    static let dictionary = ["1e999", "-1e39", "inf", "nan", "\u{FEFF}", "\u{0}", "\u{1B}[2J", "\u{85}", "\u{FFFF}",
                             "9223372036854775807", "99999999999999999999", "::", ",", "\t", "\r\n", ":\n", " ", "\n\n",
                             "2005-13-45", "-", "0", "é"]

    @Test("2,400 mutated data files: each read is a DataError naming the file or consistent interactions")
    func mutatedDataFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var accepted = 0, refused = 0
        for (seedIndex, seed) in Self.seeds.enumerated() {
            var mutator = ByteMutator(seed: UInt64(seedIndex), dictionary: Self.dictionary)
            let file = folder.file("\(seedIndex)-" + seed.name)
            for round in 0..<300 {
                let bytes = mutator.mutated(Array(seed.text.utf8))
                try Data(bytes).write(to: URL(fileURLWithPath: file))
                do {
                    let raw = try InteractionReader.read(path: file, format: seed.format, options: seed.options)
                    try expectConsistent(raw, file: file, round: round)
                    accepted += 1
                } catch let error as DataError {
                    #expect(error.description.hasPrefix(file), "round \(round): \(error)")
                    refused += 1
                }
            }
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(accepted > 100 && refused > 100, "\(accepted) accepted, \(refused) refused")
    }

    @Test("1,000 mutated interaction caches, half with huge header counts, re-checksummed: an error or a valid dataset")
    func mutatedCaches() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("data.cache")
        let dataset = SyntheticData.generate(SyntheticConfiguration(userCount: 30, itemCount: 12, segmentCount: 3,
                                                                    interactionsPerUser: 4, seed: 5)).dataset
        try InteractionCache.write(dataset, to: path)
        let valid = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var mutator = ByteMutator(seed: 11)
        var loaded = 0
        for round in 0..<1_000 {
            var bytes = round % 2 == 0 ? mutator.mutated(valid)
                : mutator.withBoundaryInteger(valid, atOneOf: [16, 24, 32, 40, 48, 64, 72, valid.count - 8])
            if round % 4 != 3 { Rechecksum.interactionCache(&bytes) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let read = try InteractionCache.read(from: path)
                expectConsistent(read.interactions, rows: read.userIDs.count, columns: read.itemIDs.count, round: round)
                loaded += 1
            } catch let error as DataError {
                #expect(error.description.hasPrefix(path), "round \(round): \(error)")
            }
        }
        #expect(loaded > 0)  // some mutations (of id bytes, say) leave a valid cache
    }

    /// Indices inside the id lists, finite ratings, valid ids; the result preprocesses and caches.
    func expectConsistent(_ raw: RawInteractions, file: String, round: Int) throws {
        #expect(raw.userIndices.count == raw.itemIndices.count)
        #expect(raw.userIndices.allSatisfy { $0 >= 0 && Int($0) < raw.userIDs.count }, "round \(round)")
        #expect(raw.itemIndices.allSatisfy { $0 >= 0 && Int($0) < raw.itemIDs.count }, "round \(round)")
        #expect(raw.ratings?.allSatisfy { $0.isFinite } ?? true, "round \(round): a non-finite rating was accepted")
        for id in raw.userIDs + raw.itemIDs {
            let bytes = Array(id.utf8)
            let valid = bytes.withUnsafeBufferPointer { ByteParsing.isValidID($0.baseAddress!, 0, $0.count) }
            #expect(valid, "round \(round): id \(bytes) accepted")
        }
        do {
            let (dataset, _) = try Preprocessing.apply(raw, options: PreprocessingOptions(minRating: nil, minUserSupport: 1,
                                                                                           minItemSupport: 1))
            expectConsistent(dataset.interactions, rows: dataset.userIDs.count, columns: dataset.itemIDs.count, round: round)
            guard round % 8 == 0 else { return }  // a cache write flushes to disk: only some
            let cache = file + ".cache"
            try InteractionCache.write(dataset, to: cache)
            #expect(try InteractionCache.read(from: cache) == dataset, "round \(round): the cache did not round-trip")
        } catch DataError.nothingLeftAfterFiltering(let source, _) {
            #expect(source == file)
        }
    }

    /// Offsets from 0 to nnz that never decrease, columns in range and strictly increasing per row.
    func expectConsistent(_ matrix: CSRMatrix, rows: Int, columns: Int, round: Int) {
        #expect(matrix.rows == rows && matrix.columns == columns && matrix.rowOffsets.count == rows + 1, "round \(round)")
        #expect(matrix.rowOffsets.first == 0 && matrix.rowOffsets.last == matrix.columnIndices.count, "round \(round)")
        for row in 0..<min(rows, matrix.rowOffsets.count - 1) {
            let start = matrix.rowOffsets[row], end = matrix.rowOffsets[row + 1]
            guard start <= end, end <= matrix.columnIndices.count else {
                Issue.record("round \(round): row \(row) spans \(start)..<\(end)")
                return
            }
            let row = matrix.columnIndices[start..<end]
            #expect(row.allSatisfy { $0 >= 0 && Int($0) < columns } && zip(row, row.dropFirst()).allSatisfy { $0 < $1 },
                    "round \(round)")
        }
    }
}
