import ELSAModels
import ELSASparse

/// The segments of an item embedding Â (items x d), SPEC §4.
///
/// 1. Every item is assigned to its *dominant signed latent*: argmax_j |Â_ij| with the sign
///    of Â_ij (ties go to the lower latent index). Items whose row has no nonzero are left
///    unassigned.
/// 2. Items sharing a dominant signed latent form a *group*.
/// 3. Near-duplicate groups are merged (see `SegmentationOptions`): with M(s) the items that
///    have the signed latent s among their `latentsPerItem` largest-magnitude entries, every
///    pair of groups (s, t) with Jaccard(M(s), M(t)) > `mergeThreshold` is a merge candidate.
///    Candidates are taken by Jaccard descending (ties: lower signed latents first) and two
///    groups' segments are united (single linkage) unless that would put both signs of one
///    latent into one segment. The result depends on Â and the options only.
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
        let slotCount = 2 * dimension

        // 1-2. Dominant signed latents and groups; each item's top signed latents.
        var dominant = [SignedLatent?](repeating: nil, count: itemCount)
        var topSlots = [[Int]](repeating: [], count: itemCount)
        var groupMembers = [Int: [Int]]()  // slot -> items
        for item in 0..<itemCount {
            let top = Self.largestEntries(of: embedding, row: item, count: options.latentsPerItem)
            guard let first = top.first else { continue }
            dominant[item] = first
            topSlots[item] = top.map(\.slot)
            groupMembers[first.slot, default: []].append(item)
        }

        // 3. Merge candidates: Jaccard overlap of M(s) over the group latents.
        var isGroup = [Bool](repeating: false, count: slotCount)
        for slot in groupMembers.keys { isGroup[slot] = true }
        var listSize = [Int](repeating: 0, count: slotCount)
        var intersections = [Int: Int]()  // lower slot * slotCount + higher slot -> |M(s) ∩ M(t)|
        for item in 0..<itemCount {
            let slots = topSlots[item].filter { isGroup[$0] }.sorted()
            for slot in slots { listSize[slot] += 1 }
            for a in 0..<slots.count {
                for b in (a + 1)..<max(a + 1, slots.count) { intersections[slots[a] * slotCount + slots[b], default: 0] += 1 }
            }
        }
        var candidates: [(jaccard: Double, lower: Int, higher: Int)] = []
        for (key, shared) in intersections {
            let lower = key / slotCount, higher = key % slotCount
            let jaccard = Double(shared) / Double(listSize[lower] + listSize[higher] - shared)
            if jaccard > options.mergeThreshold { candidates.append((jaccard, lower, higher)) }
        }
        candidates.sort { $0.jaccard != $1.jaccard ? $0.jaccard > $1.jaccard
                          : ($0.lower != $1.lower ? $0.lower < $1.lower : $0.higher < $1.higher) }
        var merger = SignConsistentMerger(slots: groupMembers.keys.sorted())
        for candidate in candidates { merger.unite(candidate.lower, candidate.higher) }

        // 4-5. Segments from the merged components.
        var draft: [(latents: [SignedLatent], items: [Int])] = []
        for component in merger.components() {
            let items = component.flatMap { groupMembers[$0]! }
            if items.count >= options.minimumSize { draft.append((component.map(SignedLatent.init(slot:)), items)) }
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
        self.groupCount = groupMembers.count
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
