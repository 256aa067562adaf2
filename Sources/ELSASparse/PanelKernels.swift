import _ELSAKernelsC
import Foundation

/// Panel kernels: the batch dimension is cut into panels of 32 users, and the
/// matrix that is read at random rows is first packed panel by panel into a
/// contiguous `rows x 32` buffer (512 KB for 4096 rows) that stays in the L2
/// cache while every output row streams past it.
///
/// The pattern's latent indices come in as 16-bit values when `d <= 65536`
/// (`FixedPatternEmbedding.narrowColumnIndices`) and as the stored 32-bit ones otherwise; every
/// panel pass streams them once, so the narrow copy saves a quarter of that traffic.
///
/// All arithmetic runs 32 lanes wide (four SIMD8 vectors) on zero-padded
/// panels, so each output element sees the same sequence of operations
/// whatever the thread count; partial panels store only their valid lanes.
enum Panel {
    /// Users per panel.
    static let width = 32
    /// Output rows whose 32-user slices are staged together in a contiguous
    /// `chunkRows x 32` buffer (16 KB): rows of the `n_out x b` matrices lie 4 KB
    /// apart for `b = 1024`, a stride that the hardware prefetcher does not follow,
    /// so they are copied in (or out) by a plain loop with many loads in flight.
    static let chunkRows = 128

    /// A buffer of `count` floats aligned to 64 bytes, so each 128-byte panel row spans
    /// exactly two cache lines and no SIMD load straddles a line (`malloc` aligns to 16
    /// only). Free it with `deallocate()`.
    @inline(__always)
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(1, count))
    }

    /// Number of panels covering `users` users.
    @inline(__always)
    static func count(users: Int) -> Int { (users + width - 1) / width }

    /// Copies columns `start ..< start + lanes` of the `rows x stride` row-major
    /// `source` into `panel` (`rows x 32`), zero-padding lanes beyond `lanes`.
    @inline(__always)
    static func pack(_ source: UnsafePointer<Float>, rows: Int, stride: Int, start: Int, lanes: Int,
                     into panel: UnsafeMutablePointer<Float>) {
        if lanes == width {
            for r in 0..<rows {
                let from = source + r * stride + start
                let to = panel + r * width
                storeVector8(loadVector8(from), to)
                storeVector8(loadVector8(from + 8), to + 8)
                storeVector8(loadVector8(from + 16), to + 16)
                storeVector8(loadVector8(from + 24), to + 24)
            }
        } else {
            for r in 0..<rows {
                let from = source + r * stride + start
                let to = panel + r * width
                for lane in 0..<width { to[lane] = lane < lanes ? from[lane] : 0 }
            }
        }
    }

    /// Copies `rows x 32` packed values back to columns `start ..< start + lanes` of a row-major
    /// matrix with row stride `stride` (only the first `lanes` lanes of every row).
    @inline(__always)
    static func unpack(_ panel: UnsafePointer<Float>, rows: Int, into target: UnsafeMutablePointer<Float>,
                       stride: Int, start: Int, lanes: Int) {
        for r in 0..<rows {
            let from = panel + r * width
            store(loadVector8(from), loadVector8(from + 8), loadVector8(from + 16), loadVector8(from + 24),
                  lanes: lanes, into: target + r * stride + start)
        }
    }

    /// Stores the four vectors of a 32-lane result into `target`, only the first `lanes` lanes.
    @inline(__always)
    static func store(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ v2: SIMD8<Float>, _ v3: SIMD8<Float>,
                      lanes: Int, into target: UnsafeMutablePointer<Float>) {
        if lanes == width {
            storeVector8(v0, target)
            storeVector8(v1, target + 8)
            storeVector8(v2, target + 16)
            storeVector8(v3, target + 24)
        } else {
            for lane in 0..<lanes {
                let vector = lane < 8 ? v0 : lane < 16 ? v1 : lane < 24 ? v2 : v3
                target[lane] = vector[lane & 7]
            }
        }
    }

    /// Loads 32 lanes starting at `source`, zero beyond `lanes`.
    @inline(__always)
    static func load(_ source: UnsafePointer<Float>, lanes: Int)
        -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        if lanes == width {
            return (loadVector8(source), loadVector8(source + 8), loadVector8(source + 16), loadVector8(source + 24))
        }
        var v0 = SIMD8<Float>.zero, v1 = SIMD8<Float>.zero, v2 = SIMD8<Float>.zero, v3 = SIMD8<Float>.zero
        for lane in 0..<lanes {
            switch lane >> 3 {
            case 0: v0[lane & 7] = source[lane]
            case 1: v1[lane & 7] = source[lane]
            case 2: v2[lane & 7] = source[lane]
            default: v3[lane & 7] = source[lane]
            }
        }
        return (v0, v1, v2, v3)
    }

    /// `target[lanes] = Σ_e weights[e] · panel[rows[e]]` for one output row, over a packed panel.
    @inline(__always)
    static func combine<Index: FixedWidthInteger>(entryCount: Int, rows: UnsafePointer<Index>, weights: UnsafePointer<Float>,
                        panel: UnsafePointer<Float>, lanes: Int, target: UnsafeMutablePointer<Float>) {
        var a0 = SIMD8<Float>.zero, a1 = SIMD8<Float>.zero, a2 = SIMD8<Float>.zero, a3 = SIMD8<Float>.zero
        for e in 0..<entryCount {
            let w = SIMD8<Float>(repeating: weights[e])
            let row = panel + Int(truncatingIfNeeded: rows[e]) * width
            a0 += w * loadVector8(row)
            a1 += w * loadVector8(row + 8)
            a2 += w * loadVector8(row + 16)
            a3 += w * loadVector8(row + 24)
        }
        store(a0, a1, a2, a3, lanes: lanes, into: target)
    }

    /// Two output rows with the same number of entries at once (eight independent accumulators).
    @inline(__always)
    static func combinePair<Index: FixedWidthInteger>(
        entryCount: Int,
        rowsA: UnsafePointer<Index>, weightsA: UnsafePointer<Float>, targetA: UnsafeMutablePointer<Float>,
        rowsB: UnsafePointer<Index>, weightsB: UnsafePointer<Float>, targetB: UnsafeMutablePointer<Float>,
        panel: UnsafePointer<Float>, lanes: Int
    ) {
        var a0 = SIMD8<Float>.zero, a1 = SIMD8<Float>.zero, a2 = SIMD8<Float>.zero, a3 = SIMD8<Float>.zero
        var b0 = SIMD8<Float>.zero, b1 = SIMD8<Float>.zero, b2 = SIMD8<Float>.zero, b3 = SIMD8<Float>.zero
        for e in 0..<entryCount {
            let wA = SIMD8<Float>(repeating: weightsA[e])
            let rowA = panel + Int(truncatingIfNeeded: rowsA[e]) * width
            let wB = SIMD8<Float>(repeating: weightsB[e])
            let rowB = panel + Int(truncatingIfNeeded: rowsB[e]) * width
            a0 += wA * loadVector8(rowA)
            a1 += wA * loadVector8(rowA + 8)
            a2 += wA * loadVector8(rowA + 16)
            a3 += wA * loadVector8(rowA + 24)
            b0 += wB * loadVector8(rowB)
            b1 += wB * loadVector8(rowB + 8)
            b2 += wB * loadVector8(rowB + 16)
            b3 += wB * loadVector8(rowB + 24)
        }
        store(a0, a1, a2, a3, lanes: lanes, into: targetA)
        store(b0, b1, b2, b3, lanes: lanes, into: targetB)
    }

    /// `[a₀+a₁, a₂+a₃, a₄+a₅, a₆+a₇, b₀+b₁, b₂+b₃, b₄+b₅, b₆+b₇]`.
    @inline(__always)
    static func pairSums(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(lowHalf: a.evenHalf + a.oddHalf, highHalf: b.evenHalf + b.oddHalf)
    }

    /// Whether the sampled dot runs its AVX2 + FMA form (`_ELSAKernelsC`): the CPU has them, and
    /// `ELSA_SWIFT_KERNELS` is not set in the environment.
    static let nativeKernels = elsa_kernels_have_avx2_fma() != 0 && ProcessInfo.processInfo.environment["ELSA_SWIFT_KERNELS"] == nil

    /// `dot` in C with AVX2 + FMA: each group of eight entries is reduced in registers (see `dot` for why the
    /// Swift form stages them). `left` is the 32 lanes of a staged row; `rows` are the 16-bit or the 32-bit
    /// pattern indices (`withPanelIndices`). Only when `nativeKernels`.
    @inline(__always)
    static func nativeDot<Index: FixedWidthInteger>(left: UnsafePointer<Float>, entryCount: Int, rows: UnsafePointer<Index>,
                                                     panel: UnsafePointer<Float>, sums: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(rows)
        if Index.self == UInt16.self {
            elsa_panel_dot_u16(left, entryCount, raw.assumingMemoryBound(to: UInt16.self), panel, sums)
        } else {
            precondition(Index.self == Int32.self, "panel indices are UInt16 or Int32")
            elsa_panel_dot_i32(left, entryCount, raw.assumingMemoryBound(to: Int32.self), panel, sums)
        }
    }

    /// Entries whose eight-lane partial sums are staged together by `dot` (2 KB, stays in L1).
    static let dotBlock = 64

    /// `sums[e] += Σ_lanes left · panel[rows[e]]` for `e` in `0..<entryCount` (32 lanes, zero-padded).
    ///
    /// Two passes per block of 64 entries: the first sums each entry's 32
    /// products into eight lanes and stores them in `laneSums` (`8 · dotBlock`
    /// floats); the second reduces them eight entries at a time, by three levels
    /// of pairwise SIMD sums over the 8 x 8 block (a scalar reduction per entry
    /// cost about 7% of the kernel at k = 256). Reducing
    /// inside the first pass looks cheaper, but LLVM then pushes the horizontal
    /// shuffles into the products and narrows them to 64-bit vectors, and the
    /// kernel runs several times slower.
    @inline(__always)
    static func dot<Index: FixedWidthInteger>(left: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>), entryCount: Int,
                    rows: UnsafePointer<Index>, panel: UnsafePointer<Float>,
                    laneSums: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>) {
        let (g0, g1, g2, g3) = left
        var blockStart = 0
        while blockStart < entryCount {
            let blockCount = min(dotBlock, entryCount - blockStart)
            for e in 0..<blockCount {
                let row = panel + Int(truncatingIfNeeded: rows[blockStart + e]) * width
                var v = g0 * loadVector8(row)
                v += g1 * loadVector8(row + 8)
                v += g2 * loadVector8(row + 16)
                v += g3 * loadVector8(row + 24)
                storeVector8(v, laneSums + 8 * e)
            }
            let blockSums = sums + blockStart
            var e = 0
            while e + 8 <= blockCount {
                // Eight entries at once: three levels of pairwise sums over the 8 x 8 lane block.
                let lanes = laneSums + 8 * e
                let p01 = pairSums(loadVector8(lanes), loadVector8(lanes + 8))
                let p23 = pairSums(loadVector8(lanes + 16), loadVector8(lanes + 24))
                let p45 = pairSums(loadVector8(lanes + 32), loadVector8(lanes + 40))
                let p67 = pairSums(loadVector8(lanes + 48), loadVector8(lanes + 56))
                let total = pairSums(pairSums(p01, p23), pairSums(p45, p67))
                storeVector8(loadVector8(blockSums + e) + total, blockSums + e)
                e += 8
            }
            while e < blockCount {
                let lanes = laneSums + 8 * e
                blockSums[e] += ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
                e += 1
            }
            blockStart += blockCount
        }
    }
}

extension FixedPatternEmbedding {
    /// Whether the output gradient runs the C form of its sampled dot (AVX2 + FMA; see `Panel.nativeKernels`).
    public static var usesNativeKernels: Bool { Panel.nativeKernels }
}
