import Dispatch
import Foundation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import ELSATraining
import _ELSASupport
import Testing

/// The processes of an item-sharded run played by threads of this test: sums in rank order behind a barrier.
/// (The product's communicator is MPI's; this stands in for it so that the trainer's sharding is tested without
/// `mpirun`, and against a run that holds every item.)
final class ThreadShards: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0, generation = 0
    private var slots: [[UInt8]]

    init(size: Int) {
        self.size = size
        slots = Array(repeating: [], count: size)
    }

    func member(_ rank: Int) -> Member { Member(group: self, rank: rank) }

    private func barrier() {
        condition.lock()
        let current = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while current == generation { condition.wait() }
        }
        condition.unlock()
    }

    /// Every member's `bytes`, in rank order, on every member.
    fileprivate func exchange(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
        condition.lock(); slots[rank] = bytes; condition.unlock()
        barrier()
        condition.lock(); let all = slots; condition.unlock()
        barrier()  // nobody writes the next round's slot before everyone has read this one
        return all
    }

    final class Member: ShardCommunicator, @unchecked Sendable {
        let group: ThreadShards
        let rank: Int
        var size: Int { group.size }
        private(set) var bytesSummed = 0

        init(group: ThreadShards, rank: Int) {
            self.group = group
            self.rank = rank
        }

        private func add<T: FloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
            let parts = group.exchange(Array(UnsafeRawBufferPointer(values)), rank: rank)
            for index in values.indices { values[index] = 0 }
            for part in parts {
                part.withUnsafeBytes { raw in
                    let terms = raw.bindMemory(to: T.self)
                    for index in values.indices { values[index] += terms[index] }
                }
            }
            bytesSummed += values.count * MemoryLayout<T>.stride
        }

        func sum(_ values: UnsafeMutableBufferPointer<Float>) { add(values) }
        func sum(_ values: UnsafeMutableBufferPointer<Double>) { add(values) }

        func gather(_ bytes: [UInt8]) -> [[UInt8]]? {
            let all = group.exchange(bytes, rank: rank)
            return rank == 0 ? all : nil
        }
    }
}

@Suite struct ShardedTrainerTests {
    /// Two shards of 80 items (40 each) train, through the dense stage, the masked dense path or the sparse kernels
    /// and two restarts, the model one trainer of all 80 trains, up to the order of float sums.
    @Test(arguments: [0.3, 1.0])
    func twoShardsTrainTheModelOfOne(densePathFraction: Double) throws {
        let problem = try PlantedProblem(users: 300, items: 80, segments: 5)
        let configuration = TrainingConfiguration(dimension: 16, batchSize: 64, threads: 1, seed: 4)
        let schedule = try SparsificationSchedule.stepwise(dimension: 16, targetNonzeros: 4, stages: [16, 8, 4], epochsPerStage: 2)
        func trainer(_ shard: ItemShard?) -> CompressedELSATrainer {
            let rows = shard?.items ?? 0..<80
            let trainer = CompressedELSATrainer(configuration: configuration, schedule: schedule, restart: true, carryOptimizerState: false,
                                                densePathFraction: densePathFraction,
                                                initialValues: .xavier(seed: 4, rows: rows, totalRows: 80, columns: 16))
            trainer.shard = shard
            return trainer
        }
        let alone = trainer(nil)
        alone.train(problem.split.train)
        // Both models as `ELSAModel` builds them (it stores the rows as it scores them).
        guard case .sparse(let whole)? = alone.gatheredModel(itemIDs: (0..<80).map(String.init))?.embedding else {
            Issue.record("a sparse model was expected"); return
        }

        let group = ThreadShards(size: 2)
        let trainers = (0..<2).map { trainer(ItemShard(itemCount: 80, communicator: group.member($0))) }
        #expect(trainers.map { $0.itemCount } == [40, 40])
        let results = GatheredModels()
        let shared = UncheckedSendable((trainers, problem.split.train))
        DispatchQueue.concurrentPerform(iterations: 2) { rank in
            let (trainers, train) = shared.value
            trainers[rank].train(train)
            results.set(rank, trainers[rank].gatheredModel(itemIDs: (0..<80).map(String.init)))
        }
        #expect(results.models.count == 2)
        #expect(results.models[1].map { $0 == nil } == true)  // rank 1 hands its rows over and keeps no model
        let model = try #require(results.models[0] ?? nil)
        guard case .sparse(let matrix) = model.embedding else { Issue.record("a sparse model was expected"); return }
        #expect(matrix.columnIndices == whole.columnIndices)
        var worst: Float = 0
        for row in 0..<80 {
            let values = whole.values[(row * 4)..<((row + 1) * 4)]
            let largest = values.map(abs).max()!
            for p in (row * 4)..<((row + 1) * 4) { worst = max(worst, abs(matrix.values[p] - whole.values[p]) / largest) }
        }
        #expect(worst < 1e-4)
        // Both shards saw every epoch's loss: the same history as the trainer of all the items, up to rounding.
        for (shard, one) in zip(trainers[0].history, alone.history) {
            #expect(abs(shard.loss - one.loss) <= 1e-4 * one.loss)
            #expect(shard.bytesSummed ?? 0 > 0)
        }
        #expect(trainers[0].history.map(\.loss) == trainers[1].history.map(\.loss))
    }
}

/// What each thread's trainer gathered, by rank.
final class GatheredModels: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var models: [Int: ELSAModel?] = [:]
    func set(_ rank: Int, _ model: ELSAModel?) { lock.lock(); models[rank] = .some(model); lock.unlock() }
}
