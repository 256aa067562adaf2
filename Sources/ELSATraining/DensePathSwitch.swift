import ELSALinearAlgebra
import _ELSASupport

/// Where compressed ELSA moves from the masked dense CBLAS step to the sparse kernels: stages
/// with k above `fraction · d` run dense. The break-even depends on the GEMM OpenBLAS runs,
/// because the sparse kernels are built for AVX2 everywhere (the Makefile's
/// `-target-cpu haswell`) while OpenBLAS's AVX-512 GEMM is about 1.5x faster than its AVX2 one on
/// a CPU with full-width 512-bit units. Both values are measured on a quiet machine by
/// `speed sparse-epochs --dimension 4096 --ks ... --crossover` (docs/performance.md).
public enum DensePathSwitch {
    /// With AVX2 GEMM kernels (Zen 3: "Zen"; also "Haswell"): the sparse step costs 0.60x the
    /// masked dense step at k = 724, 0.84x at k = 1024 and 1.27x at k = 1448 on amazon-book, and
    /// 0.66x, 0.84x and 1.22x on gowalla, so they break even near 0.29 d.
    public static let avx2Fraction = 0.28
    /// With AVX-512 GEMM kernels (an Intel Xeon, family 6 model 207, with "SkylakeX"): at
    /// d = 4096 the sparse step costs 1.14x the masked dense step at k = 724, 0.92x at k = 608 and
    /// 0.87x at k = 512 on gowalla, and 1.18x, 0.84x and 0.87x on amazon-book, so they break
    /// even near 0.155 d.
    public static let avx512Fraction = 0.15
    /// OpenBLAS kernel sets (`openblas_get_corename()`, lower case) whose GEMM is AVX-512.
    public static let avx512CoreTypes: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]

    /// The switch for the kernel set named `coreType` on `cpu`: `avx512Fraction` for the AVX-512
    /// sets on a CPU that runs them at full width, `avx2Fraction` for every other (the sets older
    /// than AVX2 run a slower GEMM still, so the sparse kernels only gain there). An AMD EPYC of
    /// family 25, model 17 (Zen 4) runs the Cooperlake set with each 512-bit operation split in two:
    /// at d = 4096 the sparse step costs 0.77-0.81x the masked dense step at k = 1024, 0.91x at
    /// k = 1200 and 1.13x at k = 1448 on amazon-book (0.84x at k = 1024 on gowalla), so they break
    /// even near 0.32 d, as on Zen 3 (docs/performance.md), and it gets `avx2Fraction`. An unknown CPU
    /// counts as full width.
    public static func fraction(coreType: String, cpu: CPUIdentity = .unknown) -> Double {
        hasFullWidthAVX512GEMM(coreType: coreType, cpu: cpu) ? avx512Fraction : avx2Fraction
    }

    /// Whether the kernel set named `coreType` (any case) is one of `avx512CoreTypes`.
    public static func hasAVX512GEMM(coreType: String) -> Bool {
        avx512CoreTypes.contains(coreType.lowercased())
    }

    /// Whether the kernel set named `coreType` is AVX-512 and `cpu` does not split its 512-bit
    /// operations (`CPUIdentity.splitsAVX512Operations`).
    public static func hasFullWidthAVX512GEMM(coreType: String, cpu: CPUIdentity) -> Bool {
        hasAVX512GEMM(coreType: coreType) && !cpu.splitsAVX512Operations
    }

    /// The switch for the kernels this process runs on this machine's CPU (read once).
    public static let current = fraction(coreType: BLASCoreType.current, cpu: CPUIdentity.machine)
}
