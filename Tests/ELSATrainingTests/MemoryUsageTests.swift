import Foundation
import _ELSASupport
import Testing

/// The memory fields of epoch records: a stage's peak starts again at `resetPeak()`, the run's peak never does.
@Test func aResetStartsANewPeakWithoutLosingTheRunsPeak() throws {
    #if os(Linux)
    let size = 256 << 20
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
    for offset in stride(from: 0, to: size, by: 4096) { buffer.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self) }  // resident now
    let peak = try #require(MemoryUsage.peakSinceReset)
    #expect(peak >= size)
    #expect(MemoryUsage.peakResidentBytes >= peak)
    buffer.deallocate()
    #expect(MemoryUsage.resetPeak())
    #expect(try #require(MemoryUsage.peakSinceReset) >= MemoryUsage.residentBytes ?? 0)
    #expect(MemoryUsage.peakResidentBytes >= peak)  // what came before the reset still counts
    #endif
}
