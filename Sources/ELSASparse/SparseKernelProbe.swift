import ELSALinearAlgebra

/// A hand-run throughput probe of the sparse training kernels against one
/// dense `cblas_sgemm` of the same shape, on random data shaped like a
/// training batch. Not a test: it measures wall-clock time, which depends on
/// the machine, its load and the compiler flags (build with `-c release` and
/// `-Xcc -march=x86-64-v3 -Xswiftc -target-cpu -Xswiftc haswell` to get AVX2;
/// Swift 6.3 rejects `-target-cpu x86-64-v3`). Call it from a benchmark or a
/// scratch executable.
public enum SparseKernelProbe {
    /// Seconds of one call of each kernel at one `k` (best of the repetitions).
    public struct Timing: Sendable, CustomStringConvertible {
        public let nonzerosPerRow: Int
        public let topKSeconds: Double
        public let normalizationSeconds: Double
        public let inputProductSeconds: Double
        public let outputProductSeconds: Double
        public let outputGradientSeconds: Double
        public let hiddenGradientSeconds: Double
        public let inputGradientSeconds: Double
        /// Useful flops of each of the three `n_out · k · b` kernels: `2 · n_out · k · b`.
        public let usefulFlops: Double

        public var outputProductGigaflops: Double { usefulFlops / outputProductSeconds / 1e9 }
        public var outputGradientGigaflops: Double { usefulFlops / outputGradientSeconds / 1e9 }
        public var hiddenGradientGigaflops: Double { usefulFlops / hiddenGradientSeconds / 1e9 }

        public var description: String {
            let f = SparseKernelProbe.rounded
            return "k \(nonzerosPerRow): output product \(f(outputProductSeconds)) s (\(f(outputProductGigaflops)) GFLOP/s), "
                + "output gradient \(f(outputGradientSeconds)) s (\(f(outputGradientGigaflops)) GFLOP/s), "
                + "hidden gradient \(f(hiddenGradientSeconds)) s (\(f(hiddenGradientGigaflops)) GFLOP/s), "
                + "input product \(f(inputProductSeconds)) s, input gradient \(f(inputGradientSeconds)) s, "
                + "top-k \(f(topKSeconds)) s, normalization \(f(normalizationSeconds)) s"
        }
    }

    /// The probe's measurements.
    public struct Report: Sendable, CustomStringConvertible {
        public let users: Int
        public let dimension: Int
        public let outputCount: Int
        public let threads: Int
        /// One `(b x d) · (d x n_out)` sgemm with `threads` BLAS threads.
        public let denseSeconds: Double
        public var denseGigaflops: Double { 2 * Double(users) * Double(dimension) * Double(outputCount) / denseSeconds / 1e9 }
        public let timings: [Timing]

        public var description: String {
            let f = SparseKernelProbe.rounded
            var lines = ["b \(users), d \(dimension), n_out \(outputCount), threads \(threads): dense sgemm \(f(denseSeconds)) s "
                         + "(\(f(denseGigaflops)) GFLOP/s)"]
            for timing in timings { lines.append("  " + timing.description) }
            return lines.joined(separator: "\n")
        }
    }

    /// Measures the kernels at each `k` of `nonzeroCounts` on `users x dimension`
    /// hidden states and `outputCount` output items (all items are outputs),
    /// with about `itemsPerUser` items in each user's history. Memory: about
    /// `outputCount · (dimension + 3 · users + 16 · k) · 4` bytes.
    /// - Precondition: positive sizes; every `k` in `1...dimension`.
    public static func run(users: Int = 1024, dimension: Int = 4096, outputCount: Int = 25_000,
                           nonzeroCounts: [Int] = [16, 64, 256, 1024], itemsPerUser: Int = 50,
                           threads: Int = KernelThreads.available, repetitions: Int = 2, seed: UInt64 = 1) -> Report {
        precondition(users > 0 && dimension > 0 && outputCount > 0 && repetitions > 0, "probe sizes must be positive")
        var state = seed
        func nextUniform() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
        }
        let weights = DenseMatrix(rows: outputCount, columns: dimension,
                                  storage: (0..<(outputCount * dimension)).map { _ in nextUniform() })
        let hidden = DenseMatrix(rows: users, columns: dimension, storage: (0..<(users * dimension)).map { _ in nextUniform() })
        let upstreamTransposed = DenseMatrix(rows: outputCount, columns: users,
                                             storage: (0..<(outputCount * users)).map { _ in nextUniform() })
        let batch = CSRMatrix(rows: users, columns: outputCount, binaryRows: (0..<users).map { _ in
            (0..<itemsPerUser).map { _ in Int32(truncatingIfNeeded: Int(abs(nextUniform()) * Float(outputCount - 1))) }
        })
        let batchTransposed = batch.transposed()
        let outputs = OutputItemSelection(allItemsOf: outputCount)

        var product = DenseMatrix(rows: users, columns: outputCount)
        let denseSeconds = BLASThreads.with(threads) {
            best(of: repetitions) {
                hidden.storage.withUnsafeBufferPointer { a in
                    weights.storage.withUnsafeBufferPointer { b in
                        product.storage.withUnsafeMutableBufferPointer { c in
                            BLAS.gemm(.none, .transpose, m: users, n: outputCount, k: dimension,
                                      a: a.baseAddress!, lda: dimension, b: b.baseAddress!, ldb: dimension,
                                      c: c.baseAddress!, ldc: outputCount)
                        }
                    }
                }
            }
        }

        var timings: [Timing] = []
        BLASThreads.with(1) {
            for k in nonzeroCounts {
                precondition(k >= 1 && k <= dimension, "probe k must be in 1...\(dimension), got \(k)")
                let (embedding, topKSeconds) = timed {
                    FixedPatternEmbedding(topKOf: weights, nonzerosPerRow: k, threads: threads)
                }
                let ((normalized, _), normalizationSeconds) = timed { embedding.normalizedRows(threads: threads) }
                var hiddenTransposed = DenseMatrix(rows: dimension, columns: users)
                let inputSeconds = best(of: repetitions) {
                    normalized.inputProduct(batch: batch, into: &hiddenTransposed, threads: threads)
                }
                var predictionsTransposed = DenseMatrix(rows: outputCount, columns: users)
                let outputSeconds = best(of: repetitions) {
                    normalized.outputProduct(outputs: outputs, hiddenTransposed: hiddenTransposed,
                                             into: &predictionsTransposed, threads: threads)
                }
                var gradient = [Float](repeating: 0, count: normalized.values.count)
                let outputGradientSeconds = best(of: repetitions) {
                    normalized.accumulateOutputGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                                        hiddenTransposed: hiddenTransposed, into: &gradient, threads: threads)
                }
                var hiddenGradientTransposed = DenseMatrix(rows: dimension, columns: users)
                let hiddenGradientSeconds = best(of: repetitions) {
                    normalized.hiddenGradient(outputs: outputs, upstreamTransposed: upstreamTransposed,
                                              into: &hiddenGradientTransposed, threads: threads)
                }
                let inputGradientSeconds = best(of: repetitions) {
                    normalized.accumulateInputGradient(batchTransposed: batchTransposed,
                                                       hiddenGradientTransposed: hiddenGradientTransposed,
                                                       into: &gradient, threads: threads)
                }
                timings.append(Timing(nonzerosPerRow: k, topKSeconds: topKSeconds, normalizationSeconds: normalizationSeconds,
                                      inputProductSeconds: inputSeconds,
                                      outputProductSeconds: outputSeconds, outputGradientSeconds: outputGradientSeconds,
                                      hiddenGradientSeconds: hiddenGradientSeconds, inputGradientSeconds: inputGradientSeconds,
                                      usefulFlops: 2 * Double(outputCount) * Double(k) * Double(users)))
            }
        }
        return Report(users: users, dimension: dimension, outputCount: outputCount, threads: threads,
                      denseSeconds: denseSeconds, timings: timings)
    }

    /// `x` with three decimals, for the reports.
    static func rounded(_ x: Double) -> String { String(Double(Int(x * 1000 + 0.5)) / 1000) }

    /// The result of `body` and its wall-clock time in seconds.
    static func timed<T>(_ body: () -> T) -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = body()
        let elapsed = clock.now - start
        return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// The shortest wall-clock time of `repetitions` runs of `body`, in seconds.
    static func best(of repetitions: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var shortest = Double.infinity
        for _ in 0..<repetitions {
            let elapsed = clock.measure(body)
            shortest = min(shortest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return shortest
    }
}
