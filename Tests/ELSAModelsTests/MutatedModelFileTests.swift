import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
import _TestSupport
@testable import ELSAModels

/// Property: whatever bytes a model file holds, `ModelFile.read` throws a `ModelFileError` naming
/// the file or returns a model with finite weights, one distinct id per item and a consistent
/// matrix (it scores a history without trapping). Most mutants get a recomputed checksum, so the
/// checks behind it are what refuses them.
@Suite struct MutatedModelFileTests {
    static let ids = ["a", "bé", "c", "item 4", "李", "6", "7", "8"]
    static let dense = DenseMatrix(rows: 8, columns: 6, storage: (0..<48).map { Float(($0 * 7) % 11) - 5 })

    func validFile(sparse: Bool, name: String) throws -> (path: String, bytes: [UInt8]) {
        let embedding: ItemEmbedding = sparse ? .sparse(CSRMatrix.topK(dense: Self.dense, k: 2)) : .dense(Self.dense)
        let path = temporaryPath(name)
        try ModelFile.write(ELSAModel(embedding: embedding, itemIDs: Self.ids), metadata: ["model": "test", "k": "2"], to: path)
        return (path, try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test("2,000 mutated dense and sparse model files, most re-checksummed: an error naming the file or a sound model")
    func mutatedModelFiles() throws {
        var loaded = 0
        for sparse in [false, true] {
            let (path, valid) = try validFile(sparse: sparse, name: "mutated-\(sparse).elsa")
            var mutator = ByteMutator(seed: sparse ? 2 : 1)
            for round in 0..<1_000 {
                var bytes = round % 3 == 0 ? mutator.withBoundaryInteger(valid, atOneOf: [12, 16, 24, 32, 40, 48, 58, 66])
                    : mutator.mutated(valid)
                if round % 8 != 7 { Rechecksum.modelFile(&bytes) }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                do {
                    let (model, _) = try ModelFile.read(from: path)
                    try expectSound(model, round: round)
                    loaded += 1
                } catch let error as ModelFileError {
                    #expect(error.description.hasPrefix(path), "round \(round): \(error)")
                }
            }
        }
        #expect(loaded > 0)
    }

    func expectSound(_ model: ELSAModel, round: Int) throws {
        #expect(model.itemIDs.count == model.itemCount && Set(model.itemIDs).count == model.itemCount, "round \(round)")
        switch model.embedding {
        case .dense(let matrix):
            #expect(matrix.storage.count == matrix.rows * matrix.columns && matrix.storage.allSatisfy { $0.isFinite }, "round \(round)")
        case .sparse(let matrix):
            #expect(matrix.values.allSatisfy { $0.isFinite }, "round \(round)")
        }
        let history = CSRMatrix(rows: 1, columns: model.itemCount, binaryRows: [[0]])
        #expect(model.scores(for: history).rows == 1)
    }

    @Test func headersWithHugeCountsAreRefusedNotTrusted() throws {
        let (path, valid) = try validFile(sparse: false, name: "huge.elsa")
        let sparseFile = try validFile(sparse: true, name: "huge-sparse.elsa")
        // (offset, value, words of the error): items = 2^63 used to trap converting to Int.
        let cases: [(Int, UInt64, String)] = [
            (16, 1 << 63, "9223372036854775808 items"), (16, UInt64.max, "items"), (16, 1 << 32, "items"),
            (16, 0, "0 items"), (16, 1 << 30, "cannot hold as many item ids"),
            (24, 1 << 63, "dimension 9223372036854775808"), (24, 1 << 40, "dimension"), (24, 0, "dimension 0"),
            (32, 1 << 63, "stored values"), (32, 1 << 62, "stored values"),
            (40, 1 << 63, "metadata of 9223372036854775808 bytes"), (40, 1 << 40, "metadata"),
        ]
        for (file, bytes) in [(path, valid), sparseFile] {
            for (offset, value, words) in cases {
                var damaged = bytes
                withUnsafeBytes(of: value.littleEndian) { damaged.replaceSubrange(offset..<(offset + 8), with: $0) }
                Rechecksum.modelFile(&damaged)
                try Data(damaged).write(to: URL(fileURLWithPath: file))
                do {
                    _ = try ModelFile.read(from: file)
                    Issue.record("accepted \(value) at offset \(offset)")
                } catch ModelFileError.corrupt(let named, let reason) {
                    #expect(named == file && reason.contains(words), "\(value) at \(offset): \(reason)")
                }
            }
        }
    }

    @Test func nonFiniteWeightsAreRefusedWithTheFileName() throws {
        for (index, bad) in [Float.nan, .infinity, -.infinity].enumerated() {
            var storage = Self.dense.storage
            storage[13] = bad
            let matrix = DenseMatrix(rows: 8, columns: 6, storage: storage)
            for embedding in [ItemEmbedding.dense(matrix), .sparse(CSRMatrix(dense: matrix))] {
                let path = temporaryPath("nonfinite-\(index)-\(embedding.bytesPerItem).elsa")
                try ModelFile.write(ELSAModel(embedding: embedding, itemIDs: Self.ids, isNormalized: true), to: path)
                do {
                    _ = try ModelFile.read(from: path)
                    Issue.record("a model with a weight \(bad) was loaded")
                } catch ModelFileError.corrupt(let file, let reason) {
                    #expect(file == path && reason.contains("must be finite"), "\(reason)")
                }
            }
        }
    }

    @Test func repeatedOrInvalidItemIDsAndUnsortedSparseRowsAreRefused() throws {
        let path = temporaryPath("ids.elsa")
        try ModelFile.write(ELSAModel(embedding: .dense(DenseMatrix([[1, 0], [0, 1]])), itemIDs: ["x", "x"]), to: path)
        #expect(throws: ModelFileError.corrupt(file: path, reason: "item id 'x' appears twice")) { try ModelFile.read(from: path) }
        try ModelFile.write(ELSAModel(embedding: .dense(DenseMatrix([[1, 0], [0, 1]])), itemIDs: ["x", "y"]), to: path)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 9] = 0xFF  // the last id, "y", becomes a lone 0xFF byte
        Rechecksum.modelFile(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelFileError.corrupt(file: path, reason: "item id 1 is not valid UTF-8")) { try ModelFile.read(from: path) }
        let unsorted = CSRMatrix(rows: 1, columns: 3, rowOffsets: [0, 2], columnIndices: [2, 0], values: [1, 1])
        try ModelFile.write(ELSAModel(embedding: .sparse(unsorted), itemIDs: ["x"], isNormalized: true), to: path)
        #expect(throws: ModelFileError.self) { try ModelFile.read(from: path) }
    }

    @Test func aModelWriteRemovesTheTemporaryFileOfAKilledWrite() throws {
        let folder = temporaryPath("stale")
        let path = folder + "/model.elsa"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dead = folder + "/.model.elsa.tmp-\(Int32.max)-4242"  // no process has pid Int32.max
        let alive = folder + "/.model.elsa.tmp-\(getpid())-1"
        for file in [dead, alive] { try Data([0]).write(to: URL(fileURLWithPath: file)) }
        try ModelFile.write(ELSAModel(embedding: .dense(Self.dense), itemIDs: Self.ids), to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [".model.elsa.tmp-\(getpid())-1", "model.elsa"])
        #expect(try ModelFile.read(from: path).model.itemIDs == Self.ids)
    }

    @Test func aFIFOIsRefusedAsAModelFile() throws {
        let fifo = temporaryPath("model.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        do {
            _ = try ModelFile.read(from: fifo)
            Issue.record("a FIFO was read as a model")
        } catch ModelFileError.cannotRead(let file, let reason) {
            #expect(file == fifo && reason.contains("not a regular file"))
        }
    }
}
