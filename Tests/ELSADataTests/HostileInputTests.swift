import Foundation
import Testing
import _TestSupport
@testable import ELSAData
import _ELSASupport

/// One test per way a data file or path used to fool the readers: each is now refused with a
/// `DataError` naming the file (and the line, for line-level faults), or read correctly.
@Suite struct HostileInputTests {
    @Test func infiniteRatingsAreRefusedWithTheLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // 1e999 overflows a Double, 1e39 a Float: neither may become an infinite rating.
        for (name, text, format, options, line) in [
            ("a.csv", "1,2,4\n1,3,1e999\n", DataFormat.csv, ReaderOptions(header: .absent, ratingColumn: 2), 2),
            ("b.csv", "1,2,4\n1,3,-1e39\n", .csv, ReaderOptions(header: .absent, ratingColumn: 2), 2),
            ("ratings.dat", "1::2::4::0\n1::3::1e999::0\n", .movielens, .default, 2),
            ("g.csv", "user_id,book_id,rating\n1,2,4\n1,3,1e999\n", .goodbooks, .default, 3),
            ("combined_data_1.txt", "7:\n1,4,2005-01-01\n1,1e999,2005-01-01\n", .netflix, .default, 3),
        ] {
            let file = try folder.write(name, text)
            let error = try #require(malformedLine { try InteractionReader.read(path: file, format: format, options: options) },
                                     "\(name) was accepted")
            #expect(error.file == file)
            #expect(error.line == line)
            #expect(error.reason.contains("is not a finite number"), "\(error.reason)")
        }
        // A finite rating written with a large exponent is still a rating.
        let fine = try folder.write("c.csv", "1,2,4e-3\n1,3,3.4e38\n")
        #expect(try InteractionReader.read(path: fine, format: .csv, options: ReaderOptions(header: .absent, ratingColumn: 2)).ratings
                == [0.004, 3.4e38])
    }

    @Test func randomBytesAreNotAnAdjacencyFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var mutator = ByteMutator(seed: 2024)
        for (index, size) in [100_000, 4_096, 300].enumerated() {
            let file = folder.file("noise-\(index).txt")
            try Data(mutator.randomBytes(size)).write(to: URL(fileURLWithPath: file))
            for format in [DataFormat.adjacency, .citeulike, .csv, .netflix] {
                let error = dataError { try InteractionReader.read(path: file, format: format) }
                guard case .malformedLine(let named, let line, _)? = error else {
                    Issue.record("\(format): \(size) random bytes gave \(String(describing: error))")
                    continue
                }
                #expect(named == file && line >= 1)
            }
        }
    }

    @Test func idsWithControlBytesOrInvalidUTF8AreRefusedWithTheLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for (index, bad) in [[UInt8]]([[0x61, 0x00, 0x62], [0x1B, 0x5B, 0x32, 0x4A], [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80],
                             [0xC2, 0x85], [0x7F], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]).enumerated() {
            let file = folder.file("bad-\(index).txt")
            try Data(Array("0 1 2\n1 ".utf8) + bad + Array(" 2\n".utf8)).write(to: URL(fileURLWithPath: file))
            let error = try #require(malformedLine { try InteractionReader.read(path: file, format: .adjacency) }, "\(bad)")
            #expect(error.file == file && error.line == 2)
            #expect(error.reason.contains("item id") && error.reason.contains("is not a valid id"), "\(error.reason)")
            #expect(!error.reason.contains("\u{0}") && !error.reason.contains("\u{1B}"), "raw control bytes in \(error.reason)")
        }
        // Any printable UTF-8 is an id, and so is a csv field with inner spaces.
        let fine = try folder.write("fine.csv", "bjørn,李 小龍\n\u{1F600},x y\n")
        let raw = try InteractionReader.read(path: fine, format: .csv, options: ReaderOptions(header: .absent))
        #expect(raw.userIDs == ["bjørn", "\u{1F600}"] && raw.itemIDs == ["x y", "李 小龍"])
    }

    @Test func aByteOrderMarkAtTheStartIsSkipped() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bom = "\u{FEFF}"
        let adjacency = try folder.write("train.txt", bom + "0 1 2\n1 2\n")
        let raw = try InteractionReader.read(path: adjacency, format: .adjacency)
        #expect(raw.userIDs == ["0", "1"])  // not "\u{FEFF}0"
        #expect(pairs(raw) == [["0", "1"], ["0", "2"], ["1", "2"]])
        let movielens = try folder.write("ml/ratings.csv", bom + "userId,movieId,rating,timestamp\n1,10,4.0,9\n")
        #expect(try InteractionReader.read(path: movielens, format: .movielens).itemIDs == ["10"])
        let goodbooks = try folder.write("gb/ratings.csv", bom + "book_id,user_id,rating\n5,1,4\n")
        #expect(try InteractionReader.read(path: goodbooks, format: .goodbooks).userIDs == ["1"])  // columns swapped by the header
        let csv = try folder.write("h.csv", bom + "user,item\n1,2\n")
        #expect(try InteractionReader.read(path: csv, format: .csv).userIDs == ["1"])  // the header is still detected
        let citeulike = try folder.write("users.dat", bom + "1 5\n")
        #expect(try InteractionReader.read(path: citeulike, format: .citeulike).itemIDs == ["5"])
        // Only at the start: a mark inside a line is part of an id.
        let inside = try folder.write("inside.txt", "0 1\n1 " + bom + "2\n")
        #expect(try InteractionReader.read(path: inside, format: .adjacency).itemIDs.contains(bom + "2"))
        let onlyMark = try folder.write("mark.txt", bom + "\n")
        #expect(dataError { try InteractionReader.read(path: onlyMark, format: .adjacency) } == .emptyFile(file: onlyMark))
    }

    @Test func aHugeColumnIndexIsAnErrorNamingTheLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("r.csv", "\n1,2,3\n4,5,6\n")
        for options in [ReaderOptions(ratingColumn: Int.max), ReaderOptions(timestampColumn: Int.max),
                        ReaderOptions(userColumn: Int.max), ReaderOptions(itemColumn: Int.max - 1), ReaderOptions(ratingColumn: 3)] {
            let error = try #require(malformedLine { try InteractionReader.read(path: file, format: .csv, options: options) })
            #expect(error.file == file && error.line == 2)
            #expect(error.reason.contains("found 3 fields") && error.reason.contains("need at least"), "\(error.reason)")
        }
    }

    @Test func pipesDevicesAndStandardInputAreRefusedAsNotRegularFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // A FIFO with no writer: opening it for reading the usual way would block forever.
        let fifo = folder.file("fifo.txt")
        #expect(mkfifo(fifo, 0o600) == 0)
        try FileManager.default.createDirectory(atPath: folder.file("ml"), withIntermediateDirectories: true)
        #expect(mkfifo(folder.file("ml/ratings.dat"), 0o600) == 0)  // found in a folder layout
        var paths = [(fifo, DataFormat.adjacency), (fifo, .csv), (folder.file("ml"), .movielens), ("/dev/null", .adjacency)]
        if FileIO.kind(of: "/dev/stdin") != .regularFile { paths.append(("/dev/stdin", .netflix)) }  // a pipe or terminal here
        for (path, format) in paths {
            guard case .cannotRead(let file, let reason)? = dataError({ try InteractionReader.read(path: path, format: format) }) else {
                Issue.record("\(path) as \(format) was not refused")
                continue
            }
            #expect(file.hasPrefix(path) && reason.contains("not a regular file"), "\(file): \(reason)")
        }
        guard case .cannotRead(_, let reason)? = dataError({ try InteractionCache.read(from: fifo) }) else {
            Issue.record("a FIFO was read as a cache")
            return
        }
        #expect(reason.contains("not a regular file"))
    }

    @Test func aWriteRemovesTheTemporaryFilesThatKilledWritesOfTheSameTargetLeft() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("data.cache")
        // Int32.max is above any pid_max: no process has it. This process is alive.
        let dead = folder.file(".data.cache.tmp-\(Int32.max)-12345")
        let alive = folder.file(".data.cache.tmp-\(getpid())-678")
        let otherTarget = folder.file(".other.cache.tmp-\(Int32.max)-1")
        let notOurs = folder.file(".data.cache.tmp-notapid-1")
        for file in [dead, alive, otherTarget, notOurs] { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: file)) }
        let dataset = SyntheticData.generate(SyntheticConfiguration(userCount: 10, itemCount: 5, segmentCount: 1,
                                                                    interactionsPerUser: 2, seed: 1)).dataset
        try InteractionCache.write(dataset, to: path)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == [".data.cache.tmp-\(getpid())-678", ".data.cache.tmp-notapid-1", ".other.cache.tmp-\(Int32.max)-1",
                         "data.cache"])
        // AtomicFile (reports, exports) cleans the same way.
        let report = folder.file("report.json")
        let deadReport = folder.file(".report.json.tmp-\(Int32.max)-9")
        try Data([1]).write(to: URL(fileURLWithPath: deadReport))
        try AtomicFile.write("{}", to: report)
        #expect(!FileManager.default.fileExists(atPath: deadReport))
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "{}")
    }
}
