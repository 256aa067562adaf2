import Foundation
import Testing
import ELSASparse
@testable import ELSAData
import _ELSASupport

/// The fixtures beside this file, written by scipy (`Fixtures/make_npz_fixtures.py`).
func npzFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

/// (user, item, rating) triples of a read, in reading order.
func triples(_ raw: RawInteractions) -> [String] {
    raw.userIndices.indices.map { p in
        "\(raw.userIDs[Int(raw.userIndices[p])]) \(raw.itemIDs[Int(raw.itemIndices[p])])" + (raw.ratings.map { " \($0[p])" } ?? "")
    }
}

/// The matrix of `make_npz_fixtures.py`, explicit zero (bob, i30) left out.
let fixtureRatings = ["ann i20 5.0", "ann i50 3.0", "bob i10 4.0", "cy i30 2.0", "dee i10 1.0", "dee i40 4.0", "dee i50 5.0"]

@Test func scipyCSRAndCSCFilesReadWithTheirRatingsAndIds() throws {
    var options = ReaderOptions.default
    options.userIDsPath = npzFixture("users.txt")
    options.itemIDsPath = npzFixture("items.txt")
    let csr = try InteractionReader.read(path: npzFixture("ratings-csr.npz"), format: .npz, options: options)
    #expect(triples(csr) == fixtureRatings)
    #expect(csr.userIDs == ["ann", "bob", "cy", "dee"] && csr.itemIDs == ["i10", "i20", "i30", "i40", "i50"])
    let csc = try InteractionReader.read(path: npzFixture("ratings-csc.npz"), format: .npz, options: options)
    #expect(Set(triples(csc)) == Set(fixtureRatings) && triples(csc).count == 7)
    // Ratings >= 4 keep four interactions; their users need one each.
    let (dataset, _) = try Preprocessing.apply(csr, options: PreprocessingOptions(minRating: 4, minUserSupport: 1, minItemSupport: 1))
    #expect(dataset.interactionCount == 4)
}

@Test func aBinaryCOOFileHasNoRatingsAndNumberedIds() throws {
    let coo = try InteractionReader.read(path: npzFixture("binary-coo.npz"), format: .npz)
    #expect(coo.ratings == nil)
    #expect(coo.userIDs == ["0", "1", "2", "3"] && coo.itemIDs == ["0", "1", "2", "3", "4"])
    #expect(Set(triples(coo)) == ["0 1", "0 4", "1 0", "2 2", "3 0", "3 3", "3 4"])
}

@Test func badNPZFilesNameTheFileAndWhatIsWrong() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    func reason(_ path: String, _ options: ReaderOptions = .default) -> String {
        do {
            _ = try InteractionReader.read(path: path, format: .npz, options: options)
            return "read"
        } catch let DataError.cannotRead(file, reason) {
            return file.hasPrefix(path) ? reason : "named \(file)"
        } catch {
            return "\(error)"
        }
    }
    #expect(reason(npzFixture("binary-bsr.npz")).contains("holds a 'bsr' matrix"))
    #expect(reason(try folder.write("text.npz", "user,item\n1,2\n")).contains("not an .npz (zip) file"))
    let whole = try Data(contentsOf: URL(fileURLWithPath: npzFixture("ratings-csr.npz")))
    let truncated = folder.file("truncated.npz")
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))
    #expect(reason(truncated) != "read")
    var options = ReaderOptions.default
    options.userIDsPath = try folder.write("three.txt", "a\nb\nc\n")
    #expect(reason(npzFixture("ratings-csr.npz"), options) == "named \(options.userIDsPath!)")
    options.userIDsPath = try folder.write("twice.txt", "a\nb\na\nd\n")
    #expect(reason(npzFixture("ratings-csr.npz"), options) == "named \(options.userIDsPath!)")
    // The item matrix fixture is a sparse matrix too, read as one.
    let items = try SparseNPZ.read(npzFixture("items.npz"))
    #expect(items.rows == 3 && items.columns == 4 && items.values == [0.5, -1, 2, 3, 1, 1, 1, 1])
}

@Test func npyArraysDecodeTheirTypesAndRefuseBadHeaders() throws {
    let dense = try NumPyArray.decode(try Data(contentsOf: URL(fileURLWithPath: npzFixture("items-f8.npy"))), file: "items-f8.npy")
    #expect(dense.shape == [3, 4] && dense.descr == "<f8")
    #expect(try dense.floats(file: "x") == [0.5, 0, -1, 2, 0, 3, 0, 0, 1, 1, 1, 1])
    let encoded = NumPyArray.encode([Int64(7), -2], shape: [2])
    #expect(try NumPyArray.decode(encoded, file: "x").integers(file: "x") == [7, -2])
    #expect(throws: DataError.self) { try NumPyArray.decode(encoded.dropLast(3), file: "short.npy") }
    #expect(throws: DataError.self) { try NumPyArray.decode(Data("not numpy".utf8), file: "text.npy") }
}
