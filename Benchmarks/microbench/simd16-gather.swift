// Would 16-lane AVX-512 vectors, or 64-user panels, make the sparse output product's gather cheaper?
// (session 20) P[o, lanes] = Σ_e w_e · panel[latent_e, lanes] over OUTPUTS rows of K sorted latents
// each, two rows at a time as `Panel.combinePair` does, with SIMD8 (the kernels' vectors) and SIMD16
// accumulators, for panels of W = 32 and 64 users. Single thread, best of five passes; prints
// nanoseconds per stored entry per 32 lanes, and one result of each variant as a check.
//
//   swiftc -Ounchecked -target-cpu haswell Benchmarks/microbench/simd16-gather.swift -o /tmp/s16-haswell
//   swiftc -Ounchecked -target-cpu skylake-avx512 Benchmarks/microbench/simd16-gather.swift -o /tmp/s16-avx512
//   /tmp/s16-avx512 ROWS K OUTPUTS        e.g. /tmp/s16-avx512 4096 256 24915
import Foundation
let a = CommandLine.arguments.dropFirst().compactMap { Int($0) }
guard a.count == 3, a[0] <= 65536, a[1] <= a[0], a[2] >= 2 else { print("usage: simd16-gather ROWS(<= 65536) K(<= ROWS) OUTPUTS(>= 2)"); exit(2) }
let (rows, k, outputs) = (a[0], a[1], a[2])
var g = SystemRandomNumberGenerator()
var idx = [UInt16](repeating: 0, count: outputs * k)
for r in 0..<outputs {
    var s = Set<Int>(); while s.count < k { s.insert(Int.random(in: 0..<rows, using: &g)) }
    for (j, v) in s.sorted().enumerated() { idx[r * k + j] = UInt16(v) }
}
let w = [Float](repeating: 0.5, count: outputs * k)
@inline(__always) func ld<V: SIMD>(_ p: UnsafePointer<Float>, _: V.Type) -> V where V.Scalar == Float { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
@inline(__always) func st<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>) where V.Scalar == Float { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

/// Times `kernel` (best of five passes) over a ROWS x W panel; returns nanoseconds per stored
/// entry per 32 lanes and one result as a check. `kernel(panel, result, indices, weights, W)`.
func measure(_ W: Int, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<UInt16>, UnsafePointer<Float>, Int) -> Void)
    -> (Double, Float) {
    let panel = UnsafeMutablePointer<Float>.allocate(capacity: rows * W)
    defer { panel.deallocate() }
    for i in 0..<(rows * W) { panel[i] = Float(i % 7) * 0.01 }
    let res = UnsafeMutablePointer<Float>.allocate(capacity: outputs * W)
    defer { res.deallocate() }
    var best = Double.infinity
    for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        idx.withUnsafeBufferPointer { ib in w.withUnsafeBufferPointer { wb in kernel(panel, res, ib.baseAddress!, wb.baseAddress!, W) } }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0))
    }
    return (best / Double(outputs * k) / Double(W / 32), res[W * 2 + 5])
}

/// Two output rows at a time, 32 lanes as four SIMD8 accumulators per row.
func gather8(_ panel: UnsafePointer<Float>, _ res: UnsafeMutablePointer<Float>, _ ix: UnsafePointer<UInt16>, _ wx: UnsafePointer<Float>, _ W: Int) {
    for r in stride(from: 0, to: outputs - 1, by: 2) {
        for lane in stride(from: 0, to: W, by: 32) {
            var a0 = SIMD8<Float>.zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
            let pa = r * k, pb = (r + 1) * k
            for e in 0..<k {
                let wa = SIMD8<Float>(repeating: wx[pa + e]), ra = panel + Int(ix[pa + e]) * W + lane
                let wb = SIMD8<Float>(repeating: wx[pb + e]), rb = panel + Int(ix[pb + e]) * W + lane
                a0 += wa * ld(ra, SIMD8<Float>.self); a1 += wa * ld(ra + 8, SIMD8<Float>.self); a2 += wa * ld(ra + 16, SIMD8<Float>.self); a3 += wa * ld(ra + 24, SIMD8<Float>.self)
                b0 += wb * ld(rb, SIMD8<Float>.self); b1 += wb * ld(rb + 8, SIMD8<Float>.self); b2 += wb * ld(rb + 16, SIMD8<Float>.self); b3 += wb * ld(rb + 24, SIMD8<Float>.self)
            }
            let t = res + r * W + lane, u = res + (r + 1) * W + lane
            st(a0, t); st(a1, t + 8); st(a2, t + 16); st(a3, t + 24)
            st(b0, u); st(b1, u + 8); st(b2, u + 16); st(b3, u + 24)
        }
    }
}

/// The same with two SIMD16 accumulators per row.
func gather16(_ panel: UnsafePointer<Float>, _ res: UnsafeMutablePointer<Float>, _ ix: UnsafePointer<UInt16>, _ wx: UnsafePointer<Float>, _ W: Int) {
    for r in stride(from: 0, to: outputs - 1, by: 2) {
        for lane in stride(from: 0, to: W, by: 32) {
            var a0 = SIMD16<Float>.zero, a1 = a0, b0 = a0, b1 = a0
            let pa = r * k, pb = (r + 1) * k
            for e in 0..<k {
                let wa = SIMD16<Float>(repeating: wx[pa + e]), ra = panel + Int(ix[pa + e]) * W + lane
                let wb = SIMD16<Float>(repeating: wx[pb + e]), rb = panel + Int(ix[pb + e]) * W + lane
                a0 += wa * ld(ra, SIMD16<Float>.self); a1 += wa * ld(ra + 16, SIMD16<Float>.self)
                b0 += wb * ld(rb, SIMD16<Float>.self); b1 += wb * ld(rb + 16, SIMD16<Float>.self)
            }
            let t = res + r * W + lane, u = res + (r + 1) * W + lane
            st(a0, t); st(a1, t + 16); st(b0, u); st(b1, u + 16)
        }
    }
}

for W in [32, 64] {
    let (x, cx) = measure(W, gather8), (y, cy) = measure(W, gather16)
    print("rows \(rows) k \(k) W \(W): ns per entry per 32 lanes SIMD8 \(String(format: "%.2f", x)), SIMD16 \(String(format: "%.2f", y)) (check \(cx) \(cy))")
}
