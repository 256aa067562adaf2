import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
import _TestSupport
@testable import ELSATraining
import _ELSASupport

private func mutatedCheckpointPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("elsa-mutated-checkpoint-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)").path
}

/// Property: whatever bytes a checkpoint holds, resuming from it throws a `DataError` or a
/// `CheckpointError` naming the file, or gives a trainer with finite state; it never traps. Most
/// mutants get a recomputed checksum, so the checks behind it are what refuses them.
@Suite("Mutated checkpoints: an error naming the file or a sound trainer, never a trap")
struct MutatedCheckpointTests {
    static let items = 40
    let interactions: CSRMatrix
    let configuration = TrainingConfiguration(dimension: 8, epochs: 3, batchSize: 32, threads: 1, seed: 4)
    let initial = XavierInitializer.matrix(rows: 40, columns: 8, seed: 4)

    init() {
        interactions = SyntheticData.generate(SyntheticConfiguration(userCount: 120, itemCount: Self.items, segmentCount: 4,
                                                                     interactionsPerUser: 6, seed: 8)).dataset.interactions
    }

    /// Offsets of a section file's version, section count, header length and first section lengths.
    static let sectionFileCounts = [8, 12, 16, 24, 32, 40, 48, 56, 64]

    func mutants(of valid: [UInt8], seed: UInt64, count: Int, at path: String, resume: () throws -> Void) throws -> Int {
        var mutator = ByteMutator(seed: seed)
        var resumed = 0
        for round in 0..<count {
            var bytes = round % 3 == 0 ? mutator.withBoundaryInteger(valid, atOneOf: Self.sectionFileCounts) : mutator.mutated(valid)
            if round % 8 != 7 { Rechecksum.sectionFile(&bytes) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                try resume()
                resumed += 1
            } catch let error as DataError {
                #expect(error.description.hasPrefix(path), "round \(round): \(error)")
            } catch let error as CheckpointError {
                #expect(error.description.hasPrefix(path), "round \(round): \(error)")
            }
        }
        return resumed
    }

    @Test("600 mutated dense checkpoints")
    func mutatedDenseCheckpoints() throws {
        let trainer = DenseELSATrainer(itemCount: Self.items, configuration: configuration)
        trainer.train(interactions, epochs: 1)
        let path = mutatedCheckpointPath("dense")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trainer.writeCheckpoint(to: path, run: "mutants")
        let valid = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let resumed = try mutants(of: valid, seed: 21, count: 600, at: path) {
            let (trainer, kept) = try DenseELSATrainer.resume(from: path, run: "mutants", configuration: configuration,
                                                              itemCount: Self.items)
            #expect(trainer.parameters.storage.allSatisfy { $0.isFinite } && kept == nil)
            #expect(trainer.optimizer.momentum.allSatisfy { $0.isFinite } && trainer.optimizer.velocity.allSatisfy { $0 >= 0 })
        }
        #expect(resumed > 0)
    }

    @Test("600 mutated compressed checkpoints, taken on the dense path and at a sparse stage")
    func mutatedCompressedCheckpoints() throws {
        let schedule = try SparsificationSchedule.exponential(dimension: 8, targetNonzeros: 2, epochsPerStage: 1)
        func resume(_ path: String) throws -> CompressedELSATrainer {
            try CompressedELSATrainer.resume(from: path, run: "mutants", configuration: configuration, schedule: schedule,
                                             restart: true, densePathFraction: 0.3, initial: initial)
        }
        var resumed = 0
        for stages in [1, schedule.stages.count - 1] {
            let trainer = CompressedELSATrainer(itemCount: Self.items, configuration: configuration, schedule: schedule,
                                                restart: true, carryOptimizerState: false, densePathFraction: 0.3,
                                                initial: initial)
            for index in 0..<stages { trainer.runStage(index, on: interactions) }
            let path = mutatedCheckpointPath("compressed-\(stages)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try trainer.writeCheckpoint(to: path, run: "mutants")
            let valid = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            resumed += try mutants(of: valid, seed: UInt64(stages), count: 300, at: path) {
                let trainer = try resume(path)
                #expect(trainer.optimizer.momentum.allSatisfy { $0.isFinite } && trainer.optimizer.velocity.allSatisfy { $0 >= 0 })
                if let embedding = trainer.currentEmbedding { #expect(embedding.values.allSatisfy { $0.isFinite }) }
            }
        }
        #expect(resumed > 0)
    }

    /// Rewrites the checkpoint at `path` with its JSON header changed by `change` (and a valid checksum).
    func rewriteHeader(_ path: String, magic: String, _ change: (inout [String: Any]) -> Void) throws {
        let contents = try SectionFile.read(path, magic: magic, version: 1)
        var header = try #require(try JSONSerialization.jsonObject(with: contents.header) as? [String: Any])
        change(&header)
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        let sections = contents.sections.map { Array(contents.bytes[$0]) }
        try withBuffers(sections) { try SectionFile.write(path, magic: magic, version: 1, header: json, sections: $0) }
    }

    /// Replaces section `index` of the checkpoint at `path` (keeping a valid checksum).
    func replaceSection(_ path: String, magic: String, _ index: Int, with values: [Float]) throws {
        let contents = try SectionFile.read(path, magic: magic, version: 1)
        var sections = contents.sections.map { Array(contents.bytes[$0]) }
        sections[index] = values.withUnsafeBytes { Array($0) }
        try withBuffers(sections) { try SectionFile.write(path, magic: magic, version: 1, header: contents.header, sections: $0) }
    }

    @Test func aKeptEpochWithoutHistoryIsCorruptNotATrap() throws {
        let trainer = DenseELSATrainer(itemCount: Self.items, configuration: configuration)
        trainer.train(interactions, epochs: 1)
        let path = mutatedCheckpointPath("kept")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trainer.writeCheckpoint(to: path, run: "kept")
        // `1...history.count` with an empty history used to trap.
        try rewriteHeader(path, magic: DenseELSATrainer.checkpointMagic) {
            $0["history"] = [Any]()
            $0["keptEpoch"] = 1
            $0["keptRecall"] = 0.5
        }
        #expect(throws: CheckpointError.corrupt(file: path, reason: "kept epoch 1 of 0 with 0 values")) {
            try DenseELSATrainer.resume(from: path, run: "kept", configuration: configuration, itemCount: Self.items)
        }
    }

    @Test func nonFiniteWeightsOrMomentsAndNegativeVelocitiesAreRefused() throws {
        let trainer = DenseELSATrainer(itemCount: Self.items, configuration: configuration)
        trainer.train(interactions, epochs: 1)
        let path = mutatedCheckpointPath("nan")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let count = Self.items * configuration.dimension
        for (section, value, words) in [(0, Float.nan, "weights value 5 is nan"), (1, .infinity, "optimizer momentum value 5 is inf"),
                                        (2, -1, "optimizer velocity value 5 is negative")] {
            try trainer.writeCheckpoint(to: path, run: "nan")
            var values = [Float](repeating: 0.25, count: count)
            values[5] = value
            try replaceSection(path, magic: DenseELSATrainer.checkpointMagic, section, with: values)
            do {
                _ = try DenseELSATrainer.resume(from: path, run: "nan", configuration: configuration, itemCount: Self.items)
                Issue.record("resumed with \(value) in section \(section)")
            } catch CheckpointError.corrupt(let file, let reason) {
                #expect(file == path && reason.contains(words), "\(reason)")
            }
        }
        // The compressed trainer's checkpoint too.
        let schedule = try SparsificationSchedule.exponential(dimension: 8, targetNonzeros: 2, epochsPerStage: 1)
        let compressed = CompressedELSATrainer(itemCount: Self.items, configuration: configuration, schedule: schedule,
                                               restart: true, carryOptimizerState: false, densePathFraction: 0.3,
                                               initial: initial)
        compressed.runStage(0, on: interactions)
        try compressed.writeCheckpoint(to: path, run: "nan")
        var values = [Float](repeating: 0.5, count: count)
        values[7] = -.infinity
        try replaceSection(path, magic: CompressedELSATrainer.checkpointMagic, 0, with: values)
        do {
            _ = try CompressedELSATrainer.resume(from: path, run: "nan", configuration: configuration, schedule: schedule,
                                                 restart: true, carryOptimizerState: false, densePathFraction: 0.3,
                                                initial: initial)
            Issue.record("resumed a compressed checkpoint with an infinite weight")
        } catch CheckpointError.corrupt(let file, let reason) {
            #expect(file == path && reason.contains("weights value 7 is -inf"), "\(reason)")
        }
    }
}

/// Runs `body` with raw buffers over `arrays`.
private func withBuffers(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> Void) throws {
    func recurse(_ index: Int, _ buffers: [UnsafeRawBufferPointer]) throws {
        if index == arrays.count { return try body(buffers) }
        try arrays[index].withUnsafeBytes { try recurse(index + 1, buffers + [$0]) }
    }
    try recurse(0, [])
}
