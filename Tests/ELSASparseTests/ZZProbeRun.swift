import ELSASparse
import Testing
import Foundation

@Test func probeRun() {
    guard let spec = ProcessInfo.processInfo.environment["SPARSE_PROBE"] else { return }
    let ks = spec.split(separator: ",").map { Int($0)! }
    let threads = Int(ProcessInfo.processInfo.environment["SPARSE_PROBE_THREADS"] ?? "2")!
    print(SparseKernelProbe.run(nonzeroCounts: ks, threads: threads))
}
