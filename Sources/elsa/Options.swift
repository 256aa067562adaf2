import ArgumentParser
import Foundation
import ELSA

extension DataFormat: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// Where the data comes from and how it is preprocessed.
struct DataOptions: ParsableArguments {
    @Option(help: "A data file or folder, or 'synthetic' for the embedded planted data set.")
    var data: String = DatasetSource.syntheticPath

    @Option(help: "The data format: \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: DataFormat?

    @Option(help: "Keep interactions rated at least this (ignored for formats without ratings).")
    var minRating: Float = 4

    @Option(help: "Drop users with fewer interactions.")
    var minUserSupport: Int = 5

    @Option(help: "Drop items with fewer interactions.")
    var minItemSupport: Int = 1

    @Flag(help: "Iterate the support filters to a fixed point (k-core) instead of one pass.")
    var kCore = false

    @Option(help: "csv: field separator (a character, 'tab', or 'whitespace').")
    var separator: String = ","

    @Option(help: "csv: 0-based user column.") var userColumn: Int = 0
    @Option(help: "csv: 0-based item column.") var itemColumn: Int = 1
    @Option(help: "csv: 0-based rating column (omit for none).") var ratingColumn: Int?
    @Option(help: "csv: 0-based timestamp column (omit for none).") var timestampColumn: Int?
    @Option(help: "csv: header line: detect, present, absent.") var header: String = "detect"

    @Option(help: "A binary cache file: loaded when it exists, written after preprocessing otherwise.")
    var cache: String?

    func validate() throws {
        if data != DatasetSource.syntheticPath && format == nil && cache == nil {
            throw ValidationError("--format is required with --data \(data) (one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if minUserSupport < 1 || minItemSupport < 1 { throw ValidationError("support minimums must be at least 1") }
    }

    var source: DatasetSource {
        get throws {
            var reader = ReaderOptions.default
            guard let parsed = FieldSeparator(argument: separator) else { throw ValidationError("--separator must not be empty") }
            reader.separator = parsed
            reader.userColumn = userColumn
            reader.itemColumn = itemColumn
            reader.ratingColumn = ratingColumn
            reader.timestampColumn = timestampColumn
            reader.readTimestamps = timestampColumn != nil
            guard let headerChoice = ReaderOptions.Header(rawValue: header) else {
                throw ValidationError("--header must be one of \(ReaderOptions.Header.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            reader.header = headerChoice
            let preprocessing = PreprocessingOptions(minRating: minRating, minUserSupport: minUserSupport,
                                                     minItemSupport: minItemSupport,
                                                     supportFiltering: kCore ? .kCore : .singlePass)
            return DatasetSource(path: data, format: format, reader: reader, preprocessing: preprocessing, cachePath: cache)
        }
    }
}

/// The evaluation split and output.
struct SplitOptions: ParsableArguments {
    @Option(help: "Held-out test users (capped at a fifth of the users).")
    var testUsers: Int = 2500

    @Option(help: "Seed for the split, the folds, the initialization and the batches.")
    var seed: UInt64 = 42

    @Option(help: "Threads (Dispatch kernels and BLAS, never both at once).")
    var threads: Int = 2

    @Option(help: "Write a JSON report to this file (atomically).")
    var report: String?

    func validate() throws {
        if testUsers < 1 { throw ValidationError("--test-users must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}

/// An output file's folder could not be made (a file of that name is in the way, no permission).
struct OutputFolderError: Error, CustomStringConvertible {
    let file: String
    let folder: String
    let reason: String
    var description: String { "\(file): cannot create its folder \(folder): \(reason)" }
}

/// Creates the folder of the output file `path` (and its parents) before a long run, so a path that cannot be
/// written fails at once, not after the training.
func makeFolder(of path: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue { return }
    // Name the first existing ancestor that is not a folder: the usual reason, and clearer than Foundation's error.
    var ancestor = folder
    while ancestor.path != "/" {
        if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
            if !isFolder.boolValue {
                throw OutputFolderError(file: path, folder: folder.path, reason: "\(ancestor.path) is a file, not a folder")
            }
            break
        }
        ancestor = ancestor.deletingLastPathComponent()
    }
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw OutputFolderError(file: path, folder: folder.path, reason: (error as NSError).localizedDescription)
    }
}
