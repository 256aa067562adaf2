import Foundation
import ELSAData
import ELSASparse
import _ELSASupport

/// User histories for `recommend`: one user per line, `label item item ...`, items by their original ids.
public struct UserHistoryFile: Sendable {
    public var labels: [String]
    /// users x items (the model's item order).
    public var matrix: CSRMatrix
    /// Unknown item ids, with file and line (they are skipped, never silently).
    public var warnings: [String]

    /// Parses `path` against the model's `itemIDs`.
    /// - Throws: `DataError` for a missing or empty file, or a line with a label and no items.
    public static func read(_ path: String, itemIDs: [String]) throws -> UserHistoryFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.cannotRead(file: path, reason: "no such file or not readable")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, itemIDs: itemIDs)
    }

    /// Parses text (file name used in messages).
    public static func parse(_ text: String, file: String, itemIDs: [String]) throws -> UserHistoryFile {
        var index = [String: Int32]()
        for (position, id) in itemIDs.enumerated() { index[id] = Int32(position) }
        var labels: [String] = [], rows: [[Int32]] = [], warnings: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            guard fields.count >= 2 else {
                throw DataError.malformedLine(file: file, line: number + 1, reason: "expected 'label item item ...', got '\(trimmed)'")
            }
            var row: [Int32] = []
            for id in fields.dropFirst() {
                if let item = index[id] { row.append(item) } else {
                    warnings.append("\(file):\(number + 1): item '\(id)' is not in the model; skipped")
                }
            }
            labels.append(fields[0])
            rows.append(row)
        }
        if labels.isEmpty { throw DataError.emptyFile(file: file) }
        return UserHistoryFile(labels: labels, matrix: CSRMatrix(rows: rows.count, columns: itemIDs.count, binaryRows: rows),
                               warnings: warnings)
    }
}
