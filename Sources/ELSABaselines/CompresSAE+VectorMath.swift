/// Vector loops of the CompresSAE kernels on raw pointers. Plain loops that the compiler
/// vectorizes (BLAS level 1 is avoided inside Dispatch workers: no nested threading).
enum CompresSAEVectorMath {
    /// x · y with four SIMD8 accumulators (a scalar sum chain would not vectorize: the
    /// compiler keeps the order of float additions).
    @inline(__always)
    static func dot(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        let rawX = UnsafeRawPointer(x), rawY = UnsafeRawPointer(y)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i + 32 <= count {
            let offset = i * MemoryLayout<Float>.stride
            s0 += rawX.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * rawY.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            s1 += rawX.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                * rawY.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
            s2 += rawX.loadUnaligned(fromByteOffset: offset + 64, as: SIMD8<Float>.self)
                * rawY.loadUnaligned(fromByteOffset: offset + 64, as: SIMD8<Float>.self)
            s3 += rawX.loadUnaligned(fromByteOffset: offset + 96, as: SIMD8<Float>.self)
                * rawY.loadUnaligned(fromByteOffset: offset + 96, as: SIMD8<Float>.self)
            i += 32
        }
        while i + 8 <= count {
            let offset = i * MemoryLayout<Float>.stride
            s0 += rawX.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * rawY.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            i += 8
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            sum += x[i] * y[i]
            i += 1
        }
        return sum
    }

    /// x *= alpha.
    @inline(__always)
    static func scale(_ count: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        for i in 0..<count { x[i] *= alpha }
    }

    /// target = source / ‖source‖ (a zero row stays zero); returns ‖source‖.
    @inline(__always)
    static func copyNormalized(_ count: Int, from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>) -> Float {
        target.update(from: source, count: count)
        let norm = dot(count, target, target).squareRoot()
        if norm > 0 { scale(count, 1 / norm, target) }
        return norm
    }

    /// y += alpha · x.
    @inline(__always)
    static func axpy(_ count: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<count { y[i] += alpha * x[i] }
    }

    /// 1 − cos(x, x̂) for a unit (or zero) `unit` = x / ‖x‖; 1 when x̂ = 0.
    @inline(__always)
    static func cosineLoss(_ count: Int, unit: UnsafePointer<Float>, _ xHat: UnsafePointer<Float>) -> Float {
        let norm = dot(count, xHat, xHat).squareRoot()
        return norm > 0 ? 1 - dot(count, unit, xHat) / norm : 1
    }

    /// 1 − cos(x, x̂) and `scale` · d(1 − cos)/dx̂ = −scale · (x̃ − x̂̂ (x̂̂·x̃)) / ‖x̂‖ into `gradient`
    /// (zero when x̂ = 0, where the loss is 1 and has no gradient).
    @inline(__always)
    static func cosineLossGradient(_ count: Int, unit: UnsafePointer<Float>, _ xHat: UnsafePointer<Float>, scale: Float,
                                   into gradient: UnsafeMutablePointer<Float>) -> Float {
        let norm = dot(count, xHat, xHat).squareRoot()
        guard norm > 0 else {
            gradient.initialize(repeating: 0, count: count)
            return 1
        }
        let cosine = dot(count, unit, xHat) / norm
        let inverse = 1 / norm
        let along = cosine * inverse
        for i in 0..<count { gradient[i] = -scale * (unit[i] - xHat[i] * along) * inverse }
        return 1 - cosine
    }
}
