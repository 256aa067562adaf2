/// Bad input at the data boundary. Every case names the file; line-level cases name the line (1-based).
///
/// Every reader, the preprocessing step and the cache throw only this type,
/// so callers can catch it and print `description` (`file:line: reason`).
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path is missing, a folder where a file was needed (or the reverse), or unreadable.
    case cannotRead(file: String, reason: String)
    /// Writing (the cache) failed; nothing was replaced.
    case cannotWrite(file: String, reason: String)
    /// The file holds no interaction (zero bytes, only blank lines, or only a header).
    case emptyFile(file: String)
    /// Line `line` (1-based) can not be read: wrong field count, a non-numeric rating, a bad count.
    case malformedLine(file: String, line: Int, reason: String)
    /// Thresholding and support filtering removed every interaction.
    case nothingLeftAfterFiltering(file: String, reason: String)
    /// The cache file is truncated, corrupted, or of another version.
    case badCache(file: String, reason: String)
    /// A format name that is not a `DataFormat` raw value.
    case unknownFormat(String)

    public var description: String {
        switch self {
        case .cannotRead(let file, let reason): return "\(file): cannot read: \(reason)"
        case .cannotWrite(let file, let reason): return "\(file): cannot write: \(reason)"
        case .emptyFile(let file): return "\(file): the file is empty (no interactions)"
        case .malformedLine(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .nothingLeftAfterFiltering(let file, let reason): return "\(file): nothing left after filtering: \(reason)"
        case .badCache(let file, let reason): return "\(file): not a valid interaction cache: \(reason)"
        case .unknownFormat(let name): return "unknown data format '\(name)'"
        }
    }
}
