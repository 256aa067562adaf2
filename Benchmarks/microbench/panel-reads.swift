// What bounds the sparse output product: one output row combines `k` randomly chosen rows of a
// packed panel (`rows x width` floats, 64-byte aligned), `Σ_e w_e · panel[index_e]`, two output
// rows at a time as in `Panel.combinePair`. Single-threaded; prints nanoseconds per stored entry
// and per 32 lanes, best of five passes over `outputs` rows.
//
//   swiftc -Ounchecked -target-cpu haswell -import-objc-header prefetch.h panel-reads.swift -o /tmp/panel-reads
//   /tmp/panel-reads ROWS K WIDTH(32|64) PREFETCH_DISTANCE(0: none) OUTPUTS INDEX_BITS(32|16)
import Foundation

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).load(as: SIMD8<Float>.self)
}
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
guard arguments.count == 6, [32, 64].contains(arguments[2]), [32, 16].contains(arguments[5]), arguments[1] <= arguments[0] else {
    print("usage: panel-reads ROWS K WIDTH(32|64) PREFETCH_DISTANCE OUTPUTS INDEX_BITS(32|16)")
    exit(2)
}
let (rows, k, width, distance, outputs, indexBits) = (arguments[0], arguments[1], arguments[2], arguments[3], arguments[4], arguments[5])

let panel = UnsafeMutableRawPointer.allocate(byteCount: rows * width * 4, alignment: 64).bindMemory(to: Float.self, capacity: rows * width)
for i in 0..<(rows * width) { panel[i] = Float(i % 7) * 0.01 }
var generator = SystemRandomNumberGenerator()
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

@inline(__always)
func pass<Index: FixedWidthInteger>(_ index: UnsafePointer<Index>, _ weight: UnsafePointer<Float>) {
    var row = 0
    if width == 32 {
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
print(String(format: "rows %d (panel %d KB) k %d width %d prefetch %d outputs %d index %d-bit: %.3f ns per entry, %.3f ns per 32 lanes",
             rows, rows * width * 4 / 1024, k, width, distance, outputs, indexBits, best / entries, best / entries * 32 / Double(width)))
