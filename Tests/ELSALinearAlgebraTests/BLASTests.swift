import Testing
@testable import ELSALinearAlgebra
import _ELSASupport

/// A tiny deterministic generator so this test target needs no other module.
struct TestRandom {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float((state >> 40) & 0xFFFFFF) / Float(0x1000000) * 2 - 1
    }
    mutating func matrix(_ rows: Int, _ columns: Int) -> DenseMatrix {
        var m = DenseMatrix(rows: rows, columns: columns)
        for i in m.storage.indices { m.storage[i] = next() }
        return m
    }
}

func naiveProduct(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
    var c = DenseMatrix(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows { for j in 0..<b.columns {
        var s: Double = 0
        for k in 0..<a.columns { s += Double(a[i, k]) * Double(b[k, j]) }
        c[i, j] = Float(s)
    } }
    return c
}

@Test func gemmMatchesNaiveProductInEveryTransposition() {
    var random = TestRandom(state: 7)
    let a = random.matrix(13, 7), b = random.matrix(7, 11)
    let expected = naiveProduct(a, b)
    #expect(BLAS.multiply(a, b).maxAbsoluteDifference(to: expected) < 1e-5)
    #expect(BLAS.multiply(a.transposed(), b, transposeA: .transpose).maxAbsoluteDifference(to: expected) < 1e-5)
    #expect(BLAS.multiply(a, b.transposed(), transposeB: .transpose).maxAbsoluteDifference(to: expected) < 1e-5)
    #expect(BLAS.multiply(a.transposed(), b.transposed(), transposeA: .transpose, transposeB: .transpose).maxAbsoluteDifference(to: expected) < 1e-5)
}

@Test func syrkFillsUpperTriangleOfGram() {
    var random = TestRandom(state: 3)
    let a = random.matrix(9, 5)  // k x n
    let expected = naiveProduct(a.transposed(), a)
    var c = DenseMatrix(rows: 5, columns: 5)
    a.storage.withUnsafeBufferPointer { pa in
        c.storage.withUnsafeMutableBufferPointer { pc in
            BLAS.syrkTransposed(n: 5, k: 9, a: pa.baseAddress!, lda: 5, c: pc.baseAddress!, ldc: 5)
        }
    }
    for r in 0..<5 { for col in r..<5 { #expect(abs(c[r, col] - expected[r, col]) < 1e-5) } }
}

@Test func dotAxpyAndScale() {
    var x: [Float] = [1, 2, 3], y: [Float] = [4, 5, 6]
    #expect(BLAS.dot(count: 3, x, y) == 32)
    BLAS.axpy(count: 3, alpha: 2, x: x, y: &y)
    #expect(y == [6, 9, 12])
    BLAS.scale(count: 3, alpha: 0.5, x: &x)
    #expect(x == [0.5, 1, 1.5])
}

@Test(arguments: [(1, 4), (7, 4), (30, 8), (100, 32), (65, 64)])
func choleskyInverseTimesMatrixIsIdentity(size: Int, blockSize: Int) throws {
    var random = TestRandom(state: UInt64(size))
    let m = random.matrix(size + 3, size)
    var spd = naiveProduct(m.transposed(), m)
    for i in 0..<size { spd[i, i] += 0.5 }
    var inverse = spd
    try Cholesky.invertSymmetricPositiveDefinite(&inverse, blockSize: blockSize)
    let identity = naiveProduct(spd, inverse)
    for r in 0..<size { for c in 0..<size {
        #expect(abs(identity[r, c] - (r == c ? 1 : 0)) < 2e-3, "entry (\(r), \(c)) of A·A⁻¹")
    } }
    // The inverse is symmetric in both triangles.
    for r in 0..<size { for c in 0..<size { #expect(inverse[r, c] == inverse[c, r]) } }
}

@Test func choleskyRejectsIndefiniteMatrix() {
    var m = DenseMatrix([[1, 2, 0], [2, 1, 0], [0, 0, 1]])
    #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) {
        try Cholesky.invertSymmetricPositiveDefinite(&m, blockSize: 2)
    }
}

@Test func threadCountIsSetAndRestored() {
    let before = BLASThreads.current
    BLASThreads.with(1) { #expect(BLASThreads.current == 1) }
    #expect(BLASThreads.current == before)
}

// /proc/cpuinfo of the Intel Xeon (family 6, model 207) where OpenBLAS 0.3.21 fell back to Prescott, abridged.
private let xeonCPUInfo = """
    processor\t: 0
    vendor_id\t: GenuineIntel
    cpu family\t: 6
    model\t\t: 207
    flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16
    bugs\t\t: spectre_v1
    processor\t: 1
    flags\t\t: fpu sse
    """

@Test func cpuFlagsComeFromTheFirstFlagsLine() {
    let flags = BLASCoreType.cpuFlags(cpuinfo: xeonCPUInfo)
    #expect(flags.count == 16)
    #expect(flags.contains("avx512vl") && flags.contains("fpu") && !flags.contains("spectre_v1"))
    #expect(BLASCoreType.cpuFlags(cpuinfo: "processor : 0\nmodel : 1\n").isEmpty)
}

@Test func theCPUIdentityComesFromTheFirstProcessor() {
    #expect(CPUIdentity.parse(cpuinfo: xeonCPUInfo) == CPUIdentity(vendor: "GenuineIntel", family: 6))
    let epyc = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        cpu family\t: 25
        model\t\t: 17
        processor\t: 1
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        """
    let zen4 = CPUIdentity.parse(cpuinfo: epyc)
    #expect(zen4 == CPUIdentity(vendor: "AuthenticAMD", family: 25))
    #expect(zen4.splitsAVX512Operations)
    #expect(!CPUIdentity.parse(cpuinfo: xeonCPUInfo).splitsAVX512Operations)
    #expect(CPUIdentity.parse(cpuinfo: "processor : 0\ncpu family : x\n") == .unknown)
    #expect(CPUIdentity.parse(cpuinfo: "") == .unknown)
}

@Test func onlyAPrescottFallbackIsCorrectedAndOnlyToKernelsTheCPUCanRun() {
    let xeon = BLASCoreType.cpuFlags(cpuinfo: xeonCPUInfo)
    #expect(BLASCoreType.correction(detected: "Prescott", cpuFlags: xeon) == "SkylakeX")
    #expect(BLASCoreType.correction(detected: "PRESCOTT", cpuFlags: xeon) == "SkylakeX")
    // A recognised core is left alone, whatever the flags.
    #expect(BLASCoreType.correction(detected: "Zen", cpuFlags: xeon) == nil)
    #expect(BLASCoreType.correction(detected: "SkylakeX", cpuFlags: xeon) == nil)
    // Without one of the five AVX-512 subsets SkylakeX's kernels would fault: AVX2 + FMA gives Haswell.
    #expect(BLASCoreType.correction(detected: "Prescott", cpuFlags: xeon.subtracting(["avx512dq"])) == "Haswell")
    #expect(BLASCoreType.correction(detected: "Prescott", cpuFlags: ["sse2", "avx", "avx2"]) == "SandyBridge")
    #expect(BLASCoreType.correction(detected: "Prescott", cpuFlags: ["sse2", "sse3"]) == nil)
    #expect(BLASCoreType.correction(detected: "Prescott", cpuFlags: []) == nil)
}

@Test func environmentAdditionsRespectWhatTheUserSet() {
    let xeon = BLASCoreType.cpuFlags(cpuinfo: xeonCPUInfo)
    func names(_ environment: [String: String], _ core: String) -> [String] {
        BLASEnvironment.additions(environment: environment, detectedCore: core, cpuFlags: xeon).map { "\($0.name)=\($0.value)" }
    }
    #expect(names([:], "Prescott") == ["OPENBLAS_THREAD_TIMEOUT=4", "OPENBLAS_CORETYPE=SkylakeX"])
    #expect(names([:], "Zen") == ["OPENBLAS_THREAD_TIMEOUT=4"])
    #expect(names(["OPENBLAS_THREAD_TIMEOUT": "28"], "Prescott") == ["OPENBLAS_CORETYPE=SkylakeX"])
    // Once both are set (by the user, or by the relaunch itself) nothing is added: no second relaunch.
    #expect(names(["OPENBLAS_THREAD_TIMEOUT": "4", "OPENBLAS_CORETYPE": "Haswell"], "Prescott").isEmpty)
    #expect(!BLASCoreType.current.isEmpty)
}
