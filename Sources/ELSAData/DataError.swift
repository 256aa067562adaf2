/// Bad input at the data boundary. Every case names the file; line-level cases name the line (1-based).
public enum DataError: Error, CustomStringConvertible, Equatable {
    case cannotRead(file: String, reason: String)
    case emptyFile(file: String)
    case malformedLine(file: String, line: Int, reason: String)
    case nothingLeftAfterFiltering(file: String, reason: String)
    case badCache(file: String, reason: String)
    case unknownFormat(String)

    public var description: String {
        switch self {
        case .cannotRead(let file, let reason): return "\(file): cannot read: \(reason)"
        case .emptyFile(let file): return "\(file): the file is empty (no interactions)"
        case .malformedLine(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .nothingLeftAfterFiltering(let file, let reason): return "\(file): nothing left after filtering: \(reason)"
        case .badCache(let file, let reason): return "\(file): not a valid interaction cache: \(reason)"
        case .unknownFormat(let name): return "unknown data format '\(name)'"
        }
    }
}
