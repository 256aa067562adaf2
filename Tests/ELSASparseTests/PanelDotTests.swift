import Testing
@testable import ELSASparse
import _ELSASupport

/// The output gradient's sampled dot has two forms: Swift (`Panel.dot`, any CPU) and C with AVX2 + FMA
/// (`Panel.nativeDot`, chosen where the CPU has them). The kernel tests run whichever the CPU gets; this
/// checks both against a double-precision sum, over entry counts around the eight-entry groups.
@Suite("The sampled dot of a panel, Swift and AVX2 forms")
struct PanelDotTests {
    static let entryCounts = [0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 70]

    /// Random panel rows and weights, the entries' rows and the double-precision sums (added to `start`).
    static func operands(count: Int, panelRows: Int, seed: UInt64)
        -> (left: UnsafeMutablePointer<Float>, panel: UnsafeMutablePointer<Float>, rows: [Int], start: [Float], expected: [Double]) {
        var generator = SeededGenerator(seed: seed)
        let left = Panel.allocate(Panel.width), panel = Panel.allocate(panelRows * Panel.width)
        for lane in 0..<Panel.width { left[lane] = Float.random(in: -1...1, using: &generator) }
        for i in 0..<(panelRows * Panel.width) { panel[i] = Float.random(in: -1...1, using: &generator) }
        let rows = (0..<count).map { _ in Int.random(in: 0..<panelRows, using: &generator) }
        let start = (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
        let expected = rows.indices.map { e in
            Double(start[e]) + (0..<Panel.width).reduce(0.0) { $0 + Double(left[$1]) * Double(panel[rows[e] * Panel.width + $1]) }
        }
        return (left, panel, rows, start, expected)
    }

    static func largestError(_ sums: [Float], _ expected: [Double]) -> Double {
        zip(sums, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
    }

    @Test(arguments: entryCounts)
    func swiftAndNativeFormsMatchADoublePrecisionSum(count: Int) throws {
        let (left, panel, rows, start, expected) = Self.operands(count: count, panelRows: 300, seed: 900 + UInt64(count))
        defer { left.deallocate(); panel.deallocate() }
        let narrow = rows.map { UInt16($0) }, wide = rows.map { Int32($0) }
        let laneSums = Panel.allocate(8 * Panel.dotBlock)
        defer { laneSums.deallocate() }
        var swiftSums = start
        swiftSums.withUnsafeMutableBufferPointer { sums in
            narrow.withUnsafeBufferPointer {
                Panel.dot(left: Panel.load(left, lanes: Panel.width), entryCount: count, rows: $0.baseAddress!, panel: panel,
                          laneSums: laneSums, sums: sums.baseAddress!)
            }
        }
        #expect(Self.largestError(swiftSums, expected) <= 1e-5)
        guard Panel.nativeKernels else { return }  // this CPU runs the Swift form everywhere
        for indices in ["narrow", "wide"] {
            // Eight sentinels past the sums: the tail group must not write beyond `count`.
            var nativeSums = start + Array(repeating: Float(-7), count: 8)
            nativeSums.withUnsafeMutableBufferPointer { sums in
                if indices == "narrow" {
                    narrow.withUnsafeBufferPointer {
                        Panel.nativeDot(left: left, entryCount: count, rows: $0.baseAddress!, panel: panel, sums: sums.baseAddress!)
                    }
                } else {
                    wide.withUnsafeBufferPointer {
                        Panel.nativeDot(left: left, entryCount: count, rows: $0.baseAddress!, panel: panel, sums: sums.baseAddress!)
                    }
                }
            }
            #expect(Self.largestError(Array(nativeSums.prefix(count)), expected) <= 1e-5, "\(indices) indices")
            #expect(nativeSums.suffix(8) == Array(repeating: -7, count: 8), "\(indices) indices")
        }
    }
}
