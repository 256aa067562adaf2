extension Nadam {
    /// `Nadam.kernel` with SIMD8 lanes: the same operations in the same order on each
    /// element, so the same bits (the scalar kernel does not vectorize: its square root
    /// keeps a branch for negative inputs). The tail below a multiple of 8 runs `scalarKernel`.
    @inline(__always)
    public static func simdKernel(parameters: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                           momentum: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
                           count: Int, coefficients k: Nadam.StepCoefficients) {
        typealias Lanes = SIMD8<Float>
        let width = Lanes.scalarCount
        let beta1 = Lanes(repeating: k.beta1), beta2 = Lanes(repeating: k.beta2)
        let oneMinusBeta1 = Lanes(repeating: 1 - k.beta1), oneMinusBeta2 = Lanes(repeating: 1 - k.beta2)
        let momentumWeight = Lanes(repeating: k.momentumWeight), gradientWeight = Lanes(repeating: k.gradientWeight)
        let velocityCorrection = Lanes(repeating: k.velocityCorrection)
        let learningRate = Lanes(repeating: k.learningRate), epsilon = Lanes(repeating: k.epsilon)
        let rawParameters = UnsafeMutableRawPointer(parameters), rawGradient = UnsafeRawPointer(gradient)
        let rawMomentum = UnsafeMutableRawPointer(momentum), rawVelocity = UnsafeMutableRawPointer(velocity)
        var i = 0
        while i + width <= count {
            let offset = i * MemoryLayout<Float>.stride
            let g = rawGradient.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            let m = beta1 * rawMomentum.loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusBeta1 * g
            let v = beta2 * rawVelocity.loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusBeta2 * g * g
            rawMomentum.storeBytes(of: m, toByteOffset: offset, as: Lanes.self)
            rawVelocity.storeBytes(of: v, toByteOffset: offset, as: Lanes.self)
            let mHat = momentumWeight * m + gradientWeight * g
            let vHat = v * velocityCorrection
            let p = rawParameters.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            rawParameters.storeBytes(of: p - learningRate * mHat / (vHat.squareRoot() + epsilon),
                                     toByteOffset: offset, as: Lanes.self)
            i += width
        }
        if i < count {
            scalarKernel(parameters: parameters + i, gradient: gradient + i, momentum: momentum + i, velocity: velocity + i,
                   count: count - i, coefficients: k)
        }
    }
}
