#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks the lines of a byte buffer with `memchr`, counting them from 1.
///
/// A line is `start ..< end` without its `\n` and without a trailing `\r`
/// (CRLF files read like LF files). A last line without a newline is a line;
/// nothing after a final newline is.
struct LineCursor {
    let base: UnsafePointer<UInt8>
    let count: Int
    private(set) var position = 0
    /// 1-based number of the line last returned by `next()`.
    private(set) var lineNumber = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always)
    mutating func next() -> (start: Int, end: Int)? {
        guard position < count else { return nil }
        let start = position
        var end: Int
        if let found = memchr(base + start, Int32(ByteParsing.newline), count - start) {
            end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            position = end + 1
        } else {
            end = count
            position = count
        }
        if end > start && base[end - 1] == ByteParsing.carriageReturn { end -= 1 }
        lineNumber += 1
        return (start, end)
    }

    /// Whether `start ..< end` holds only spaces, tabs and carriage returns.
    @inline(__always)
    func isBlank(_ start: Int, _ end: Int) -> Bool {
        var position = start
        while position < end {
            if !ByteParsing.isBlank(base[position]) { return false }
            position += 1
        }
        return true
    }
}
