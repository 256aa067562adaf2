import Testing
@testable import ELSAData

/// Bad input is a `DataError` naming the file and the 1-based line, never a crash.
@Suite struct MalformedInputTests {
    @Test func wrongFieldCountNamesFileAndLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("r.csv", "user,item,rating\n1,2,5\n3,4\n5,6,1\n")
        let error = try #require(malformedLine { try InteractionReader.read(path: file, format: .csv,
                                                                             options: ReaderOptions(ratingColumn: 2)) })
        #expect(error.file == file)
        #expect(error.line == 3)
        #expect(error.reason.contains("expected 3 fields"))
        #expect(error.reason.contains("found 2"))
    }

    @Test func nonNumericRatingNamesFileAndLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("ratings.dat", "1::10::5::1\n1::11::4::2\n\n2::10::five::3\n")
        let error = try #require(malformedLine { try InteractionReader.read(path: file, format: .movielens) })
        #expect(error.file == file)
        #expect(error.line == 4)
        #expect(error.reason.contains("non-numeric rating 'five'"))
        // `nan` and an empty rating are not numbers either.
        let nan = try folder.write("g.csv", "user_id,book_id,rating\n1,2,nan\n")
        #expect(malformedLine { try InteractionReader.read(path: nan, format: .goodbooks) }?.line == 2)
        let empty = try folder.write("e.csv", "user_id,book_id,rating\n1,2,4\n1,3,\n")
        #expect(malformedLine { try InteractionReader.read(path: empty, format: .goodbooks) }?.line == 3)
    }

    @Test func citeULikeCountMismatchNamesFileAndLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("users.dat", "2 1 2\n3 4 5\n1 7\n")
        let error = try #require(malformedLine { try InteractionReader.read(path: file, format: .citeulike) })
        #expect(error.file == file)
        #expect(error.line == 2)
        #expect(error.reason.contains("the count says 3 items, the line has 2"))
        let notACount = try folder.write("bad.dat", "1 4\nx 5\n")
        #expect(malformedLine { try InteractionReader.read(path: notACount, format: .citeulike) }?.line == 2)
        let blank = try folder.write("blank.dat", "1 4\n\n1 5\n")
        #expect(malformedLine { try InteractionReader.read(path: blank, format: .citeulike) }?.line == 2)
    }

    @Test func netflixLinesOutsideAMovieOrWithWrongFields() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let orphan = try folder.write("combined_data_1.txt", "1488844,3,2005-09-06\n")
        let orphanError = try #require(malformedLine { try InteractionReader.read(path: orphan, format: .netflix) })
        #expect(orphanError.file == orphan)
        #expect(orphanError.line == 1)
        let folderWithBadSecondFile = try TemporaryFolder()
        defer { folderWithBadSecondFile.remove() }
        try folderWithBadSecondFile.write("combined_data_1.txt", "1:\n5,3,2005-09-06\n")
        let second = try folderWithBadSecondFile.write("combined_data_2.txt", "2:\n6,4,2005-09-06\n7,4\n")
        let error = try #require(malformedLine { try InteractionReader.read(path: folderWithBadSecondFile.path, format: .netflix) })
        #expect(error.file == second)
        #expect(error.line == 3)
        #expect(error.reason.contains("found 2"))
    }

    @Test func unrecognizedMovieLensFirstLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("ratings.csv", "\nuser,movie,rating\n1,2,3\n")
        let error = try #require(malformedLine { try InteractionReader.read(path: file, format: .movielens) })
        #expect(error.file == file)
        #expect(error.line == 2)
    }

    @Test func emptyFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let empty = try folder.write("empty.csv", "")
        let blank = try folder.write("blank.txt", " \n\n\t\r\n")
        let headerOnly = try folder.write("header.csv", "userId,movieId,rating,timestamp\n")
        for format in DataFormat.allCases {
            #expect(dataError { try InteractionReader.read(path: empty, format: format) } == .emptyFile(file: empty))
            #expect(dataError { try InteractionReader.read(path: blank, format: format) } == .emptyFile(file: blank))
        }
        #expect(dataError { try InteractionReader.read(path: headerOnly, format: .movielens) } == .emptyFile(file: headerOnly))
        #expect(dataError { try InteractionReader.read(path: headerOnly, format: .csv, options: ReaderOptions(ratingColumn: 2)) }
                == .emptyFile(file: headerOnly))
        // A folder whose test.txt is empty names that file.
        try folder.write("kgat/train.txt", "0 1\n")
        let emptyTest = try folder.write("kgat/test.txt", "")
        #expect(dataError { try InteractionReader.read(path: folder.file("kgat"), format: .adjacency) } == .emptyFile(file: emptyTest))
    }

    @Test func missingFilesAndFoldersWithoutTheExpectedFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let missing = folder.file("nothing-here.csv")
        for format in DataFormat.allCases {
            guard case .cannotRead(let file, _)? = dataError({ try InteractionReader.read(path: missing, format: format) }) else {
                Issue.record("\(format): expected cannotRead")
                continue
            }
            #expect(file == missing)
        }
        try folder.write("unrelated.txt", "1 2\n")
        for format in [DataFormat.movielens, .netflix, .goodbooks, .adjacency, .citeulike, .csv] {
            guard case .cannotRead(let file, _)? = dataError({ try InteractionReader.read(path: folder.path, format: format) }) else {
                Issue.record("\(format): expected cannotRead for a folder without its files")
                continue
            }
            #expect(file == folder.path)
        }
    }

    @Test func badColumnChoices() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("two.csv", "1,2\n3,4\n")
        let tooFew = try #require(malformedLine { try InteractionReader.read(path: file, format: .csv, options: ReaderOptions(ratingColumn: 2)) })
        #expect(tooFew.line == 1)
        #expect(tooFew.reason.contains("need at least 3"))
        let emptyID = try folder.write("emptyid.csv", "1,2\n,4\n")
        #expect(malformedLine { try InteractionReader.read(path: emptyID, format: .csv) }?.line == 2)
        let badTime = try folder.write("time.csv", "1,2,x\n")
        #expect(malformedLine { try InteractionReader.read(path: badTime, format: .csv,
                                                             options: ReaderOptions(header: .absent, timestampColumn: 2)) }?.line == 1)
        guard case .cannotRead? = dataError({ try InteractionReader.read(path: file, format: .csv, options: ReaderOptions(userColumn: -1)) }) else {
            Issue.record("a negative column must be refused")
            return
        }
    }
}
