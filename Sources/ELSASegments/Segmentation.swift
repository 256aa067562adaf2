import ELSAModels
import ELSASparse

/// The segments of an item embedding Â (items x d), SPEC §4.
///
/// 1. Every item is assigned to its *dominant signed latent*: argmax_j |Â_ij| with the sign
///    of Â_ij (ties go to the lower latent index). Items whose row has no nonzero are left
///    unassigned.
/// 2. Items sharing a dominant signed latent form a *group*.
/// 3. Near-duplicate groups are merged by average linkage (see `SegmentationOptions`): the
///    similarity of two groups is the mean cosine Â_i · Â_j over pairs of one item of each;
///    the most similar pair (ties: lower signed latents) is merged and its similarities
///    recomputed, while the best similarity exceeds `mergeThreshold`. A merge that would put
///    both signs of one latent into one segment is never made. The result depends on Â and
///    the options only (not on threads).
/// 4. Segments with fewer than `minimumSize` items are dropped; their items stay uncovered.
/// 5. Segments are numbered largest first (ties: lowest first signed latent), and each
///    segment's items are ordered by centrality (weight on the segment's latents).
public struct Segmentation: Sendable, Equatable {
    public let options: SegmentationOptions
    /// Number of items (rows of Â).
    public let itemCount: Int
    /// Latent dimension d.
    public let dimension: Int
    /// The segments, largest first; `segments[s].id == s`.
    public let segments: [Segment]
    /// The segment of each item, or nil when it is uncovered (a row without nonzeros, or a
    /// segment smaller than `minimumSize`).
    public let itemSegments: [Int?]
    /// The dominant signed latent of each item (nil for rows without nonzeros).
    public let dominantLatents: [SignedLatent?]
    /// Number of groups before merging (distinct dominant signed latents).
    public let groupCount: Int

    /// Segments `embedding` (items x d; models pass their row-normalized Â).
    /// - Throws: `SegmentationError.invalidArgument` when `options.problem` is not nil.
    public init(embedding: CSRMatrix, options: SegmentationOptions = SegmentationOptions()) throws {
        if let problem = options.problem { throw SegmentationError.invalidArgument(problem) }
        let itemCount = embedding.rows, dimension = embedding.columns

        // 1-2. Dominant signed latents and groups.
        var dominant = [SignedLatent?](repeating: nil, count: itemCount)
        var groupMembers = [Int: [Int]]()  // slot -> items, ascending
        for item in 0..<itemCount {
            guard let first = Self.largestEntries(of: embedding, row: item, count: 1).first else { continue }
            dominant[item] = first
            groupMembers[first.slot, default: []].append(item)
        }
        let slots = groupMembers.keys.sorted()
        let groups = slots.map { groupMembers[$0]! }

        // 3. Merge near-duplicate groups.
        let components = AverageLinkage.merge(groups: groups, slots: slots, embedding: embedding,
                                               threshold: options.mergeThreshold)

        // 4-5. Segments from the merged components.
        var draft: [(latents: [SignedLatent], items: [Int])] = []
        for component in components {
            let items = component.flatMap { groups[$0] }
            if items.count >= options.minimumSize { draft.append((component.map { SignedLatent(slot: slots[$0]) }.sorted(), items)) }
        }
        draft.sort { $0.items.count != $1.items.count ? $0.items.count > $1.items.count : $0.latents[0] < $1.latents[0] }
        var segments: [Segment] = []
        var itemSegments = [Int?](repeating: nil, count: itemCount)
        for (id, entry) in draft.enumerated() {
            let centrality = entry.items.map { Self.weight(of: embedding, row: $0, on: entry.latents) }
            let order = entry.items.indices.sorted {
                centrality[$0] != centrality[$1] ? centrality[$0] > centrality[$1] : entry.items[$0] < entry.items[$1]
            }
            segments.append(Segment(id: id, latents: entry.latents, items: order.map { entry.items[$0] },
                                    centralities: order.map { centrality[$0] }))
            for item in entry.items { itemSegments[item] = id }
        }
        self.options = options
        self.itemCount = itemCount
        self.dimension = dimension
        self.segments = segments
        self.itemSegments = itemSegments
        self.dominantLatents = dominant
        self.groupCount = groups.count
    }

    /// Segments the item matrix of `model` (a dense one is treated as CSR of its nonzeros).
    /// - Throws: `SegmentationError.invalidArgument` when `options.problem` is not nil.
    public init(model: ELSAModel, options: SegmentationOptions = SegmentationOptions()) throws {
        try self.init(embedding: model.embedding.sparseMatrix, options: options)
    }

    /// Number of items in some segment.
    public var coveredItemCount: Int { itemSegments.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// The `count` nonzero entries of `row` of largest magnitude as signed latents, largest
    /// first (ties: lower latent index first). Fewer when the row has fewer nonzeros.
    public static func largestEntries(of matrix: CSRMatrix, row: Int, count: Int) -> [SignedLatent] {
        var entries: [(latent: Int, value: Float)] = []
        for p in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] where matrix.values[p] != 0 && !matrix.values[p].isNaN {
            entries.append((Int(matrix.columnIndices[p]), matrix.values[p]))
        }
        entries.sort { abs($0.value) != abs($1.value) ? abs($0.value) > abs($1.value) : $0.latent < $1.latent }
        return entries.prefix(count).map { SignedLatent(latent: $0.latent, value: $0.value) }
    }

    /// Σ_{s ∈ latents} sign_s · matrix[row, s.latent] / √|latents|: the row's weight on a segment
    /// (its product with the segment's row of B̂).
    static func weight(of matrix: CSRMatrix, row: Int, on latents: [SignedLatent]) -> Float {
        var sum: Float = 0
        for p in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] {
            let latent = Int(matrix.columnIndices[p])
            if let match = latents.first(where: { $0.latent == latent }) { sum += match.sign.unit * matrix.values[p] }
        }
        return latents.isEmpty ? 0 : sum / Float(latents.count).squareRoot()
    }
}
