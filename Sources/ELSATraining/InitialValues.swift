import ELSALinearAlgebra
import ELSASparse

/// The values a compressed run starts from and restarting stages rewind to (`init ⊙ mask`), held no larger than the
/// run needs them.
///
/// Progressive sparsification only narrows the pattern (each stage's pattern is TopK of the previous one's entries),
/// so once a run has entered its first sparse stage it only ever needs the initial values at that stage's pattern:
/// the trainer then keeps those (`atPattern`, 8 B per stored entry) and drops the items x d matrix. Xavier values
/// are not stored at all before that point (`xavier`): a block of rows is drawn again when it is needed.
public enum InitialValues {
    /// A stored matrix (this process's rows): a warm start, or a matrix given by the caller.
    case matrix(DenseMatrix)
    /// Rows `rows` of the Xavier matrix of `seed` over `totalRows x columns`, drawn when needed.
    case xavier(seed: UInt64, rows: Range<Int>, totalRows: Int, columns: Int)
    /// The initial values at a pattern's entries (after the first sparse stage; every later pattern lies within it).
    case atPattern(FixedPatternEmbedding)

    /// Rows drawn a block at a time when they are needed (`xavier`): 16 MiB at d = 4096.
    static let blockRows = 1024

    public var rowCount: Int {
        switch self {
        case .matrix(let matrix): return matrix.rows
        case .xavier(_, let rows, _, _): return rows.count
        case .atPattern(let pattern): return pattern.itemCount
        }
    }

    public var dimension: Int {
        switch self {
        case .matrix(let matrix): return matrix.columns
        case .xavier(_, _, _, let columns): return columns
        case .atPattern(let pattern): return pattern.dimension
        }
    }

    /// The bytes held (a `xavier` source holds none).
    public var storedBytes: Int {
        switch self {
        case .matrix(let matrix): return 4 * matrix.storage.count
        case .xavier: return 0
        case .atPattern(let pattern): return 8 * pattern.values.count
        }
    }

    /// Every row (items x d), for a dense stage. Not for `atPattern`.
    func dense() -> DenseMatrix {
        switch self {
        case .matrix(let matrix): return matrix
        case .xavier(let seed, let rows, let totalRows, let columns):
            var stream = XavierInitializer.Rows(totalRows: totalRows, columns: columns, seed: seed, from: rows.lowerBound)
            return stream.next(rows.count)
        case .atPattern:
            preconditionFailure("the initial values were kept at a sparse pattern only: a dense stage cannot start from them")
        }
    }

    /// TopK of the initial rows (a sparse first stage). Xavier rows are drawn a block at a time, never all at once.
    func topK(_ k: Int, threads: Int) -> FixedPatternEmbedding {
        switch self {
        case .matrix(let matrix): return FixedPatternEmbedding(topKOf: matrix, nonzerosPerRow: k, threads: threads)
        case .xavier(_, let rows, _, let columns):
            var indices: [Int32] = [], values: [Float] = []
            indices.reserveCapacity(rows.count * k)
            values.reserveCapacity(rows.count * k)
            forEachXavierBlock { _, block in
                let part = FixedPatternEmbedding(topKOf: block, nonzerosPerRow: k, threads: threads)
                indices.append(contentsOf: part.columnIndices)
                values.append(contentsOf: part.values)
            }
            return FixedPatternEmbedding(itemCount: rows.count, dimension: columns, nonzerosPerRow: k, columnIndices: indices, values: values)
        case .atPattern(let pattern): return FixedPatternEmbedding(topKOf: pattern, nonzerosPerRow: k, threads: threads)
        }
    }

    /// `pattern` with the initial values at its entries (`init ⊙ mask`).
    /// - Precondition: for `atPattern`, every entry of `pattern` is an entry of the kept pattern.
    func gathered(at pattern: FixedPatternEmbedding) -> FixedPatternEmbedding {
        switch self {
        case .matrix(let matrix): return pattern.gatheringValues(from: matrix)
        case .xavier(_, _, _, let columns):
            var result = pattern
            let k = pattern.nonzerosPerRow
            forEachXavierBlock { first, block in
                for row in 0..<block.rows {
                    for p in ((first + row) * k)..<((first + row + 1) * k) {
                        result.values[p] = block.storage[row * columns + Int(pattern.columnIndices[p])]
                    }
                }
            }
            return result
        case .atPattern(let kept):
            precondition(kept.itemCount == pattern.itemCount && kept.dimension == pattern.dimension,
                         "initial values kept for \(kept.itemCount) x \(kept.dimension), asked for \(pattern.itemCount) x \(pattern.dimension)")
            var result = pattern
            let k = pattern.nonzerosPerRow, keptK = kept.nonzerosPerRow
            for item in 0..<pattern.itemCount {
                let row = kept.columnIndices[(item * keptK)..<((item + 1) * keptK)]
                for p in (item * k)..<((item + 1) * k) {
                    guard let position = binarySearch(row, pattern.columnIndices[p]) else {
                        preconditionFailure("entry (\(item), \(pattern.columnIndices[p])) is outside the pattern whose initial values were kept")
                    }
                    result.values[p] = kept.values[position]
                }
            }
            return result
        }
    }

    /// The Xavier rows of this shard in consecutive blocks of at most `blockRows`, each with its first row's position
    /// within the shard.
    private func forEachXavierBlock(_ body: (_ first: Int, _ block: DenseMatrix) -> Void) {
        guard case .xavier(let seed, let rows, let totalRows, let columns) = self else { preconditionFailure("not drawn rows") }
        var stream = XavierInitializer.Rows(totalRows: totalRows, columns: columns, seed: seed, from: rows.lowerBound)
        while stream.row < rows.upperBound {
            let first = stream.row - rows.lowerBound
            body(first, stream.next(min(Self.blockRows, rows.upperBound - stream.row)))
        }
    }
}
