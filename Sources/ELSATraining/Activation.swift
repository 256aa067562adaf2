/// The nonlinearity applied to the training prediction P = x Â Âᵀ − x.
public enum Activation: String, Sendable, Codable, CaseIterable {
    /// max(P, 0).
    case relu
    /// min(max(P, 0), 6): what the authors' sparse training step uses.
    case relu6

    /// The activated value and whether the gradient passes (strictly inside the linear range).
    @inline(__always)
    func apply(_ p: Float) -> (value: Float, passes: Bool) {
        switch self {
        case .relu: return p > 0 ? (p, true) : (0, false)
        case .relu6: return p <= 0 ? (0, false) : (p >= 6 ? (6, false) : (p, true))
        }
    }
}
