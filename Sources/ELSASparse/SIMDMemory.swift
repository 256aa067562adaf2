/// Unaligned SIMD loads and stores on `Float` buffers (internal helpers of the kernels).
///
/// The kernels write `a += w * x` on SIMD vectors rather than `addingProduct`:
/// without CPU flags the latter becomes a library call per lane (see PLATFORM.md).

@inline(__always)
func loadVector8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func storeVector8(_ vector: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: SIMD8<Float>.self)
}
