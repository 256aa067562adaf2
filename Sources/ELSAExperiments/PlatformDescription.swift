import Foundation
import ELSALinearAlgebra
import ELSASparse
import ELSATraining
import _ELSASupport

/// The engine's version, printed by `elsa --version` and written into every report.
public enum EngineVersion {
    public static let current = "0.9.0"
}

/// What the BLAS and the kernels run with on this machine: what `elsa platform` prints, and what
/// every report records beside its numbers.
public struct PlatformDescription: Codable, Sendable, Equatable {
    /// The kernels OpenBLAS chose (its core type).
    public var openBLASKernels: String
    public var openBLASThreads: Int
    /// The OpenBLAS variables set in this process, as NAME=value.
    public var environment: [String]
    /// The CPU's vector extensions among avx512f, avx2, fma and avx.
    public var cpuVectorFlags: [String]
    public var cpu: String
    /// The fraction of d above which compressed ELSA's stages run on the dense path, and the GEMM kernels.
    public var densePathFraction: Double
    public var gemmKernels: String
    /// Where the sparse output gradient's dot products run.
    public var sparseKernels: String
    public var cores: Int

    public static var current: PlatformDescription {
        let set = [BLASWorkerSpin.variable, BLASCoreType.variable].compactMap { name in
            ProcessInfo.processInfo.environment[name].map { "\(name)=\($0)" }
        }
        let flags = BLASCoreType.machineFlags
        let identity = CPUIdentity.machine
        let core = BLASCoreType.current
        let gemm = DensePathSwitch.hasFullWidthAVX512GEMM(coreType: core, cpu: identity) ? "AVX-512"
            : DensePathSwitch.hasAVX512GEMM(coreType: core) ? "AVX-512 run as 256-bit halves" : "AVX2 or older"
        return PlatformDescription(
            openBLASKernels: core, openBLASThreads: BLASThreads.current, environment: set,
            cpuVectorFlags: ["avx512f", "avx2", "fma", "avx"].filter(flags.contains),
            cpu: "\(identity.vendor.isEmpty ? "unknown vendor" : identity.vendor), family \(identity.family.map(String.init) ?? "unknown")",
            densePathFraction: DensePathSwitch.current, gemmKernels: gemm,
            sparseKernels: FixedPatternEmbedding.usesNativeKernels ? "C with AVX2 + FMA" : "Swift (no AVX2 + FMA, or ELSA_SWIFT_KERNELS set)",
            cores: TrainingRecipe.availableCores)
    }

    /// The lines `elsa platform` prints.
    public var lines: [String] {
        ["OpenBLAS kernels: \(openBLASKernels)",
         "OpenBLAS threads: \(openBLASThreads)",
         "environment: \(environment.isEmpty ? "(none)" : environment.joined(separator: " "))",
         "CPU vector flags: \(cpuVectorFlags.isEmpty ? "(none found)" : cpuVectorFlags.joined(separator: " "))",
         "CPU: \(cpu), \(cores) cores available",
         "compressed-elsa dense path: stages with k > \(densePathFraction) d (GEMM kernels: \(gemmKernels); --dense-path-fraction)",
         "sparse kernels: output gradient's sampled dot in \(sparseKernels)"]
    }
}
