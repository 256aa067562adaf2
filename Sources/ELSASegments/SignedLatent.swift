/// A latent dimension of an item embedding together with a sign: `+12` is "a positive
/// weight on latent 12", `-7` "a negative weight on latent 7".
///
/// Written (`description`, reports, `init?(_:)`) as the sign character followed by the
/// 0-based latent index: `"+0"`, `"-7"`, `"+12"`. The sign is always written, so latent 0
/// is unambiguous (`"+0"` and `"-0"` differ). Ordered by latent index, then `+` before `-`.
public struct SignedLatent: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The sign of an embedding weight.
    public enum Sign: String, Sendable, Codable, Hashable {
        case positive = "+"
        case negative = "-"

        /// The sign of a nonzero value (`.positive` for +0 and NaN, which callers exclude).
        public init(of value: Float) { self = value < 0 ? .negative : .positive }

        /// +1 or −1.
        public var unit: Float { self == .positive ? 1 : -1 }

        /// The other sign.
        public var opposite: Sign { self == .positive ? .negative : .positive }
    }

    /// 0-based latent dimension index.
    public var latent: Int
    public var sign: Sign

    public init(latent: Int, sign: Sign) {
        self.latent = latent
        self.sign = sign
    }

    /// The signed latent of a nonzero embedding weight at `latent`.
    public init(latent: Int, value: Float) {
        self.init(latent: latent, sign: Sign(of: value))
    }

    /// Parses `"+12"` or `"-7"`; nil for anything else (a missing sign, spaces, a negative index).
    public init?(_ text: String) {
        guard let first = text.first, let sign = Sign(rawValue: String(first)) else { return nil }
        let digits = text.dropFirst()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(digits) else { return nil }
        self.init(latent: index, sign: sign)
    }

    /// A dense index for tables over all signed latents: `2·latent` for `+`, `2·latent + 1` for `-`.
    public var slot: Int { 2 * latent + (sign == .positive ? 0 : 1) }

    /// The signed latent of `slot` (the inverse of `slot`).
    public init(slot: Int) {
        self.init(latent: slot / 2, sign: slot % 2 == 0 ? .positive : .negative)
    }

    public var description: String { sign.rawValue + String(latent) }

    public static func < (lhs: SignedLatent, rhs: SignedLatent) -> Bool { lhs.slot < rhs.slot }
}
