import Foundation
import Testing
@testable import ELSAData
import _ELSASupport

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("elsa-data-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` (sub-folders are created) and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The `(file, line, reason)` of the `DataError.malformedLine` that `body` throws, or `nil`.
func malformedLine(_ body: () throws -> Any) -> (file: String, line: Int, reason: String)? {
    do {
        _ = try body()
    } catch DataError.malformedLine(let file, let line, let reason) {
        return (file, line, reason)
    } catch {
        return nil
    }
    return nil
}

/// The error `body` throws as a `DataError`, or `nil`.
func dataError(_ body: () throws -> Any) -> DataError? {
    do {
        _ = try body()
    } catch let error as DataError {
        return error
    } catch {
        return nil
    }
    return nil
}

/// The records of `raw` as (user id, item id) string pairs, in file order.
func pairs(_ raw: RawInteractions) -> [[String]] {
    (0..<raw.count).map { [raw.userIDs[Int(raw.userIndices[$0])], raw.itemIDs[Int(raw.itemIndices[$0])]] }
}

/// Each user's item ids, as a dictionary keyed by user id.
func itemsByUser(_ dataset: InteractionDataset) -> [String: [String]] {
    var result: [String: [String]] = [:]
    for row in 0..<dataset.userCount {
        result[dataset.userIDs[row]] = dataset.interactions.columns(ofRow: row).map { dataset.itemIDs[Int($0)] }
    }
    return result
}
