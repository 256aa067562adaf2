import Foundation
import Testing
import ELSAData
import ELSASparse
@testable import ELSAExperiments
import _ELSASupport

@Test func resolvedPathsAgreeAcrossSpellingsAndSymlinks() throws {
    let folder = temporaryDirectory()
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("a"), withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("a/data.csv")
    try Data("x".utf8).write(to: file)
    try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path,
                                               withDestinationPath: folder.appendingPathComponent("a").path)
    let resolved = OutputPaths.resolved(file.path)
    #expect(OutputPaths.resolved(folder.appendingPathComponent("a/../a/./data.csv").path) == resolved)
    #expect(OutputPaths.resolved(folder.appendingPathComponent("link/data.csv").path) == resolved)
    // A file that does not exist yet resolves through its existing folder.
    #expect(OutputPaths.resolved(folder.appendingPathComponent("link/new.model").path)
            == OutputPaths.resolved(folder.appendingPathComponent("a/new.model").path))
}

@Test func outputChecksRefuseInputsTwinsAndFolders() throws {
    let folder = temporaryDirectory()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let data = folder.appendingPathComponent("train.txt")
    try Data("0 1 2\n".utf8).write(to: data)
    let inFolder = OutputPaths.dataFiles(folder.path)
    #expect(inFolder.contains(data.path))
    #expect(throws: OutputPathError.self) {
        try OutputPaths.check(inputs: inFolder.map { ("--data", $0) }, outputs: [("--output", data.path)])
    }
    #expect(throws: OutputPathError.self) {
        try OutputPaths.check(inputs: [], outputs: [("--output", folder.path + "/m"), ("--report", folder.path + "/./m")])
    }
    #expect(throws: OutputPathError.self) { try OutputPaths.check(inputs: [], outputs: [("--output", folder.path)]) }
    try OutputPaths.check(inputs: inFolder.map { ("--data", $0) } + [("--model-file", nil)],
                          outputs: [("--output", folder.path + "/m.model"), ("--report", folder.path + "/r.json"), ("--cache", nil)])
}

@Test func aSecondLockOnOneFileIsRefusedWithTheHoldersPid() throws {
    let folder = temporaryDirectory()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("run.checkpoint").path
    let first = try FileLock(for: path)
    do {
        _ = try FileLock(for: path)
        Issue.record("a second lock was granted")
    } catch let error as FileLockError {
        #expect(error.holder == ProcessInfo.processInfo.processIdentifier)
        #expect(error.description.contains("is in use by another run"))
    }
    first.release()
    #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
    let again = try FileLock(for: path)
    again.release()
}

/// The written split lists exactly the training interactions and each test user's folds, with the data's ids.
@Test func writtenSplitHoldsTheTrainingRowsAndTheFolds() throws {
    let experiment = try smallStudyExperiment()
    let folder = temporaryDirectory().path
    let files = try SplitExport.write(experiment, to: folder)
    #expect(files.map { ($0 as NSString).lastPathComponent } == ["items.tsv", "train.tsv", "test.tsv"])
    func lines(_ name: String) throws -> [[Substring]] {
        try String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t") }
    }
    let dataset = experiment.dataset
    #expect(try lines("items.tsv").map { String($0[0]) } == dataset.itemIDs)
    let train = try lines("train.tsv")
    #expect(train.count == experiment.train.nonzeroCount)
    let trainUsers = Set(experiment.split.trainUsers.map { dataset.userIDs[$0] })
    #expect(train.allSatisfy { trainUsers.contains(String($0[0])) })
    let test = try lines("test.tsv")
    #expect(test.count == experiment.folds.inputs.nonzeroCount + experiment.folds.targets.nonzeroCount)
    #expect(test.filter { $0[3] == "target" }.count == experiment.folds.targets.nonzeroCount)
    let testUsers = Set(experiment.split.testUsers.map { dataset.userIDs[$0] })
    #expect(Set(test.map { String($0[0]) }) == testUsers)
    #expect(Set(test.map { Int($0[1])! }) == Set(0..<5))
}

/// train.txt and test.txt become two matrices over the items of the whole folder, in the order `elsa train` gives them.
@Test func aPublishedSplitKeepsTrainAndTestApartOverOneItemOrder() throws {
    let folder = temporaryDirectory()
    try Data("u1 10 20\nu2 20 30\n".utf8).write(to: folder.appendingPathComponent("train.txt"))
    try Data("u1 30\nu3 10\n".utf8).write(to: folder.appendingPathComponent("test.txt"))
    let split = try PublishedSplit(folder: folder.path)
    let union = try InteractionReader.read(path: folder.path, format: .adjacency)
    #expect(split.itemIDs == union.itemIDs && split.userIDs == union.userIDs)
    func pairs(_ m: CSRMatrix) -> Set<String> {
        Set((0..<m.rows).flatMap { r in m.columns(ofRow: r).map { "\(split.userIDs[r]) \(split.itemIDs[Int($0)])" } })
    }
    #expect(pairs(split.train) == ["u1 10", "u1 20", "u2 20", "u2 30"])
    #expect(pairs(split.test) == ["u1 30", "u3 10"])
    try FileManager.default.removeItem(at: folder.appendingPathComponent("test.txt"))
    #expect(throws: DataError.self) { try PublishedSplit(folder: folder.path) }
}
