import _ELSASupport
extension FixedPatternEmbedding {
    /// Every row scaled to unit L2 norm (`Â = rownorm(A)`), with the norms `‖a_i‖`.
    ///
    /// A row whose values are all zero stays zero and gets norm 0. The norms are
    /// what `backpropagateRowNormalization(gradient:norms:threads:)` needs.
    /// Rows are split across `threads` threads; the result does not depend on
    /// the thread count.
    /// - Precondition: `values.count == itemCount * nonzerosPerRow`, `threads >= 1`.
    public func normalizedRows(threads: Int = KernelThreads.available) -> (normalized: FixedPatternEmbedding, norms: [Float]) {
        checkValueCount()
        var normalized = self
        var norms = [Float](repeating: 0, count: itemCount)
        let perRow = nonzerosPerRow
        let rowCount = itemCount
        let slots = effectiveThreads(threads, workItems: rowCount)
        normalized.values.withUnsafeMutableBufferPointer { valueBuffer in
            norms.withUnsafeMutableBufferPointer { normBuffer in
                let shared = UncheckedSendable((valueBuffer.baseAddress, normBuffer.baseAddress!))
                runSlots(slots) { slot in
                    let (rowValuesBase, normBase) = shared.value
                    guard let rowValuesBase else { return }
                    for row in contiguousShare(of: rowCount, slot: slot, slots: slots) {
                        let rowValues = rowValuesBase + row * perRow
                        let norm = sumOfSquares(rowValues, count: perRow).squareRoot()
                        normBase[row] = norm
                        if norm > 0 {
                            let scale = 1 / norm
                            for j in 0..<perRow { rowValues[j] *= scale }
                        }
                    }
                }
            }
        }
        return (normalized, norms)
    }

    /// The backward pass through row normalization, at the stored entries.
    ///
    /// Call it on the normalized embedding `Â` returned by `normalizedRows`, with
    /// the norms returned alongside. On entry `gradient` holds `dL/dÂ` aligned
    /// with `values`; on return it holds `dL/dA`: for row `a` with `â = a/‖a‖`
    /// and upstream `g`, `(g − â (â·g)) / ‖a‖`. Rows with norm 0 (all-zero rows)
    /// get gradient 0, so they stay zero. Rows are split across `threads`
    /// threads; the result does not depend on the thread count.
    /// - Precondition: `gradient.count == values.count`, `norms.count == itemCount`.
    public func backpropagateRowNormalization(gradient: inout [Float], norms: [Float],
                                              threads: Int = KernelThreads.available) {
        checkValueCount()
        precondition(gradient.count == values.count,
                     "normalization backward needs \(values.count) gradient values, got \(gradient.count)")
        precondition(norms.count == itemCount, "normalization backward needs \(itemCount) norms, got \(norms.count)")
        let perRow = nonzerosPerRow
        let rowCount = itemCount
        let slots = effectiveThreads(threads, workItems: rowCount)
        values.withUnsafeBufferPointer { valueBuffer in
            norms.withUnsafeBufferPointer { normBuffer in
                gradient.withUnsafeMutableBufferPointer { gradientBuffer in
                    let shared = UncheckedSendable((valueBuffer.baseAddress, normBuffer.baseAddress!, gradientBuffer.baseAddress))
                    runSlots(slots) { slot in
                        let (valueBase, normBase, gradientBase) = shared.value
                        guard let valueBase, let gradientBase else { return }
                        for row in contiguousShare(of: rowCount, slot: slot, slots: slots) {
                            let unit = valueBase + row * perRow
                            let upstream = gradientBase + row * perRow
                            let norm = normBase[row]
                            if norm > 0 {
                                let projection = dotProduct(unit, upstream, count: perRow)
                                let scale = 1 / norm
                                for j in 0..<perRow { upstream[j] = (upstream[j] - unit[j] * projection) * scale }
                            } else {
                                for j in 0..<perRow { upstream[j] = 0 }
                            }
                        }
                    }
                }
            }
        }
    }

    func checkValueCount() {
        precondition(values.count == itemCount * nonzerosPerRow,
                     "embedding values changed count: \(values.count), needed \(itemCount * nonzerosPerRow)")
    }
}

/// Σ x_j² with eight SIMD lanes and a scalar tail (fixed order for a given count).
@inline(__always)
func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>.zero
    var j = 0
    while j + 8 <= count {
        let v = loadVector8(x + j)
        lanes += v * v
        j += 8
    }
    var total = lanes.sum()
    while j < count { total += x[j] * x[j]; j += 1 }
    return total
}

/// Σ x_j y_j with eight SIMD lanes and a scalar tail (fixed order for a given count).
@inline(__always)
func dotProduct(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>.zero
    var j = 0
    while j + 8 <= count {
        lanes += loadVector8(x + j) * loadVector8(y + j)
        j += 8
    }
    var total = lanes.sum()
    while j < count { total += x[j] * y[j]; j += 1 }
    return total
}
