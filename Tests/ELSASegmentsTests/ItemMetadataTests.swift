import Foundation
import Testing
import ELSAData
@testable import ELSASegments
import _ELSASupport

@Suite struct ItemMetadataTests {
    @Test func readsMovieLensLayoutWithQuotedTitles() throws {
        let text = "movieId,title,genres\r\n"
            + "11,\"American President, The (1995)\",Comedy|Drama|Romance\r\n"
            + "7789,\"11'09\"\"01 - September 11 (2002)\",Drama\r\n"
            + "\r\n"
            + "1,Toy Story (1995),Adventure|Animation\r\n"
            + "182727,A Christmas Story Live! (2017),(no genres listed)\r\n"
            + "5,\"A title\nover two lines\",Comedy"  // no final line break
        let metadata = try ItemMetadata.parse(text, file: "movies.csv")
        #expect(metadata.count == 5)
        #expect(metadata.title(of: "11") == "American President, The (1995)")
        #expect(metadata.title(of: "7789") == "11'09\"01 - September 11 (2002)")
        #expect(metadata.title(of: "1") == "Toy Story (1995)")
        #expect(metadata.title(of: "5") == "A title\nover two lines")
        #expect(metadata.genres["11"] == ["Comedy", "Drama", "Romance"])
        #expect(metadata.genres["182727"] == [])
        #expect(metadata.genres(of: ["1", "unknown"]) == [["Adventure", "Animation"], []])
        #expect(metadata.title(of: "movieId") == nil)
    }

    @Test func columnsByNameOrIndexAndOtherSeparators() throws {
        let text = "asin\tprice\tname\nB001\t9.99\tThe \"Best\" Book\nB002\t5\tOther\n"
        let byName = try ItemMetadata.parse(text, file: "books.tsv", options: ItemMetadataOptions(
            idColumn: .name("asin"), titleColumn: .name("name"), genresColumn: nil, separator: "\t"))
        #expect(byName.titles == ["B001": "The \"Best\" Book", "B002": "Other"])
        #expect(!byName.hasGenres)
        let byIndex = try ItemMetadata.parse("B001;x;Title one\n", file: "plain.csv", options: ItemMetadataOptions(
            titleColumn: .index(2), genresColumn: .index(5), separator: ";", hasHeader: false))
        #expect(byIndex.titles == ["B001": "Title one"] && byIndex.genres["B001"] == [])
    }

    @Test func badInputNamesFileAndLine() {
        func failure(_ text: String, _ options: ItemMetadataOptions = .movieLens) -> DataError? {
            do { _ = try ItemMetadata.parse(text, file: "m.csv", options: options) } catch let error as DataError { return error } catch { return nil }
            return nil
        }
        guard case .malformedLine(let file, let line, _)? = failure("movieId,title\n1,ok\n2,\"never closed\n3,x\n") else {
            Issue.record("expected a malformed line"); return
        }
        #expect(file == "m.csv" && line == 3)
        guard case .malformedLine(_, 2, _)? = failure("movieId,title\n1,\"a\"b,Drama\n") else { Issue.record("text after a closing quote"); return }
        guard case .malformedLine(_, 3, _)? = failure("movieId,title\n1,a\n2\n") else { Issue.record("a record without a title"); return }
        guard case .malformedLine(_, 1, _)? = failure("id,title\n1,a\n", ItemMetadataOptions(idColumn: .name("movieId"))) else {
            Issue.record("a missing named column"); return
        }
        #expect(failure("movieId,title,genres\n") == .emptyFile(file: "m.csv"))
        #expect(throws: DataError.self) { try ItemMetadata.read(path: "/nonexistent/movies.csv") }
    }

    @Test func csvRecordsKeepEmptyFieldsAndLineNumbers() throws {
        let records = try CSVRecords.parse("a,,c\n\n\"x\ny\",2\n,\n", file: "f")
        #expect(records.map(\.line) == [1, 3, 5])
        #expect(records.map(\.fields) == [["a", "", "c"], ["x\ny", "2"], ["", ""]])
        #expect(try CSVRecords.parse("\u{FEFF}id\n", file: "f").map(\.fields) == [["id"]])
    }

    @Test(.enabled(if: SharedData.exists("ml-latest-small/movies.csv"), "ml-latest-small is not present"))
    func readsRealMoviesFile() throws {
        let metadata = try ItemMetadata.read(path: SharedData.folder + "/ml-latest-small/movies.csv")
        #expect(metadata.count == 9_742)
        #expect(metadata.title(of: "11") == "American President, The (1995)")
        #expect(metadata.title(of: "7789") == "11'09\"01 - September 11 (2002)")
        #expect(metadata.genres["1"] == ["Adventure", "Animation", "Children", "Comedy", "Fantasy"])
        #expect(metadata.genres.values.filter(\.isEmpty).count == 34)  // "(no genres listed)"
    }
}
