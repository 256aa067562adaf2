import Foundation

extension InteractionCache {
    /// Whether the file at `path` starts as an interaction cache does (its magic number), whatever its
    /// state otherwise: a stale cache may be rebuilt in place, any other file must not be overwritten.
    public static func looksLikeCache(atPath path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: magic.count)) ?? Data()
        return head.elementsEqual(magic)
    }
}
