import Foundation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import _ELSASupport

/// Trains compressed ELSA: progressive row-wise sparsification along a schedule.
///
/// Within a stage the pattern (k column indices per item row) is fixed and only its values
/// train. A stage runs on the sparse kernels (cost ∝ k) unless k is large enough that the
/// dense CBLAS path is faster (k > `densePathFraction · d`), in which case it runs the
/// authors' masked dense step. At each boundary the new pattern is TopK of the current
/// weights; with `restart` the values are rewound to the initialization (init ⊙ mask),
/// otherwise training continues from the pruned, row-normalized weights.
public final class CompressedELSATrainer {
    public let configuration: TrainingConfiguration
    public let schedule: SparsificationSchedule
    public let restart: Bool
    /// Carry Nadam moments over the surviving entries instead of a fresh optimizer per stage.
    public let carryOptimizerState: Bool
    /// Stages with k above this fraction of d use the dense masked CBLAS path, unless pattern
    /// regrowth acts in them (it needs the sparse pattern).
    public let densePathFraction: Double
    /// Measured switch point between the sparse kernels and the dense CBLAS path for the GEMM
    /// kernels this process runs: 0.28 with AVX2 ones, lower with AVX-512 ones (`DensePathSwitch`).
    public static var defaultDensePathFraction: Double { DensePathSwitch.current }
    /// The values the run started from, which restarting stages rewind to: the items x d matrix until the first
    /// sparse stage, then only its entries at that stage's pattern (see `InitialValues`), unless regrowth can
    /// bring back entries outside it.
    public internal(set) var initialValues: InitialValues
    /// The items whose rows this trainer holds (all of the model's, or its shard's).
    public let itemCount: Int
    public let dimension: Int
    /// This process's part of an item-sharded run (set before the first stage), or nil: every item is here.
    public var shard: ItemShard?
    public internal(set) var history: [EpochReport] = []
    /// Why training stopped early (a non-finite loss or weight), or nil. Once set, `runStage` does nothing:
    /// the weights are those of the failed step, and no model should be saved from them.
    public internal(set) var failure: TrainingFailure?
    /// Seconds per stage and whether it ran on the dense path.
    public internal(set) var stageLog: [(k: Int, dense: Bool, seconds: Double)] = []

    enum Weights {
        /// Dense item matrix; `mask` (items x d, 1 = stored) when k < d.
        case dense(DenseMatrix, mask: [UInt8]?)
        case sparse(FixedPatternEmbedding)
    }
    var weights: Weights
    var pattern: FixedPatternEmbedding?
    /// A dense model whose predictions join the targets of every step (distillation; nil: the paper's loss).
    public var teacher: DistillationTeacher?
    /// Prune and regrow the pattern between the epochs of a stage (nil: the pattern is fixed within a stage, as in the paper).
    public var regrowth: PatternRegrowth?
    /// Lowers the learning rate within each stage of several epochs, or nil (the rate is constant).
    public var learningRateDecay: StageLearningRateDecay?
    /// Ends each sparse stage of several epochs on the mean of its last epochs' weights, or nil (its last epoch's).
    public var weightAveraging: StageWeightAveraging?
    var optimizer: Nadam
    private let denseStep: DenseTrainingStep
    private let sparseStep: SparseTrainingStep

    public convenience init(itemCount: Int, configuration: TrainingConfiguration, schedule: SparsificationSchedule,
                            restart: Bool, carryOptimizerState: Bool = false,
                            densePathFraction: Double = defaultDensePathFraction) {
        self.init(itemCount: itemCount, configuration: configuration, schedule: schedule, restart: restart,
                  carryOptimizerState: carryOptimizerState, densePathFraction: densePathFraction,
                  initial: XavierInitializer.matrix(rows: itemCount, columns: configuration.dimension, seed: configuration.seed))
    }

    /// Starts from a given initialization (items x d): runs that share one seeded init share it.
    public convenience init(itemCount: Int, configuration: TrainingConfiguration, schedule: SparsificationSchedule,
                            restart: Bool, carryOptimizerState: Bool, densePathFraction: Double, initial: DenseMatrix) {
        self.init(configuration: configuration, schedule: schedule, restart: restart, carryOptimizerState: carryOptimizerState,
                  densePathFraction: densePathFraction, initialValues: .matrix(initial))
    }

    /// Starts from `initialValues` (a stored matrix, or Xavier rows drawn when they are needed).
    public init(configuration: TrainingConfiguration, schedule: SparsificationSchedule, restart: Bool,
                carryOptimizerState: Bool, densePathFraction: Double, initialValues: InitialValues) {
        precondition(schedule.dimension == configuration.dimension,
                     "schedule is for d = \(schedule.dimension), the configuration has d = \(configuration.dimension)")
        self.configuration = configuration
        self.schedule = schedule
        self.restart = restart
        self.carryOptimizerState = carryOptimizerState
        self.densePathFraction = densePathFraction
        precondition(initialValues.dimension == configuration.dimension,
                     "initialization has d = \(initialValues.dimension), the configuration \(configuration.dimension)")
        self.initialValues = initialValues
        self.itemCount = initialValues.rowCount
        self.dimension = initialValues.dimension
        self.weights = .dense(DenseMatrix(rows: 0, columns: 0), mask: nil)  // set when the first stage begins
        self.optimizer = Nadam(parameterCount: 0, configuration: configuration.optimizer)
        self.denseStep = DenseTrainingStep(threads: configuration.threads)
        self.sparseStep = SparseTrainingStep(threads: configuration.threads)
    }

    /// Runs the whole schedule on `interactions` (users x items).
    public func train(_ interactions: CSRMatrix, observer: TrainingObserver? = nil) {
        for index in schedule.stages.indices {
            runStage(index, on: interactions, observer: observer)
        }
    }

    /// Number of stages run so far.
    public internal(set) var stagesDone = 0

    /// Runs stage `index` of the schedule (stages must run in order), or a stage with another
    /// `k` and `epochs` (used to fork a shared schedule prefix toward a larger target).
    /// `afterEpoch` runs after each epoch of the stage with its number (the trainer holds that epoch's
    /// weights); metrics it returns are stored as the epoch's `validation` before the observer hears of it.
    public func runStage(_ index: Int, k overrideK: Int? = nil, epochs overrideEpochs: Int? = nil,
                         on interactions: CSRMatrix, observer: TrainingObserver? = nil,
                         afterEpoch: ((Int) -> [String: Double]?)? = nil) {
        precondition(interactions.columns == (shard?.itemCount ?? itemCount),
                     "data has \(interactions.columns) items, the model \(shard?.itemCount ?? itemCount)")
        if failure != nil { return }
        let stage = schedule.stages[index]
        let k = overrideK ?? stage.k
        let epochs = overrideEpochs ?? stage.epochs
        BLASThreads.with(configuration.threads) {
            let stageStart = ContinuousClock.now
            // Regrowth swaps entries of the sparse pattern, so a stage it acts in runs on the sparse kernels.
            let regrows = regrowth.map { $0.count(k: k, dimension: dimension, after: 1, of: epochs) != nil } ?? false
            enterStage(k: k, first: stagesDone == 0, regrows: regrows)
            MemoryUsage.resetPeak()  // the epochs' stage peaks count from here, the previous stage's state gone
            stagesDone += 1
            if configuration.preStageStep, epochs > 0,
               let first = EpochRunner.leadingBatches(1, epoch: history.count + 1, of: interactions, configuration: configuration,
                                                      stream: EpochRunner.preStageStream).first {
                switch weights {
                case .dense(var matrix, let mask):
                    weights = .dense(DenseMatrix(rows: 0, columns: 0), mask: nil)  // no copy on write
                    _ = denseStep.run(batch: part(of: first), parameters: &matrix, optimizer: optimizer,
                                      activation: configuration.activation, mask: mask, teacher: teacher?.targets(for: first),
                                      communicator: shard?.communicator)
                    weights = .dense(matrix, mask: mask)
                case .sparse(var embedding):
                    weights = .sparse(FixedPatternEmbedding(itemCount: 0, dimension: 0, nonzerosPerRow: 0, columnIndices: [], values: []))
                    _ = sparseStep.run(batch: part(of: first), weights: &embedding, optimizer: optimizer,
                                       activation: configuration.activation, teacher: teacher?.targets(for: first),
                                       communicator: shard?.communicator)
                    weights = .sparse(embedding)
                }
            }
            var isDense = false
            // Running sum of the row-normalized weights of the epochs averaged so far, aligned with the pattern.
            var averaged: (sum: [Float], epochs: Int)?
            for epochOfStage in 0..<epochs {
                let epoch = history.count + 1
                let rateScale = learningRateDecay?.scale(epoch: epochOfStage, of: epochs)
                optimizer.learningRateScale = rateScale ?? 1
                let report: EpochReport
                let failed: TrainingFailure?
                let summedBefore = shard?.communicator.bytesSummed ?? 0
                var batches = 0
                switch weights {
                case .dense(var matrix, let mask):
                    isDense = true
                    weights = .dense(DenseMatrix(rows: 0, columns: 0), mask: nil)  // drop the extra reference: no copy on write
                    (report, failed) = EpochRunner.run(epoch: epoch, interactions: interactions, configuration: configuration,
                                                       k: k, stage: index, observer: observer) { batch in
                        batches += 1
                        let loss = denseStep.run(batch: part(of: batch), parameters: &matrix, optimizer: optimizer,
                                                 activation: configuration.activation, mask: mask, teacher: teacher?.targets(for: batch),
                                                 communicator: shard?.communicator)
                        return (loss, everywhere(matrix.storage.withUnsafeBufferPointer { BLAS.allFinite(count: $0.count, $0.baseAddress!) }))
                    }
                    weights = .dense(matrix, mask: mask)
                case .sparse(var embedding):
                    weights = .sparse(FixedPatternEmbedding(itemCount: 0, dimension: 0, nonzerosPerRow: 0, columnIndices: [], values: []))
                    (report, failed) = EpochRunner.run(epoch: epoch, interactions: interactions, configuration: configuration,
                                                       k: k, stage: index, observer: observer) { batch in
                        batches += 1
                        let loss = sparseStep.run(batch: part(of: batch), weights: &embedding, optimizer: optimizer,
                                                  activation: configuration.activation, teacher: teacher?.targets(for: batch),
                                                  communicator: shard?.communicator)
                        return (loss, everywhere(embedding.values.withUnsafeBufferPointer { BLAS.allFinite(count: $0.count, $0.baseAddress!) }))
                    }
                    weights = .sparse(embedding)
                }
                optimizer.learningRateScale = 1
                if let failed {
                    failure = failed
                    return
                }
                var finished = report
                if let shard {
                    finished.bytesSummed = shard.communicator.bytesSummed - summedBefore
                    finished.batches = batches
                    finished.rankPeakResidentBytes = shard.each(Double(report.peakResidentBytes ?? 0)).map { Int($0) }
                    finished.rankStagePeakResidentBytes = shard.each(Double(report.stagePeakResidentBytes ?? 0)).map { Int($0) }
                }
                finished.learningRate = rateScale.map { Double(configuration.optimizer.learningRate) * $0 }
                finished.validation = afterEpoch?(report.epoch)  // before `history` is touched: the hook may read it
                if let weightAveraging, k < dimension, weightAveraging.includes(epoch: epochOfStage, of: epochs),
                   let current = currentEmbedding {
                    let normalized = current.normalizedRows(threads: configuration.threads).normalized.values
                    if var running = averaged {
                        averaged = nil  // drop the extra reference: the sum is added to in place
                        for p in running.sum.indices { running.sum[p] += normalized[p] }
                        averaged = (running.sum, running.epochs + 1)
                    } else {
                        averaged = (normalized, 1)
                    }
                }
                if let regrowth, case .sparse(let embedding) = weights,
                   let count = regrowth.count(k: k, dimension: dimension, after: epochOfStage + 1, of: epochs) {
                    let (next, sources) = regrow(embedding, count: count, on: interactions, epoch: report.epoch, batches: regrowth.batches)
                    weights = .sparse(next)
                    pattern = next  // what a checkpoint stores as the stage's pattern
                    finished.regrown = sources.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
                    if let running = averaged {
                        // Entries that leave take their sums with them; grown ones join at 0, as their values do.
                        averaged = (sources.map { $0 < 0 ? 0 : running.sum[$0] }, running.epochs)
                    }
                }
                history.append(finished)
                observer?.epochFinished(finished)
            }
            if let averaged, averaged.epochs > 1 { replaceValues(withMeanOf: averaged.sum, epochs: averaged.epochs) }
            stageLog.append((k, isDense, seconds(since: stageStart)))
        }
    }

    /// This process's part of `batch` (the whole batch unless sharded).
    func part(of batch: TrainingBatch) -> TrainingBatch {
        shard.map { batch.restricted(to: $0.items) } ?? batch
    }

    /// Whether `flag` holds on every process of a sharded run (`flag` itself unless sharded): every process must
    /// take the same branch, or the next collective sum never completes.
    func everywhere(_ flag: Bool) -> Bool {
        shard.map { $0.all(flag) } ?? flag
    }

    /// An independent copy of this trainer's state (weights, pattern, optimizer, history), to fork
    /// a shared schedule prefix toward several targets.
    /// With `schedule`, the copy continues along that schedule (which must share the stages run so far).
    public func copy(schedule other: SparsificationSchedule? = nil) -> CompressedELSATrainer {
        let next = other ?? schedule
        precondition(Array(next.stages.prefix(stagesDone)) == Array(schedule.stages.prefix(stagesDone)),
                     "a forked schedule must share the \(stagesDone) stages already run")
        let twin = CompressedELSATrainer(configuration: configuration, schedule: next, restart: restart,
                                         carryOptimizerState: carryOptimizerState, densePathFraction: densePathFraction,
                                         initialValues: initialValues)
        twin.shard = shard
        twin.weights = weights
        twin.pattern = pattern
        twin.teacher = teacher
        twin.regrowth = regrowth
        twin.learningRateDecay = learningRateDecay
        twin.weightAveraging = weightAveraging
        twin.optimizer = optimizer.copy()
        twin.history = history
        twin.stageLog = stageLog
        twin.stagesDone = stagesDone
        twin.failure = failure
        return twin
    }

    /// Switches to a stage with `k` nonzeros per row: new pattern, values, representation and optimizer.
    func enterStage(k: Int, first: Bool, regrows: Bool = false) {
        let d = dimension
        if k == d {
            // Full pattern: plain dense training (stage 0 of the progressive schedules).
            if first {
                weights = .dense(initialValues.dense(), mask: nil)
                optimizer = Nadam(parameterCount: itemCount * d, configuration: configuration.optimizer)
            }
            pattern = nil
            return
        }
        var oldWeights = weights
        // New pattern: TopK of the current weights (of the initialization for a first stage), within the current
        // pattern (a masked dense matrix is zero outside it).
        var next: FixedPatternEmbedding
        switch oldWeights {
        case _ where first:
            next = initialValues.topK(k, threads: configuration.threads)
        case .dense(let matrix, let mask):
            if mask != nil, let current = pattern {
                next = FixedPatternEmbedding(topKOf: current.gatheringValues(from: matrix), nonzerosPerRow: k, threads: configuration.threads)
            } else {
                next = FixedPatternEmbedding(topKOf: matrix, nonzerosPerRow: k, threads: configuration.threads)
            }
        case .sparse(let embedding):
            next = FixedPatternEmbedding(topKOf: embedding, nonzerosPerRow: k, threads: configuration.threads)
        }
        if restart && !first {
            next = initialValues.gathered(at: next)
        } else if !first {
            next = next.normalizedRows(threads: configuration.threads).normalized
        }
        // Later patterns lie within this one, so the initial values are needed only at its entries (unless regrowth
        // may bring back others).
        if regrowth == nil {
            initialValues = .atPattern(restart || first ? next : initialValues.gathered(at: next))
        }
        pattern = next
        let useDense = !regrows && Double(k) > densePathFraction * Double(d)
        // Where each new parameter's moments come from (−1: fresh).
        func oldIndex(item: Int, latent: Int32) -> Int {
            switch oldWeights {
            case .dense: return item * d + Int(latent)
            case .sparse(let embedding):
                let perRow = embedding.nonzerosPerRow
                let row = embedding.columnIndices[(item * perRow)..<((item + 1) * perRow)]
                guard let position = binarySearch(row, latent) else { return -1 }
                return position
            }
        }
        if useDense {
            // The new dense weights (the pattern's values, zero elsewhere) and mask. After a dense
            // stage the old matrix and mask are rewritten in place: no fresh 4·n·d + n·d bytes to
            // touch (first touches are slow here, see docs/performance.md).
            var dense: DenseMatrix
            var mask: [UInt8]
            if case .dense(let old, let oldMask) = oldWeights, old.rows == itemCount, old.columns == d {
                dense = old
                mask = oldMask ?? [UInt8](repeating: 0, count: itemCount * d)
                // Drop the other references so that filling does not copy (`oldIndex` only needs to know
                // that the old weights were dense).
                weights = .dense(DenseMatrix(rows: 0, columns: 0), mask: nil)
                oldWeights = weights
            } else {
                dense = DenseMatrix(rows: itemCount, columns: d)
                mask = [UInt8](repeating: 0, count: itemCount * d)
            }
            next.fillDense(&dense, mask: &mask, threads: configuration.threads)
            if carryOptimizerState && !first {
                var keep = [Int](repeating: -1, count: itemCount * d)
                for item in 0..<itemCount {
                    for p in (item * k)..<((item + 1) * k) {
                        let latent = next.columnIndices[p]
                        keep[item * d + Int(latent)] = oldIndex(item: item, latent: latent)
                    }
                }
                optimizer = optimizer.carryingOver(keep)
            } else if optimizer.parameterCount == itemCount * d {
                optimizer.reset()   // same as a new optimizer, without 2 x n x d fresh floats
            } else {
                optimizer = Nadam(parameterCount: itemCount * d, configuration: configuration.optimizer)
            }
            weights = .dense(dense, mask: mask)
        } else {
            if carryOptimizerState && !first {
                var keep = [Int](repeating: -1, count: itemCount * k)
                for item in 0..<itemCount {
                    for p in (item * k)..<((item + 1) * k) { keep[p] = oldIndex(item: item, latent: next.columnIndices[p]) }
                }
                optimizer = optimizer.carryingOver(keep)
            } else {
                optimizer = Nadam(parameterCount: itemCount * k, configuration: configuration.optimizer)
            }
            weights = .sparse(next)
        }
    }

    /// The stage's values replaced by `sum / epochs` (aligned with the current pattern): the end of weight averaging.
    /// The optimizer's moments stay; the next stage starts a fresh optimizer or carries them over by position.
    func replaceValues(withMeanOf sum: [Float], epochs: Int) {
        let scale = 1 / Float(epochs)
        switch weights {
        case .sparse(var embedding):
            weights = .sparse(FixedPatternEmbedding(itemCount: 0, dimension: 0, nonzerosPerRow: 0, columnIndices: [], values: []))
            precondition(sum.count == embedding.values.count, "an average of \(sum.count) values for \(embedding.values.count) entries")
            for p in sum.indices { embedding.values[p] = sum[p] * scale }
            weights = .sparse(embedding)
            pattern = embedding
        case .dense(var matrix, let storedMask):
            guard var mask = storedMask, var mean = pattern else { return }  // the full pattern is not averaged
            weights = .dense(DenseMatrix(rows: 0, columns: 0), mask: nil)  // no copy on write of n x d floats
            precondition(sum.count == mean.values.count, "an average of \(sum.count) values for \(mean.values.count) entries")
            for p in sum.indices { mean.values[p] = sum[p] * scale }
            mean.fillDense(&matrix, mask: &mask, threads: configuration.threads)
            weights = .dense(matrix, mask: mask)
            pattern = mean
        }
    }

    /// Prune and regrow `embedding` by up to `count` entries per row, scored by the dense gradient
    /// (every latent, stored or not) summed over `batches` seeded batches of users, and carries the
    /// optimizer state of the surviving entries over. Returns the new embedding and, for each of its
    /// entries, its position in the old one (−1: grown).
    func regrow(_ embedding: FixedPatternEmbedding, count: Int, on interactions: CSRMatrix, epoch: Int,
                batches: Int) -> (FixedPatternEmbedding, sources: [Int]) {
        var dense = embedding.toDense()
        var scores = DenseMatrix(rows: itemCount, columns: dimension)
        let step = DenseTrainingStep(threads: configuration.threads)  // its n x d workspaces go when it does
        for batch in regrowthBatches(on: interactions, epoch: epoch, count: batches) {
            step.accumulateGradient(batch: batch, parameters: &dense, activation: configuration.activation,
                                    teacher: teacher?.targets(for: batch), into: &scores)
        }
        let (next, sources) = embedding.regrowing(count: count, scores: scores, threads: configuration.threads)
        optimizer = optimizer.carryingOver(sources)
        return (next, sources)
    }

    /// The non-empty ones of the first `count` batches of a seeded order of their own (not those of the
    /// next epoch), with every item as an output so that every row is scored.
    func regrowthBatches(on interactions: CSRMatrix, epoch: Int, count: Int) -> [TrainingBatch] {
        let stream: UInt64 = 0x4E67_0000
        let order = BatchSchedule(users: interactions.rows, batchSize: configuration.batchSize,
                                  seed: configuration.seed ^ stream, epoch: epoch)
        var generator = SeededGenerator(seed: configuration.seed, stream: stream &+ UInt64(epoch))
        var batches: [TrainingBatch] = []
        for users in order.batches.prefix(count) {
            let rows = interactions.selectingRows(users)
            if rows.nonzeroCount == 0 { continue }
            var batch = TrainingBatch(rows: rows, maxOutput: itemCount, generator: &generator)
            batch.users = users
            batches.append(batch)
        }
        return batches
    }

    /// The current weights as a fixed-pattern embedding (nil while the pattern is full).
    public var currentEmbedding: FixedPatternEmbedding? {
        switch weights {
        case .dense(let matrix, _): return pattern?.gatheringValues(from: matrix)
        case .sparse(let embedding): return embedding
        }
    }

    /// The current dense weights (while training on the dense path).
    public var currentDense: DenseMatrix? {
        if case .dense(let matrix, _) = weights { return matrix }
        return nil
    }

    /// The trained model of an item-sharded run, its rows gathered from every process: on rank 0 the whole model,
    /// on the others nil. Without a shard, `model(itemIDs:)`.
    public func gatheredModel(itemIDs: [String]) -> ELSAModel? {
        guard let shard else { return model(itemIDs: itemIDs) }
        func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
        func array<T>(_ bytes: [UInt8], of type: T.Type) -> [T] {
            bytes.withUnsafeBytes { raw in Array(raw.bindMemory(to: T.self)) }
        }
        if let embedding = currentEmbedding {
            // Both gathers run on every process (a guard would skip the second on the processes that receive nil).
            let gatheredIndices = shard.communicator.gather(bytes(embedding.columnIndices))
            let gatheredValues = shard.communicator.gather(bytes(embedding.values))
            guard let indices = gatheredIndices, let values = gatheredValues else { return nil }
            let gathered = FixedPatternEmbedding(itemCount: shard.itemCount, dimension: dimension, nonzerosPerRow: embedding.nonzerosPerRow,
                                                 columnIndices: indices.flatMap { array($0, of: Int32.self) },
                                                 values: values.flatMap { array($0, of: Float.self) })
            return ELSAModel(embedding: .sparse(gathered.matrix), itemIDs: itemIDs, threads: configuration.threads)
        }
        guard let parts = shard.communicator.gather(bytes(currentDense!.storage)) else { return nil }
        var storage: [Float] = []
        storage.reserveCapacity(shard.itemCount * dimension)
        for part in parts { storage.append(contentsOf: array(part, of: Float.self)) }
        return ELSAModel(embedding: .dense(DenseMatrix(rows: shard.itemCount, columns: dimension, storage: storage)),
                         itemIDs: itemIDs, threads: configuration.threads)
    }

    /// The trained model: sparse (CSR) unless the schedule never left k = d.
    public func model(itemIDs: [String]) -> ELSAModel {
        if let embedding = currentEmbedding {
            return ELSAModel(embedding: .sparse(embedding.matrix), itemIDs: itemIDs, threads: configuration.threads)
        }
        return ELSAModel(embedding: .dense(currentDense!), itemIDs: itemIDs, threads: configuration.threads)
    }
}

/// Position of `value` in the sorted slice (relative to the whole array), or nil.
func binarySearch(_ row: ArraySlice<Int32>, _ value: Int32) -> Int? {
    var low = row.startIndex, high = row.endIndex
    while low < high {
        let mid = (low + high) / 2
        if row[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low < row.endIndex && row[low] == value ? low : nil
}
