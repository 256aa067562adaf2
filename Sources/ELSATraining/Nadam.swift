import Foundation

/// Nadam hyper-parameters. Defaults are Keras 3's.
public struct NadamConfiguration: Sendable, Equatable, Codable {
    public var learningRate: Float = 0.1
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-7
    /// Exponent scale of the momentum schedule μ_t = β1 (1 − 0.5 · 0.96^(scale · t)).
    /// Keras 3's code uses 1 (0.96^t); Keras 2 and the original Nadam paper use 0.004.
    public var momentumDecayScale: Double = 1

    public init(learningRate: Float = 0.1, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                momentumDecayScale: Double = 1) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.momentumDecayScale = momentumDecayScale
    }
}

/// Nadam state for one flat parameter array, with Keras 3's update rule:
///
///     m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²
///     m̂ = μ_{t+1} m / (1 − Π_{s≤t+1} μ_s) + (1 − μ_t) g / (1 − Π_{s≤t} μ_s)
///     v̂ = v / (1 − β2^t),      θ ← θ − lr · m̂ / (√v̂ + ε)
///
/// The step counter t is global (one per optimizer step, as Keras counts batches);
/// moments are per element. Only the elements a step passes are updated (lazy rows:
/// a row outside the batch's output columns keeps its moments and value), which
/// equals Keras whenever every row gets a gradient (all items as output).
public final class Nadam: @unchecked Sendable {
    public let configuration: NadamConfiguration
    public private(set) var momentum: [Float]
    public private(set) var velocity: [Float]
    /// Steps taken so far.
    public private(set) var iterations: Int = 0
    /// The running product of the momentum coefficients μ_1 ⋯ μ_t (Nadam's bias correction).
    public private(set) var momentumProduct: Double = 1
    /// Factor on the configured learning rate in the steps to come (a learning-rate schedule sets it;
    /// 1 by default). Not part of the optimizer's saved state: the schedule sets it again.
    public var learningRateScale: Double = 1

    /// The coefficients of one step, shared by all the elements it updates.
    public struct StepCoefficients: Sendable {
        public let learningRate: Float, beta1: Float, beta2: Float, epsilon: Float
        /// Factor on m in m̂, factor on g in m̂, 1 / (1 − β2^t).
        public let momentumWeight: Float, gradientWeight: Float, velocityCorrection: Float
    }

    public init(parameterCount: Int, configuration: NadamConfiguration = NadamConfiguration()) {
        self.configuration = configuration
        momentum = [Float](repeating: 0, count: parameterCount)
        velocity = [Float](repeating: 0, count: parameterCount)
    }

    public var parameterCount: Int { momentum.count }

    /// Advances the step counter and returns the coefficients of this step.
    public func beginStep() -> StepCoefficients {
        let c = configuration
        let t = Double(iterations + 1)
        let beta1 = Double(c.beta1)
        let muT = beta1 * (1 - 0.5 * pow(0.96, c.momentumDecayScale * t))
        let muNext = beta1 * (1 - 0.5 * pow(0.96, c.momentumDecayScale * (t + 1)))
        momentumProduct *= muT
        let productNext = momentumProduct * muNext
        iterations += 1
        return StepCoefficients(
            learningRate: Float(Double(c.learningRate) * learningRateScale),  // exact at scale 1
            beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon,
            momentumWeight: Float(muNext / (1 - productNext)),
            gradientWeight: Float((1 - muT) / (1 - momentumProduct)),
            velocityCorrection: Float(1 / (1 - pow(Double(c.beta2), t))))
    }

    /// Applies one step to `count` parameters starting at flat index `offset`, whose
    /// gradients are `gradient[0..<count]`. Not for concurrent use (it takes the moment
    /// arrays mutably); parallel callers use `withMoments` once and `kernel` on disjoint ranges.
    @inline(__always)
    public func update(parameters: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                       offset: Int, count: Int, coefficients k: StepCoefficients) {
        momentum.withUnsafeMutableBufferPointer { m in
            velocity.withUnsafeMutableBufferPointer { v in
                Nadam.kernel(parameters: parameters, gradient: gradient,
                             momentum: m.baseAddress! + offset, velocity: v.baseAddress! + offset,
                             count: count, coefficients: k)
            }
        }
    }

    /// Pointers to the moment arrays for callers that parallelize over disjoint ranges.
    /// Valid only inside `body`; no other call on this optimizer may run meanwhile.
    public func withMoments<T>(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> T) rethrows -> T {
        try momentum.withUnsafeMutableBufferPointer { m in
            try velocity.withUnsafeMutableBufferPointer { v in try body(m.baseAddress!, v.baseAddress!) }
        }
    }

    /// The elementwise Nadam update on raw pointers (SIMD8 lanes, the same operations per
    /// element as the scalar formula above, bit for bit; see `simdKernel`).
    @inline(__always)
    public static func kernel(parameters: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                              momentum: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
                              count: Int, coefficients k: StepCoefficients) {
        simdKernel(parameters: parameters, gradient: gradient, momentum: momentum, velocity: velocity,
                   count: count, coefficients: k)
    }

    /// The scalar form of the update (the reference the SIMD kernel matches bit for bit).
    @inline(__always)
    public static func scalarKernel(parameters: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                                    momentum: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
                                    count: Int, coefficients k: StepCoefficients) {
        let oneMinusBeta1 = 1 - k.beta1, oneMinusBeta2 = 1 - k.beta2
        for i in 0..<count {
            let g = gradient[i]
            let m = k.beta1 * momentum[i] + oneMinusBeta1 * g
            let v = k.beta2 * velocity[i] + oneMinusBeta2 * g * g
            momentum[i] = m
            velocity[i] = v
            let mHat = k.momentumWeight * m + k.gradientWeight * g
            let vHat = v * k.velocityCorrection
            parameters[i] -= k.learningRate * mHat / (vHat.squareRoot() + k.epsilon)
        }
    }

    /// A fresh optimizer again (zero moments, step counter 0), reusing the moment arrays:
    /// the dense-path stages of a schedule restart an optimizer of the same size, and
    /// allocating 2 x 4 B per parameter anew (800 MB at 25k x 4096) costs page faults.
    public func reset() {
        momentum.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        velocity.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        iterations = 0
        momentumProduct = 1
    }

    /// An optimizer in a saved state (a checkpoint's moments, step counter and momentum product).
    /// - Precondition: `momentum` and `velocity` have the same length.
    public convenience init(configuration: NadamConfiguration, momentum: [Float], velocity: [Float],
                            iterations: Int, momentumProduct: Double) {
        precondition(momentum.count == velocity.count, "Nadam moments of \(momentum.count) and \(velocity.count) values")
        self.init(parameterCount: 0, configuration: configuration)
        self.momentum = momentum
        self.velocity = velocity
        self.iterations = iterations
        self.momentumProduct = momentumProduct
    }

    /// An independent copy (moments, step counter).
    public func copy() -> Nadam {
        let twin = Nadam(parameterCount: 0, configuration: configuration)
        twin.momentum = momentum
        twin.velocity = velocity
        twin.iterations = iterations
        twin.momentumProduct = momentumProduct
        return twin
    }

    /// Keeps the moments of the elements `keep` (indices into this optimizer's array; −1 for
    /// a new element with zero moments) in a new optimizer of `keep.count` parameters, with
    /// the same step counter. Used to carry state over the surviving entries when a sparse
    /// pattern shrinks.
    public func carryingOver(_ keep: [Int]) -> Nadam {
        let next = Nadam(parameterCount: keep.count, configuration: configuration)
        for (position, index) in keep.enumerated() where index >= 0 {
            next.momentum[position] = momentum[index]
            next.velocity[position] = velocity[index]
        }
        next.iterations = iterations
        next.momentumProduct = momentumProduct
        return next
    }
}
