/// The inner kernels shared by the batch-transposed products: rows of length
/// `width` (the batch dimension, contiguous) combined or dotted with SIMD.
///
/// Every output element is summed in the order of the entries, with the same
/// scalar operation (`a += w * x`, no fused multiply-add) in the SIMD and the
/// tail paths, so a result does not depend on how rows are split across threads.

/// `target[0..<width] = Σ_e weights[e] * source[sourceRows[e] * width ..< +width]`.
///
/// Register-blocked: 64 floats of the target live in eight SIMD8 accumulators
/// while all entries stream past; then blocks of 8, then a scalar tail.
@inline(__always)
func combineRows(entryCount: Int, sourceRows: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
                 source: UnsafePointer<Float>, width: Int, target: UnsafeMutablePointer<Float>) {
    var start = 0
    while start + 64 <= width {
        var a0 = SIMD8<Float>.zero, a1 = SIMD8<Float>.zero, a2 = SIMD8<Float>.zero, a3 = SIMD8<Float>.zero
        var a4 = SIMD8<Float>.zero, a5 = SIMD8<Float>.zero, a6 = SIMD8<Float>.zero, a7 = SIMD8<Float>.zero
        for e in 0..<entryCount {
            let w = SIMD8<Float>(repeating: weights[e])
            let row = source + Int(sourceRows[e]) * width + start
            a0 += w * loadVector8(row)
            a1 += w * loadVector8(row + 8)
            a2 += w * loadVector8(row + 16)
            a3 += w * loadVector8(row + 24)
            a4 += w * loadVector8(row + 32)
            a5 += w * loadVector8(row + 40)
            a6 += w * loadVector8(row + 48)
            a7 += w * loadVector8(row + 56)
        }
        let out = target + start
        storeVector8(a0, out); storeVector8(a1, out + 8); storeVector8(a2, out + 16); storeVector8(a3, out + 24)
        storeVector8(a4, out + 32); storeVector8(a5, out + 40); storeVector8(a6, out + 48); storeVector8(a7, out + 56)
        start += 64
    }
    while start + 8 <= width {
        var a0 = SIMD8<Float>.zero
        for e in 0..<entryCount {
            a0 += SIMD8<Float>(repeating: weights[e]) * loadVector8(source + Int(sourceRows[e]) * width + start)
        }
        storeVector8(a0, target + start)
        start += 8
    }
    while start < width {
        var a: Float = 0
        for e in 0..<entryCount {
            a += weights[e] * source[Int(sourceRows[e]) * width + start]
        }
        target[start] = a
        start += 1
    }
}

/// `results[e] = Σ_u left[u] * source[sourceRows[e] * width + u]` for `e` in `0..<entryCount`.
///
/// Four entries at a time share the loads of `left`; two SIMD8 accumulators
/// per entry (even and odd blocks of 8) keep eight independent chains.
@inline(__always)
func dotRows(left: UnsafePointer<Float>, entryCount: Int, sourceRows: UnsafePointer<Int32>,
             source: UnsafePointer<Float>, width: Int, results: UnsafeMutablePointer<Float>) {
    var e = 0
    while e + 4 <= entryCount {
        let r0 = source + Int(sourceRows[e]) * width
        let r1 = source + Int(sourceRows[e + 1]) * width
        let r2 = source + Int(sourceRows[e + 2]) * width
        let r3 = source + Int(sourceRows[e + 3]) * width
        var even0 = SIMD8<Float>.zero, even1 = SIMD8<Float>.zero, even2 = SIMD8<Float>.zero, even3 = SIMD8<Float>.zero
        var odd0 = SIMD8<Float>.zero, odd1 = SIMD8<Float>.zero, odd2 = SIMD8<Float>.zero, odd3 = SIMD8<Float>.zero
        var u = 0
        while u + 16 <= width {
            let g = loadVector8(left + u)
            even0 += g * loadVector8(r0 + u)
            even1 += g * loadVector8(r1 + u)
            even2 += g * loadVector8(r2 + u)
            even3 += g * loadVector8(r3 + u)
            let h = loadVector8(left + u + 8)
            odd0 += h * loadVector8(r0 + u + 8)
            odd1 += h * loadVector8(r1 + u + 8)
            odd2 += h * loadVector8(r2 + u + 8)
            odd3 += h * loadVector8(r3 + u + 8)
            u += 16
        }
        if u + 8 <= width {
            let g = loadVector8(left + u)
            even0 += g * loadVector8(r0 + u)
            even1 += g * loadVector8(r1 + u)
            even2 += g * loadVector8(r2 + u)
            even3 += g * loadVector8(r3 + u)
            u += 8
        }
        var s0 = (even0 + odd0).sum(), s1 = (even1 + odd1).sum()
        var s2 = (even2 + odd2).sum(), s3 = (even3 + odd3).sum()
        while u < width {
            let g = left[u]
            s0 += g * r0[u]; s1 += g * r1[u]; s2 += g * r2[u]; s3 += g * r3[u]
            u += 1
        }
        results[e] = s0; results[e + 1] = s1; results[e + 2] = s2; results[e + 3] = s3
        e += 4
    }
    while e < entryCount {
        results[e] = dotProduct(left, source + Int(sourceRows[e]) * width, count: width)
        e += 1
    }
}
