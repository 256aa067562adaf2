import Foundation

/// An output path that would destroy a file the run reads or writes for another purpose.
public struct OutputPathError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// Checks a command's output paths before anything is written: an output must not be one of the run's
/// inputs (a data file, a model it reads), another of its outputs, or a folder.
public enum OutputPaths {
    /// `path` made absolute, `.` and `..` removed and symlinks resolved for the part that exists (the
    /// deepest existing ancestor is resolved; the rest is appended), so that two spellings of one file compare equal.
    public static func resolved(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: url.path), url.path != "/" {
            missing.insert(url.lastPathComponent, at: 0)
            url = url.deletingLastPathComponent()
        }
        var result = url.resolvingSymlinksInPath()
        for component in missing { result.appendPathComponent(component) }
        return result.standardizedFileURL.path
    }

    /// The files a data path stands for: the path itself, and for a folder every regular file directly in it
    /// (the readers take a folder's `train.txt`, `ratings.csv`, `users.dat`, ... from there).
    public static func dataFiles(_ path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return [path] + names.map { (path as NSString).appendingPathComponent($0) }
    }

    /// Refuses, before anything is written: an output that names a folder (or ends in `/`), an output that is
    /// one of `inputs`, and two outputs that are one file. Each pair is (flag or role, path); nil paths are skipped.
    /// - Throws: `OutputPathError` naming both flags and the file.
    public static func check(inputs: [(String, String?)], outputs: [(String, String?)]) throws {
        let givenInputs = inputs.compactMap { role, path in path.map { (role, resolved($0)) } }
        var seen: [(String, String)] = []
        for (role, path) in outputs {
            guard let path else { continue }
            var isFolder: ObjCBool = false
            if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue) {
                throw OutputPathError(message: "\(path) (\(role)) is a folder; name a file")
            }
            let target = resolved(path)
            if let input = givenInputs.first(where: { $0.1 == target }) {
                throw OutputPathError(message: "\(path) (\(role)) is also \(input.0), which this run reads; writing it would destroy it: name another file")
            }
            if let other = seen.first(where: { $0.1 == target }) {
                throw OutputPathError(message: "\(path) is named by both \(other.0) and \(role); one would overwrite the other: name two files")
            }
            seen.append((role, target))
        }
    }
}
