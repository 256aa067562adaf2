import Dispatch
import Foundation
import ELSALinearAlgebra
import ELSAModels
import ELSASparse
import _ELSASupport

/// A trained dense model whose predictions join the targets of another model's training
/// (knowledge distillation; not in the paper): for each batch, T = activation(prediction of the teacher)
/// over the batch's outputs, in the batch-transposed layout of the training steps, with the weight of
/// its term in `NormalizedCosineLoss`. The teacher is a dense ELSA (prediction x Â_t Â_tᵀ − x) or an
/// item-item model such as EASE (prediction x B, diag(B) = 0).
///
/// Cost per batch: the teacher's own forward pass: for ELSA nnz(x)·d_t plus one sgemm of
/// n_out x b x d_t (as much as the first product of a dense ELSA step at d_t); for an item-item
/// model nnz(x)·items. A user's targets depend on nothing but the user's row, so
/// `precomputeTargets(of:)` computes every training user's once (users x items in half precision:
/// 2 B per entry, 3 GB for 60k users and 25k items), and batches that know their users (and have no
/// input dropout) then only gather them.
public final class DistillationTeacher: @unchecked Sendable {
    /// What the teacher predicts with.
    public enum Model {
        /// A dense ELSA's item matrix (items x d_t), rows normalized to unit length: predicts x Â_t Â_tᵀ − x.
        case embedding(DenseMatrix)
        /// An item-item weight matrix B (items x items, zero diagonal, EASE's): predicts x B.
        case itemItem(DenseMatrix)
    }
    public let model: Model
    /// Weight w of the teacher's term: each row's loss is (1 − w) L(z, y) + w L(z, t).
    public let weight: Double
    public let activation: Activation
    public let threads: Int
    /// Items the teacher predicts for.
    public var itemCount: Int {
        switch model {
        case .embedding(let items): return items.rows
        case .itemItem(let weights): return weights.rows
        }
    }
    private var gathered = DenseMatrix(rows: 0, columns: 0)
    /// Every user's targets over all items (users x items, half precision), and the interactions they are for.
    private var cache: (interactions: CSRMatrix, targets: [Float16])?
    private var workspace = DenseMatrix(rows: 0, columns: 0)
    /// Batches whose targets came from the precomputed ones so far.
    public private(set) var precomputedBatches = 0

    /// A dense ELSA teacher.
    /// - Parameter itemMatrix: the teacher's item matrix, rows in the training data's item order
    ///   (normalized here; a zero row stays zero).
    public init(itemMatrix: DenseMatrix, weight: Double, activation: Activation, threads: Int) {
        self.model = .embedding(ItemEmbedding.dense(itemMatrix).rowNormalized().toDense())
        self.weight = weight
        self.activation = activation
        self.threads = threads
        precondition(weight >= 0 && weight <= 1, "the teacher's weight must be in [0, 1], got \(weight)")
    }

    /// An item-item teacher such as EASE.
    /// - Parameter itemItemWeights: B (items x items, rows and columns in the training data's item order); a
    ///   user's prediction is x B, so B's diagonal should be zero (as EASE's is) for the user's own items to be
    ///   scored by the other items alone.
    public init(itemItemWeights: DenseMatrix, weight: Double, activation: Activation, threads: Int) {
        precondition(itemItemWeights.rows == itemItemWeights.columns,
                     "item-item weights must be square, got \(itemItemWeights.rows) x \(itemItemWeights.columns)")
        self.model = .itemItem(itemItemWeights)
        self.weight = weight
        self.activation = activation
        self.threads = threads
        precondition(weight >= 0 && weight <= 1, "the teacher's weight must be in [0, 1], got \(weight)")
    }

    /// Bytes `precomputeTargets(of:)` holds for `users` users (2 B per user and item).
    public func precomputedBytes(users: Int) -> Int { users * itemCount * MemoryLayout<Float16>.size }

    /// Whether the precomputed targets of `users` users take at most a quarter of this machine's memory
    /// (above that, each batch computes its own).
    public func precomputedTargetsFit(users: Int) -> Bool {
        UInt64(precomputedBytes(users: users)) <= ProcessInfo.processInfo.physicalMemory / 4
    }

    /// Precomputes the targets of `interactions`' users when batches can gather them (no input dropout:
    /// a dropped input changes a user's targets) and they fit (`precomputedTargetsFit`); returns whether it did.
    public func precomputeTargetsIfUseful(of interactions: CSRMatrix, inputDropout: Double) -> Bool {
        guard inputDropout == 0, precomputedTargetsFit(users: interactions.rows) else { return false }
        BLASThreads.with(threads) { precomputeTargets(of: interactions) }
        return true
    }

    /// Computes the targets of every user of `interactions` (users x the teacher's items) over all items,
    /// in blocks of `blockSize` users; batches drawn from `interactions` then gather theirs.
    public func precomputeTargets(of interactions: CSRMatrix, blockSize: Int = 1024) {
        precondition(interactions.columns == itemCount, "the data has \(interactions.columns) items, the teacher \(itemCount)")
        let n = itemCount, users = interactions.rows
        var targets = [Float16](repeating: 0, count: users * n)
        let activation = self.activation, threads = self.threads
        for start in stride(from: 0, to: users, by: blockSize) {
            let rows = interactions.selectingRows(start..<min(users, start + blockSize))
            let b = rows.rows
            let block = predictions(of: rows)   // b x n, before the activation
            block.storage.withUnsafeBufferPointer { p in
            targets.withUnsafeMutableBufferPointer { t in
                let source = UncheckedSendable(UnsafeMutablePointer(mutating: p.baseAddress!))
                let target = UncheckedSendable(t.baseAddress! + start * n)
                let pieces = max(1, min(threads, b))
                DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                    for i in (b * n * piece / pieces)..<(b * n * (piece + 1) / pieces) {
                        target.value[i] = Float16(activation.apply(source.value[i]).value)
                    }
                }
            }}
        }
        cache = (interactions, targets)
    }

    /// The teacher's predictions for the users of `rows` over all items (users x items), before the activation.
    private func predictions(of rows: CSRMatrix) -> DenseMatrix {
        switch model {
        case .itemItem(let weights):
            return rows.multiplied(by: weights, threads: threads)                       // x B
        case .embedding(let items):
            let n = items.rows, d = items.columns, b = rows.rows
            let hidden = rows.multiplied(by: items, threads: threads)                   // b x d_t
            var block = DenseMatrix(rows: b, columns: n)
            items.storage.withUnsafeBufferPointer { a in
            hidden.storage.withUnsafeBufferPointer { h in
            block.storage.withUnsafeMutableBufferPointer { p in
                BLAS.gemm(.none, .transpose, m: b, n: n, k: d, a: h.baseAddress!, lda: d,
                          b: a.baseAddress!, ldb: d, c: p.baseAddress!, ldc: n)          // x Â_t Â_tᵀ: b x n
            }}}
            for user in 0..<b {
                for q in rows.rowOffsets[user]..<rows.rowOffsets[user + 1] { block.storage[user * n + Int(rows.columnIndices[q])] -= 1 }
            }
            return block
        }
    }

    /// The teacher's targets for `batch` (outputs x users): gathered from `precomputeTargets(of:)` when the batch
    /// knows its users and has no input dropout, else computed.
    /// - Precondition: the batch is over the teacher's items (and its users are rows of the precomputed interactions).
    public func targets(for batch: TrainingBatch) -> TeacherTargets {
        precondition(batch.rows.columns == itemCount, "the batch has \(batch.rows.columns) items, the teacher \(itemCount)")
        if let cache, let users = batch.users, batch.inputRows == batch.rows {
            precomputedBatches += 1
            return TeacherTargets(predictions: gatherTargets(cache, users: users, batch: batch), weight: weight)
        }
        var predictions: DenseMatrix
        switch model {
        case .embedding(let items): predictions = embeddingPredictions(items, batch: batch)
        case .itemItem(let weights): predictions = itemItemPredictions(weights, batch: batch)
        }
        let activation = self.activation
        predictions.storage.withUnsafeMutableBufferPointer { p in
            let base = UncheckedSendable(p.baseAddress!)
            let count = p.count, pieces = max(1, min(threads, count / 65_536))
            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                for i in (count * piece / pieces)..<(count * (piece + 1) / pieces) {
                    base.value[i] = activation.apply(base.value[i]).value
                }
            }
        }
        return TeacherTargets(predictions: predictions, weight: weight)
    }

    /// x Â_t Â_tᵀ − x over the batch's outputs (n_out x b), before the activation.
    private func embeddingPredictions(_ items: DenseMatrix, batch: TrainingBatch) -> DenseMatrix {
        let d = items.columns, n = batch.outputs.count, b = batch.userCount
        let hidden = batch.inputRows.multiplied(by: items, threads: threads)   // b x d_t
        // Â_t over the output rows: the whole matrix when every item is an output (outputs are sorted).
        let allItems = n == items.rows
        if !allItems {
            if gathered.rows != n || gathered.columns != d { gathered = DenseMatrix(rows: n, columns: d) }
            items.storage.withUnsafeBufferPointer { source in
            gathered.storage.withUnsafeMutableBufferPointer { target in
                for (o, item) in batch.outputs.items.enumerated() {
                    (target.baseAddress! + o * d).update(from: source.baseAddress! + Int(item) * d, count: d)
                }
            }}
        }
        var predictions = DenseMatrix(rows: n, columns: b)
        (allItems ? items : gathered).storage.withUnsafeBufferPointer { a in
        hidden.storage.withUnsafeBufferPointer { h in
        predictions.storage.withUnsafeMutableBufferPointer { p in
            BLAS.gemm(.none, .transpose, m: n, n: b, k: d, a: a.baseAddress!, lda: d,
                      b: h.baseAddress!, ldb: d, c: p.baseAddress!, ldc: b)            // Tᵀ before the activation: n x b
        }}}
        // − x
        let input = batch.inputTargetRows
        for user in 0..<b {
            for q in input.rowOffsets[user]..<input.rowOffsets[user + 1] {
                predictions.storage[Int(input.columnIndices[q]) * b + user] -= 1
            }
        }
        return predictions
    }

    /// x B over the batch's outputs (n_out x b), before the activation.
    private func itemItemPredictions(_ weights: DenseMatrix, batch: TrainingBatch) -> DenseMatrix {
        let n = batch.outputs.count, b = batch.userCount, items = weights.rows
        let scores = batch.inputRows.multiplied(by: weights, threads: threads)   // b x items
        var predictions = DenseMatrix(rows: n, columns: b)
        for (o, item) in batch.outputs.items.enumerated() {
            for user in 0..<b { predictions.storage[o * b + user] = scores.storage[user * items + Int(item)] }
        }
        return predictions
    }

    /// The precomputed targets of `users` over the batch's outputs (n_out x b), in tiles of 16 users: for
    /// each output, the tile's 16 halves (read along 16 user rows) make one 64-byte line of the result.
    /// (Tiles of outputs instead would write 16 rows b floats apart, 4 KB when b = 1024: one cache set.)
    private func gatherTargets(_ cache: (interactions: CSRMatrix, targets: [Float16]), users: [Int], batch: TrainingBatch) -> DenseMatrix {
        let b = batch.userCount, n = batch.outputs.count, itemCount = self.itemCount
        precondition(users.count == b, "the batch has \(b) rows and \(users.count) users")
        for (row, user) in users.enumerated() {
            precondition(user < cache.interactions.rows && cache.interactions.columns(ofRow: user) == batch.rows.columns(ofRow: row),
                         "batch row \(row) is not user \(user) of the precomputed interactions")
        }
        // Reused between batches (the previous batch's targets are released by then, so no copy is made).
        if workspace.rows != n || workspace.columns != b { workspace = DenseMatrix(rows: n, columns: b) }
        let tile = 16
        workspace.storage.withUnsafeMutableBufferPointer { p in
        cache.targets.withUnsafeBufferPointer { t in
        batch.outputs.items.withUnsafeBufferPointer { outputItems in
            let result = UncheckedSendable(p.baseAddress!), source = UncheckedSendable(UnsafeMutablePointer(mutating: t.baseAddress!))
            let outputs = UncheckedSendable(UnsafeMutablePointer(mutating: outputItems.baseAddress!))
            let tiles = (b + tile - 1) / tile, pieces = max(1, min(threads, tiles))
            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                var rows = [UnsafeMutablePointer<Float16>](repeating: source.value, count: tile)
                for tileIndex in (tiles * piece / pieces)..<(tiles * (piece + 1) / pieces) {
                    let lower = tileIndex * tile, width = min(b, lower + tile) - lower
                    for u in 0..<width { rows[u] = source.value + users[lower + u] * itemCount }
                    for o in 0..<n {
                        let item = Int(outputs.value[o]), line = result.value + o * b + lower
                        for u in 0..<width { line[u] = Float(rows[u][item]) }
                    }
                }
            }
        }}}
        return workspace
    }
}
