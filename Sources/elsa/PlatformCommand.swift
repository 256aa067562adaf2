import ArgumentParser
import Foundation
import ELSA

/// What the BLAS runs with on this machine: the kernels OpenBLAS chose, its threads and the
/// variables `elsa` set for it when it started.
struct PlatformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform",
        abstract: "Print OpenBLAS's kernels, threads and the environment elsa runs it with.",
        discussion: "--environment prints only the OpenBLAS variables, one NAME=value per line, for a shell's env(1): the Makefile runs the test suite with them.")

    @Flag(help: "Print only the OpenBLAS variables set in this process, as NAME=value lines.") var environment = false

    func run() throws {
        let variables = [BLASWorkerSpin.variable, BLASCoreType.variable]
        let set = variables.compactMap { name in ProcessInfo.processInfo.environment[name].map { "\(name)=\($0)" } }
        if environment {
            for line in set { print(line) }
            return
        }
        print("OpenBLAS kernels: \(BLASCoreType.current)")
        print("OpenBLAS threads: \(BLASThreads.current)")
        print("environment: \(set.isEmpty ? "(none)" : set.joined(separator: " "))")
        let flags = BLASCoreType.machineFlags
        let vector = ["avx512f", "avx2", "fma", "avx"].filter(flags.contains)
        print("CPU vector flags: \(vector.isEmpty ? "(none found)" : vector.joined(separator: " "))")
        let cpu = CPUIdentity.machine
        print("CPU: \(cpu.vendor.isEmpty ? "unknown vendor" : cpu.vendor), family \(cpu.family.map(String.init) ?? "unknown")")
        let core = BLASCoreType.current
        let gemm = DensePathSwitch.hasFullWidthAVX512GEMM(coreType: core, cpu: cpu) ? "AVX-512"
            : DensePathSwitch.hasAVX512GEMM(coreType: core) ? "AVX-512 run as 256-bit halves" : "AVX2 or older"
        print("compressed-elsa dense path: stages with k > \(DensePathSwitch.current) d (GEMM kernels: \(gemm); --dense-path-fraction)")
        print("sparse kernels: output gradient's sampled dot in "
              + (FixedPatternEmbedding.usesNativeKernels ? "C with AVX2 + FMA" : "Swift (no AVX2 + FMA, or ELSA_SWIFT_KERNELS set)"))
    }
}
