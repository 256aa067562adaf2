// Would an L1-sized latent block help the sparse output product? (session 20)
//
// P[o, 0..<32] = Σ_e w_e · panel[latent_e] for OUTPUTS rows of K sorted latents each, over a
// ROWS x 32 panel (single thread, best of five passes, nanoseconds per stored entry):
//   A: row by row over the whole panel, two rows at a time, as `Panel.combinePair` does; the
//      panel rows come from L2.
//   B: the latents cut into blocks of L panel rows (L x 128 bytes, L1-sized); for each chunk of C
//      output rows, block by block, every row adds its entries in that block to its 32 staged
//      lanes in registers.
//   C: as B, but each (chunk, block) has a flat entry list ordered rank-major across the rows
//      (the first entry of every row, then the second, ...), added into the staged rows in memory,
//      so consecutive entries never wait on one another.
//   D: per chunk of C output rows, the chunk's entries grouped by latent (a chunk-local CSC): each
//      latent's panel row is loaded once into registers and added, scaled, to the staged rows (in
//      memory) of the chunk rows that store it; L is not used.
// The four results are compared (max relative difference printed).
//
//   swiftc -Ounchecked -target-cpu haswell latent-blocks.swift -o /tmp/latent-blocks
//   /tmp/latent-blocks ROWS K OUTPUTS L C        e.g. /tmp/latent-blocks 4096 256 24915 256 128
import Foundation
@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }
let a = CommandLine.arguments.dropFirst().compactMap { Int($0) }
guard a.count == 5, a[0] <= 65536, a[1] <= a[0], a[3] > 0, a[4] > 0, a[4] <= 65536 else {
    print("usage: latent-blocks ROWS(<= 65536) K(<= ROWS) OUTPUTS L C"); exit(2)
}
let (rows, k, outputs, L, C) = (a[0], a[1], a[2], a[3], a[4])
let W = 32
var g = SystemRandomNumberGenerator()
let panel = UnsafeMutableRawPointer.allocate(byteCount: rows * W * 4, alignment: 64).bindMemory(to: Float.self, capacity: rows * W)
for i in 0..<(rows * W) { panel[i] = Float(i % 7) * 0.01 }
var idx = [UInt16](repeating: 0, count: outputs * k)
let blocks = (rows + L - 1) / L
var offs = [Int32](repeating: 0, count: outputs * (blocks + 1))
for r in 0..<outputs {
    var s = Set<Int>(); while s.count < k { s.insert(Int.random(in: 0..<rows, using: &g)) }
    let sorted = s.sorted()
    for (j, v) in sorted.enumerated() { idx[r * k + j] = UInt16(v) }
    var j = 0
    for b in 0...blocks { while j < k && sorted[j] < b * L { j += 1 }; offs[r * (blocks + 1) + b] = Int32(r * k + j) }
}
let w = [Float](repeating: 0.5, count: outputs * k)
let resA = UnsafeMutablePointer<Float>.allocate(capacity: outputs * W)
let resB = UnsafeMutablePointer<Float>.allocate(capacity: outputs * W)
let staged = UnsafeMutableRawPointer.allocate(byteCount: C * W * 4, alignment: 64).bindMemory(to: Float.self, capacity: C * W)

func schemeA() {
    idx.withUnsafeBufferPointer { ib in w.withUnsafeBufferPointer { wb in
        let ix = ib.baseAddress!, wx = wb.baseAddress!
        var r = 0
        while r + 2 <= outputs {
            var a0 = SIMD8<Float>.zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
            let pa = r * k, pb = (r + 1) * k
            for e in 0..<k {
                let wa = SIMD8<Float>(repeating: wx[pa + e]), ra = panel + Int(ix[pa + e]) * W
                let wb = SIMD8<Float>(repeating: wx[pb + e]), rb = panel + Int(ix[pb + e]) * W
                a0 += wa * load8(ra); a1 += wa * load8(ra + 8); a2 += wa * load8(ra + 16); a3 += wa * load8(ra + 24)
                b0 += wb * load8(rb); b1 += wb * load8(rb + 8); b2 += wb * load8(rb + 16); b3 += wb * load8(rb + 24)
            }
            let t = resA + r * W
            store8(a0, t); store8(a1, t + 8); store8(a2, t + 16); store8(a3, t + 24)
            store8(b0, t + 32); store8(b1, t + 40); store8(b2, t + 48); store8(b3, t + 56)
            r += 2
        }
    }}
}

func schemeB() {
    idx.withUnsafeBufferPointer { ib in w.withUnsafeBufferPointer { wb in offs.withUnsafeBufferPointer { ob in
        let ix = ib.baseAddress!, wx = wb.baseAddress!, of = ob.baseAddress!
        for chunk in stride(from: 0, to: outputs, by: C) {
            let n = min(C, outputs - chunk)
            staged.update(repeating: 0, count: n * W)
            for b in 0..<blocks {
                for r in 0..<n {
                    let o = of + (chunk + r) * (blocks + 1) + b
                    let first = Int(o[0]), last = Int(o[1])
                    if first == last { continue }
                    let t = staged + r * W
                    var a0 = load8(t), a1 = load8(t + 8), a2 = load8(t + 16), a3 = load8(t + 24)
                    for e in first..<last {
                        let we = SIMD8<Float>(repeating: wx[e]), re = panel + Int(ix[e]) * W
                        a0 += we * load8(re); a1 += we * load8(re + 8); a2 += we * load8(re + 16); a3 += we * load8(re + 24)
                    }
                    store8(a0, t); store8(a1, t + 8); store8(a2, t + 16); store8(a3, t + 24)
                }
            }
            (resB + chunk * W).update(from: staged, count: n * W)
        }
    }}}
}

// Scheme C lists: for each chunk and block, the entries of the chunk's rows in that block, rank-major
// (the j-th entry of every row, then the (j+1)-th), as (row in chunk, latent, weight).
var cRow = [UInt16](), cLat = [UInt16](), cW = [Float](), cOff = [Int]()
for chunk in stride(from: 0, to: outputs, by: C) {
    let n = min(C, outputs - chunk)
    for b in 0..<blocks {
        cOff.append(cRow.count)
        var rank = 0
        while true {
            var any = false
            for r in 0..<n {
                let o = (chunk + r) * (blocks + 1) + b
                let e = Int(offs[o]) + rank
                if e < Int(offs[o + 1]) { any = true; cRow.append(UInt16(r)); cLat.append(idx[e]); cW.append(w[e]) }
            }
            if !any { break }
            rank += 1
        }
    }
}
cOff.append(cRow.count)
let resC = UnsafeMutablePointer<Float>.allocate(capacity: outputs * W)
func schemeC() {
    cRow.withUnsafeBufferPointer { rb in cLat.withUnsafeBufferPointer { lb in cW.withUnsafeBufferPointer { wb in
        let rx = rb.baseAddress!, lx = lb.baseAddress!, wx = wb.baseAddress!
        var list = 0
        for chunk in stride(from: 0, to: outputs, by: C) {
            let n = min(C, outputs - chunk)
            staged.update(repeating: 0, count: n * W)
            for _ in 0..<blocks {
                for e in cOff[list]..<cOff[list + 1] {
                    let we = SIMD8<Float>(repeating: wx[e]), re = panel + Int(lx[e]) * W, t = staged + Int(rx[e]) * W
                    store8(load8(t) + we * load8(re), t); store8(load8(t + 8) + we * load8(re + 8), t + 8)
                    store8(load8(t + 16) + we * load8(re + 16), t + 16); store8(load8(t + 24) + we * load8(re + 24), t + 24)
                }
                list += 1
            }
            (resC + chunk * W).update(from: staged, count: n * W)
        }
    }}}
}

// Scheme D lists: per chunk, the chunk's entries grouped by latent (a chunk-local CSC):
// for each latent used, its panel row is loaded once into registers and added, scaled, to the
// staged rows of every chunk row that stores it.
var dLat = [UInt16](), dStart = [Int32](), dRow = [UInt16](), dW = [Float](), dChunk = [Int]()
for chunk in stride(from: 0, to: outputs, by: C) {
    let n = min(C, outputs - chunk)
    var lists = [[(UInt16, Float)]](repeating: [], count: rows)
    for r in 0..<n { for e in ((chunk + r) * k)..<((chunk + r + 1) * k) { lists[Int(idx[e])].append((UInt16(r), w[e])) } }
    dChunk.append(dLat.count)
    for c in 0..<rows where !lists[c].isEmpty {
        dLat.append(UInt16(c)); dStart.append(Int32(dRow.count))
        for (r, x) in lists[c] { dRow.append(r); dW.append(x) }
    }
}
dChunk.append(dLat.count); dStart.append(Int32(dRow.count))
let resD = UnsafeMutablePointer<Float>.allocate(capacity: outputs * W)
func schemeD() {
    dLat.withUnsafeBufferPointer { lb in dStart.withUnsafeBufferPointer { sb in dRow.withUnsafeBufferPointer { rb in dW.withUnsafeBufferPointer { wb in
        let lx = lb.baseAddress!, sx = sb.baseAddress!, rx = rb.baseAddress!, wx = wb.baseAddress!
        var ci = 0
        for chunk in stride(from: 0, to: outputs, by: C) {
            let n = min(C, outputs - chunk)
            staged.update(repeating: 0, count: n * W)
            for li in dChunk[ci]..<dChunk[ci + 1] {
                let p = panel + Int(lx[li]) * W
                let h0 = load8(p), h1 = load8(p + 8), h2 = load8(p + 16), h3 = load8(p + 24)
                for e in Int(sx[li])..<Int(sx[li + 1]) {
                    let we = SIMD8<Float>(repeating: wx[e]), t = staged + Int(rx[e]) * W
                    store8(load8(t) + we * h0, t); store8(load8(t + 8) + we * h1, t + 8)
                    store8(load8(t + 16) + we * h2, t + 16); store8(load8(t + 24) + we * h3, t + 24)
                }
            }
            (resD + chunk * W).update(from: staged, count: n * W)
            ci += 1
        }
    }}}}
}

func time(_ f: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<5 { let s = Date(); f(); best = min(best, Date().timeIntervalSince(s)) }
    return best
}
let ta = time(schemeA), tb = time(schemeB), tc = time(schemeC), td = time(schemeD)
var maxDiff: Float = 0
for result in [resB, resC, resD] {
    for i in 0..<(outputs / 2 * 2 * W) { maxDiff = max(maxDiff, abs(resA[i] - result[i]) / max(1, abs(resA[i]))) }
}
let entries = Double(outputs * k)
print(String(format: "rows %d k %d L %d C %d: ns per entry A %.2f, B %.2f, C %.2f, D %.2f; max rel diff %.1e",
             rows, k, L, C, ta / entries * 1e9, tb / entries * 1e9, tc / entries * 1e9, td / entries * 1e9, maxDiff))
