import Testing
@testable import ELSAData

@Suite struct InteractionReaderTests {
    @Test func csvWithHeaderSeparatorAndColumnsChosenByOptions() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("ratings.txt", """
            time;user;item;score
            100;u2;10;4.5
            200;u1;7;3

            300;u2;7;-1e0
            2000-01-02;u3;10;5
            """)
        let options = ReaderOptions(separator: .literal(";"), header: .detect, userColumn: 1, itemColumn: 2,
                                    ratingColumn: 3, timestampColumn: 0, idOrder: .firstAppearance)
        let raw = try InteractionReader.read(path: file, format: .csv, options: options)
        #expect(raw.userIDs == ["u2", "u1", "u3"])
        #expect(raw.itemIDs == ["10", "7"])
        #expect(pairs(raw) == [["u2", "10"], ["u1", "7"], ["u2", "7"], ["u3", "10"]])
        #expect(raw.ratings == [4.5, 3, -1, 5])
        #expect(raw.timestamps == [100, 200, 300, 946_771_200])  // 2000-01-02T00:00:00Z
        #expect(raw.linesRead == 6)
        #expect(raw.files == [file])
        #expect(raw.format == .csv)
    }

    @Test func sortedIDOrderPutsIntegersFirstNumericallyThenText() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("pairs.tsv", "10\tb\n9\ta\nzed\t007\n0\t2\n")
        let raw = try InteractionReader.read(path: file, format: .csv, options: ReaderOptions(separator: .tab, header: .absent))
        #expect(raw.userIDs == ["0", "9", "10", "zed"])
        #expect(raw.itemIDs == ["2", "007", "a", "b"])  // "007" is not a canonical integer: sorted as text
        #expect(pairs(raw) == [["10", "b"], ["9", "a"], ["zed", "007"], ["0", "2"]])
        #expect(raw.ratings == nil)
        #expect(raw.timestamps == nil)
    }

    @Test func csvHeaderDetection() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Without a rating column: a text first line followed by integer ids is a header.
        let withHeader = try folder.write("a.csv", "user,item\n1,2\n3,4\n")
        #expect(try InteractionReader.read(path: withHeader, format: .csv).count == 2)
        // Text ids on every line: nothing looks like a header, every line is data.
        let textIDs = try folder.write("b.csv", "alice,book\nbob,film\n")
        #expect(try InteractionReader.read(path: textIDs, format: .csv).count == 2)
        // With a rating column: a numeric rating on line 1 means data.
        let noHeader = try folder.write("c.csv", "alice,book,5\nbob,film,4\n")
        #expect(try InteractionReader.read(path: noHeader, format: .csv, options: ReaderOptions(ratingColumn: 2)).count == 2)
        // `.present` always skips line 1.
        #expect(try InteractionReader.read(path: noHeader, format: .csv, options: ReaderOptions(header: .present)).count == 1)
    }

    @Test func whitespaceSeparatorAndCRLFLineEnds() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("w.txt", "  1 \t 2   3.5\r\n4 5 1\r\n")
        let raw = try InteractionReader.read(path: file, format: .csv,
                                             options: ReaderOptions(separator: .whitespace, ratingColumn: 2))
        #expect(pairs(raw) == [["1", "2"], ["4", "5"]])
        #expect(raw.ratings == [3.5, 1])
    }

    @Test func movieLensDatAndCsvAreDetected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("ml-1m/ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n")
        let dat = try InteractionReader.read(path: folder.file("ml-1m"), format: .movielens,
                                             options: ReaderOptions(readTimestamps: true))
        #expect(dat.files == [folder.file("ml-1m/ratings.dat")])
        #expect(pairs(dat) == [["1", "1193"], ["1", "661"], ["2", "1193"]])
        #expect(dat.itemIDs == ["661", "1193"])
        #expect(dat.ratings == [5, 3, 4])
        #expect(dat.timestamps == [978_300_760, 978_302_109, 978_298_413])

        let csv = try folder.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,0.5,964981247\n")
        let raw = try InteractionReader.read(path: csv, format: .movielens)
        #expect(pairs(raw) == [["1", "1"], ["1", "3"]])
        #expect(raw.ratings == [4, 0.5])
        #expect(raw.timestamps == nil)
        #expect(raw.linesRead == 3)
    }

    @Test func netflixFolderReadsEveryCombinedDataFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("netflix/combined_data_1.txt", "1:\n1488844,3,2005-09-06\n822109,5,2005-05-13\n2:\n1488844,4,2005-10-19\n")
        try folder.write("netflix/combined_data_2.txt", "3:\n30878,1,2005-12-26\n")
        try folder.write("netflix/movie_titles.csv", "1,2003,Dinosaur Planet\n")
        let raw = try InteractionReader.read(path: folder.file("netflix"), format: .netflix,
                                             options: ReaderOptions(readTimestamps: true))
        #expect(raw.files == [folder.file("netflix/combined_data_1.txt"), folder.file("netflix/combined_data_2.txt")])
        #expect(pairs(raw) == [["1488844", "1"], ["822109", "1"], ["1488844", "2"], ["30878", "3"]])
        #expect(raw.userIDs == ["30878", "822109", "1488844"])
        #expect(raw.ratings == [3, 5, 4, 1])
        #expect(raw.timestamps == [1_125_964_800, 1_115_942_400, 1_129_680_000, 1_135_555_200])
        #expect(raw.linesRead == 7)

        let single = try InteractionReader.read(path: folder.file("netflix/combined_data_2.txt"), format: .netflix)
        #expect(pairs(single) == [["30878", "3"]])
        #expect(single.timestamps == nil)
    }

    @Test func goodbooksBothColumnOrders() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("goodbooks/ratings.csv", "user_id,book_id,rating\n1,258,5\n2,4081,4\n")
        let current = try InteractionReader.read(path: folder.file("goodbooks"), format: .goodbooks)
        #expect(pairs(current) == [["1", "258"], ["2", "4081"]])
        #expect(current.ratings == [5, 4])
        let old = try folder.write("old.csv", "book_id,user_id,rating\n1,314,5\n1,439,3\n")
        #expect(pairs(try InteractionReader.read(path: old, format: .goodbooks)) == [["314", "1"], ["439", "1"]])
    }

    @Test func adjacencyFolderTakesTheUnionOfTrainAndTest() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("kgat/train.txt", "0 0 1 2\n1 3\n2\n")
        try folder.write("kgat/test.txt", "0 4\n1 1 3\n")
        try folder.write("kgat/item_list.txt", "org_id remap_id\n")
        let raw = try InteractionReader.read(path: folder.file("kgat"), format: .adjacency)
        #expect(raw.files == [folder.file("kgat/train.txt"), folder.file("kgat/test.txt")])
        #expect(pairs(raw) == [["0", "0"], ["0", "1"], ["0", "2"], ["1", "3"], ["0", "4"], ["1", "1"], ["1", "3"]])
        #expect(raw.userIDs == ["0", "1", "2"])  // user 2 has no item
        #expect(raw.ratings == nil)
        #expect(raw.linesRead == 5)
        let dataset = try Preprocessing.apply(raw, options: .keepAll).dataset
        #expect(itemsByUser(dataset) == ["0": ["0", "1", "2", "4"], "1": ["1", "3"]])

        let trainOnly = try InteractionReader.read(path: folder.file("kgat/train.txt"), format: .adjacency)
        #expect(trainOnly.count == 4)
    }

    @Test func citeULikeLinesAreUsers() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("citeulike/users.dat", "3 5 9 2\n0\n1 9")
        let raw = try InteractionReader.read(path: folder.file("citeulike"), format: .citeulike)
        #expect(raw.userIDs == ["0", "1", "2"])
        #expect(raw.itemIDs == ["2", "5", "9"])
        #expect(pairs(raw) == [["0", "5"], ["0", "9"], ["0", "2"], ["2", "9"]])
        #expect(raw.linesRead == 3)
    }

    @Test func formatNamesParse() throws {
        #expect(DataFormat.allCases.map(\.rawValue) == ["csv", "movielens", "netflix", "goodbooks", "adjacency", "citeulike", "npz"])
        #expect(try DataFormat(parsing: "MovieLens") == .movielens)
        #expect(dataError { try DataFormat(parsing: "parquet") } == .unknownFormat("parquet"))
        #expect(FieldSeparator(argument: "tab") == .tab)
        #expect(FieldSeparator(argument: "::") == .literal("::"))
        #expect(FieldSeparator(argument: "whitespace") == .whitespace)
    }
}
