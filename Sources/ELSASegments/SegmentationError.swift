/// Bad arguments given to segment building, scoring, homepages and their evaluation.
public enum SegmentationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A count or threshold outside its range; the message names the argument, its value and the range.
    case invalidArgument(String)
    /// Two inputs that must agree on their number of items do not.
    case itemCountMismatch(expected: Int, got: Int, what: String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        case .itemCountMismatch(let expected, let got, let what):
            return "\(what) has \(got) items, expected \(expected)"
        }
    }
}
