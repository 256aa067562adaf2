// What bounds the sparse output product: one output row combines `k` randomly chosen rows of a
// packed panel (`rows x width` floats, 64-byte aligned), `Σ_e w_e · panel[index_e]`, two output
// rows at a time as in `Panel.combinePair`. Single-threaded; prints nanoseconds per stored entry
// and per 32 lanes, best of five passes over `outputs` rows.
//
//   swiftc -Ounchecked -target-cpu haswell -import-objc-header prefetch.h panel-reads.swift -o /tmp/panel-reads
//   /tmp/panel-reads ROWS K WIDTH(32|64) PREFETCH_DISTANCE(0: none) OUTPUTS INDEX_BITS(32|16) [PANEL_BITS(32|16) [VALUES(steps|random)]]
//
// PANEL_BITS 16 holds the panel as half floats read with `vcvtph2ps` (width 32, no prefetch only);
// VALUES is what the panel holds: `steps` (0, 0.01, ..., 0.06 repeating, the default) or `random`
// (uniform in ±30000, like a scaled panel of hidden states).
import Foundation

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).load(as: SIMD8<Float>.self)
}
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

let words = Array(CommandLine.arguments.dropFirst())
let arguments = words.prefix(7).compactMap { Int($0) }
let randomValues = words.count == 8 && words[7] == "random"
guard (6...7).contains(arguments.count), words.count == arguments.count || (words.count == 8 && ["steps", "random"].contains(words[7])),
      [32, 64].contains(arguments[2]), [32, 16].contains(arguments[5]), arguments[1] <= arguments[0],
      arguments.count == 6 || arguments[6] == 32 || (arguments[6] == 16 && arguments[2] == 32 && arguments[3] == 0) else {
    print("usage: panel-reads ROWS K WIDTH(32|64) PREFETCH_DISTANCE OUTPUTS INDEX_BITS(32|16) [PANEL_BITS(32|16) [VALUES(steps|random)]]")
    exit(2)
}
let (rows, k, width, distance, outputs, indexBits) = (arguments[0], arguments[1], arguments[2], arguments[3], arguments[4], arguments[5])
let halfPanel = arguments.count == 7 && arguments[6] == 16

var generator = SystemRandomNumberGenerator()
let panel = UnsafeMutableRawPointer.allocate(byteCount: rows * width * 4, alignment: 64).bindMemory(to: Float.self, capacity: rows * width)
for i in 0..<(rows * width) { panel[i] = randomValues ? Float.random(in: -30000...30000, using: &generator) : Float(i % 7) * 0.01 }
let halves = UnsafeMutableRawPointer.allocate(byteCount: rows * width * 2, alignment: 64).bindMemory(to: Float16.self, capacity: rows * width)
for i in 0..<(rows * width) { halves[i] = Float16(panel[i]) }
// Each output row: k distinct ascending panel rows (like a pattern row); padded for the prefetch look-ahead.
var indices = [Int32](repeating: 0, count: outputs * k + 64)
for row in 0..<outputs {
    var chosen = Set<Int32>()
    while chosen.count < k { chosen.insert(Int32.random(in: 0..<Int32(rows), using: &generator)) }
    for (j, value) in chosen.sorted().enumerated() { indices[row * k + j] = value }
}
let narrow = indices.map { UInt16(truncatingIfNeeded: $0) }
let weights = [Float](repeating: 0.5, count: outputs * k + 64)
let result = UnsafeMutablePointer<Float>.allocate(capacity: outputs * width)

/// Eight half floats as fp32, lane by lane (LLVM makes it one `vcvtph2ps`; the standard library's
/// `SIMD8<Float>(SIMD8<Float16>)` can stay a call in larger loops).
@inline(__always) func loadHalf8(_ p: UnsafePointer<Float16>) -> SIMD8<Float> {
    let h = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float16>.self)
    return SIMD8<Float>(Float(h[0]), Float(h[1]), Float(h[2]), Float(h[3]), Float(h[4]), Float(h[5]), Float(h[6]), Float(h[7]))
}

@inline(__always)
func pass<Index: FixedWidthInteger>(_ index: UnsafePointer<Index>, _ weight: UnsafePointer<Float>) {
    var row = 0
    if halfPanel {
        while row + 2 <= outputs {
            var a0 = SIMD8<Float>.zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
            let ia = index + row * k, ib = index + (row + 1) * k, wa = weight + row * k, wb = weight + (row + 1) * k
            for e in 0..<k {
                let x = SIMD8<Float>(repeating: wa[e]), p = halves + Int(ia[e]) * 32
                let y = SIMD8<Float>(repeating: wb[e]), q = halves + Int(ib[e]) * 32
                a0 += x * loadHalf8(p); a1 += x * loadHalf8(p + 8); a2 += x * loadHalf8(p + 16); a3 += x * loadHalf8(p + 24)
                b0 += y * loadHalf8(q); b1 += y * loadHalf8(q + 8); b2 += y * loadHalf8(q + 16); b3 += y * loadHalf8(q + 24)
            }
            let out = result + row * 32
            store8(a0, out); store8(a1, out + 8); store8(a2, out + 16); store8(a3, out + 24)
            store8(b0, out + 32); store8(b1, out + 40); store8(b2, out + 48); store8(b3, out + 56)
            row += 2
        }
    } else if width == 32 {
        while row + 2 <= outputs {
            var a0 = SIMD8<Float>.zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
            let ia = index + row * k, ib = index + (row + 1) * k, wa = weight + row * k, wb = weight + (row + 1) * k
            for e in 0..<k {
                if distance > 0 {
                    let pa = panel + Int(ia[e + distance]) * 32, pb = panel + Int(ib[e + distance]) * 32
                    panel_reads_prefetch(pa); panel_reads_prefetch(pa + 16)
                    panel_reads_prefetch(pb); panel_reads_prefetch(pb + 16)
                }
                let x = SIMD8<Float>(repeating: wa[e]), p = panel + Int(ia[e]) * 32
                let y = SIMD8<Float>(repeating: wb[e]), q = panel + Int(ib[e]) * 32
                a0 += x * load8(p); a1 += x * load8(p + 8); a2 += x * load8(p + 16); a3 += x * load8(p + 24)
                b0 += y * load8(q); b1 += y * load8(q + 8); b2 += y * load8(q + 16); b3 += y * load8(q + 24)
            }
            let out = result + row * 32
            store8(a0, out); store8(a1, out + 8); store8(a2, out + 16); store8(a3, out + 24)
            store8(b0, out + 32); store8(b1, out + 40); store8(b2, out + 48); store8(b3, out + 56)
            row += 2
        }
    } else {
        for row in 0..<outputs {
            var a0 = SIMD8<Float>.zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
            let ia = index + row * k, wa = weight + row * k
            for e in 0..<k {
                let x = SIMD8<Float>(repeating: wa[e]), p = panel + Int(ia[e]) * 64
                a0 += x * load8(p); a1 += x * load8(p + 8); a2 += x * load8(p + 16); a3 += x * load8(p + 24)
                a4 += x * load8(p + 32); a5 += x * load8(p + 40); a6 += x * load8(p + 48); a7 += x * load8(p + 56)
            }
            let out = result + row * 64
            store8(a0, out); store8(a1, out + 8); store8(a2, out + 16); store8(a3, out + 24)
            store8(a4, out + 32); store8(a5, out + 40); store8(a6, out + 48); store8(a7, out + 56)
        }
    }
}

var best = Double.infinity
for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    weights.withUnsafeBufferPointer { w in
        if indexBits == 16 {
            narrow.withUnsafeBufferPointer { pass($0.baseAddress!, w.baseAddress!) }
        } else {
            indices.withUnsafeBufferPointer { pass($0.baseAddress!, w.baseAddress!) }
        }
    }
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
}
let entries = Double(outputs * k)
print(String(format: "rows %d (panel %d KB) k %d width %d prefetch %d outputs %d index %d-bit panel %d-bit %@ values: %.3f ns per entry, %.3f ns per 32 lanes",
             rows, rows * width * (halfPanel ? 2 : 4) / 1024, k, width, distance, outputs, indexBits, halfPanel ? 16 : 32,
             randomValues ? "random" : "steps", best / entries, best / entries * 32 / Double(width)))
