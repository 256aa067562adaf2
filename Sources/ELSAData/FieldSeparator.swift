/// How the fields of a delimited (`csv`) line are separated.
public enum FieldSeparator: Sendable, Equatable, CustomStringConvertible {
    /// A literal byte sequence, matched exactly (`","`, `"\t"`, `"::"`, `";"`).
    /// Empty fields between two separators are fields (and then malformed ids).
    case literal(String)
    /// Any run of spaces and tabs; leading and trailing blanks are ignored.
    case whitespace

    public static let comma = FieldSeparator.literal(",")
    public static let tab = FieldSeparator.literal("\t")

    /// Parses a command-line spelling: `comma`, `tab` or `\t`, `semicolon`,
    /// `space` or `whitespace`, otherwise the text itself as a literal separator.
    /// Returns `nil` for an empty string.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "": return nil
        case "comma", ",": self = .comma
        case "tab", "\\t", "\t": self = .tab
        case "semicolon": self = .literal(";")
        case "space", "whitespace", " ": self = .whitespace
        default: self = .literal(argument)
        }
    }

    public var description: String {
        switch self {
        case .literal(let text): return text == "\t" ? "tab" : "'\(text)'"
        case .whitespace: return "whitespace"
        }
    }
}
