import Foundation
import Testing
import ZIPFoundation
import ELSAData
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
@testable import ELSAExperiments
import _ELSASupport

/// The folder of this test process's files, removed when the process exits.
private let processFolder: URL = {
    func folder() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("elsa-experiments-tests-\(getpid())") }
    atexit { try? FileManager.default.removeItem(at: folder()) }
    return folder()
}()

/// A fresh folder inside the process's folder.
func temporaryDirectory() -> URL {
    let url = processFolder.appendingPathComponent(UUID().uuidString)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Parses an .npy file: (descr, shape, payload bytes).
func parseNPY(_ data: Data) -> (descr: String, shape: String, payload: Data) {
    let bytes = [UInt8](data)
    #expect(bytes[0] == 0x93 && Array(bytes[1...5]) == Array("NUMPY".utf8))
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    #expect((10 + headerLength) % 64 == 0)
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    func field(_ name: String) -> String {
        let start = header.range(of: "'\(name)': ")!.upperBound
        let rest = header[start...]
        if rest.hasPrefix("'") { return String(rest.dropFirst().prefix { $0 != "'" }) }
        return String(rest.prefix { $0 != ")" }) + ")"
    }
    return (field("descr"), field("shape"), Data(bytes[(10 + headerLength)...]))
}

@Test func npzExportHoldsTheCSRArraysScipyReads() throws {
    let dense = DenseMatrix([[0, 3, 4, 0], [1, 0, 0, 0], [0, 0, 0, 2]])
    let model = ELSAModel(embedding: .sparse(CSRMatrix(dense: dense)), itemIDs: ["a", "b", "c"])
    let directory = temporaryDirectory()
    let path = directory.appendingPathComponent("model.npz").path
    let idPath = try ModelExport.export(model, format: .npz, to: path)
    #expect(try String(contentsOfFile: idPath, encoding: .utf8) == "a\nb\nc\n")
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    var members: [String: Data] = [:]
    for entry in archive {
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        members[entry.path] = data
    }
    #expect(Set(members.keys) == ["data.npy", "indices.npy", "indptr.npy", "format.npy", "shape.npy"])
    let values = parseNPY(members["data.npy"]!)
    #expect(values.descr == "<f4" && values.shape == "(4,)")
    let floats = values.payload.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    #expect(floats == [0.6, 0.8, 1, 1])  // rows normalized: (3, 4)/5, 1, 2/2
    let indptr = parseNPY(members["indptr.npy"]!)
    #expect(indptr.descr == "<i8")
    #expect(indptr.payload.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } == [0, 2, 3, 4])
    let indices = parseNPY(members["indices.npy"]!)
    #expect(indices.payload.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) } == [1, 2, 0, 3])
    let format = parseNPY(members["format.npy"]!)
    #expect(format.descr == "|S3" && format.payload == Data("csr".utf8))
    #expect(parseNPY(members["shape.npy"]!).payload.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } == [3, 4])
}

@Test func npyExportIsTheDenseMatrix() throws {
    let model = ELSAModel(embedding: .dense(DenseMatrix([[3, 4], [0, 2]])), itemIDs: ["x", "y"])
    let path = temporaryDirectory().appendingPathComponent("model.npy").path
    try ModelExport.export(model, format: .npy, to: path)
    let parsed = parseNPY(try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(parsed.descr == "<f4" && parsed.shape == "(2, 2)")
    #expect(parsed.payload.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } == [0.6, 0.8, 0, 1])
}

@Test func userHistoryFileNamesLineOfBadInputAndWarnsOnUnknownItems() throws {
    let ids = ["10", "20", "30"]
    let parsed = try UserHistoryFile.parse("# comment\nalice 10 30\nbob 20,99\n", file: "h.txt", itemIDs: ids)
    #expect(parsed.labels == ["alice", "bob"])
    #expect(Array(parsed.matrix.columns(ofRow: 0)) == [0, 2])
    #expect(Array(parsed.matrix.columns(ofRow: 1)) == [1])
    #expect(parsed.warnings == ["h.txt:3: item '99' is not in the model; skipped"])
    #expect(throws: DataError.malformedLine(file: "h.txt", line: 2, reason: "expected 'label item item ...', got 'carol'")) {
        try UserHistoryFile.parse("alice 10\ncarol\n", file: "h.txt", itemIDs: ids)
    }
    #expect(throws: DataError.emptyFile(file: "h.txt")) { try UserHistoryFile.parse("# nothing\n", file: "h.txt", itemIDs: ids) }
}

@Test func reportJSONHasTheContractKeys() throws {
    let report = ExperimentReport(model: "ease", dataset: "d", format: "csv", metrics: ["recall@20": 0.5, "recall@50": 0.6, "ndcg@100": 0.4],
                                  users: 10, items: 5, interactions: 30, testUsers: 2, evaluatedFolds: 10, seconds: 1.5,
                                  evaluationSeconds: 0.5, seed: 1, trainSeconds: 1, bytesPerItem: 64, nonzerosPerRow: 8,
                                  epochs: [.init(epoch: 1, loss: 0.1, seconds: 0.2, k: 8, stage: 0, usersPerSecond: 50)])
    let path = temporaryDirectory().appendingPathComponent("r.json").path
    try report.write(to: path)
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    for key in ["metrics", "users", "items", "interactions", "testUsers", "seconds", "trainSeconds", "bytesPerItem", "epochs", "nonzerosPerRow"] {
        #expect(object[key] != nil, "missing \(key)")
    }
    let metrics = object["metrics"] as! [String: Double]
    #expect(Set(metrics.keys) == ["recall@20", "recall@50", "ndcg@100"])
    let epoch = (object["epochs"] as! [[String: Any]])[0]
    for key in ["epoch", "loss", "seconds", "k"] { #expect(epoch[key] != nil) }
}
