import ArgumentParser
import Foundation
import ELSA

extension DataFormat: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// The files `--write-split` writes, as (flag, path) outputs for `OutputPaths.check`.
func splitFiles(_ options: SplitOptions) -> [(String, String?)] {
    guard let folder = options.writeSplit else { return [] }
    return ["items.tsv", "train.tsv", "test.tsv", "validation.tsv"].map { ("--write-split", (folder as NSString).appendingPathComponent($0)) }
}

/// Writes the experiment's split when `--write-split` asks for it.
func writeSplitIfAsked(_ experiment: Experiment, _ options: SplitOptions) throws {
    guard let folder = options.writeSplit else { return }
    let files = try SplitExport.write(experiment, to: folder)
    note("split written to \(folder) (\(files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")))")
}

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

    @Option(help: "npz: the user ids, one per line in row order (default: the row numbers).") var userIDs: String?
    @Option(help: "npz: the item ids, one per line in column order (default: the column numbers).") var itemIDs: String?

    @Option(help: "A binary cache file: loaded when it exists, written after preprocessing otherwise.")
    var cache: String?

    /// The largest 0-based column a csv option may name.
    static let maximumColumn = 4095

    func validate() throws {
        if data != DatasetSource.syntheticPath && format == nil && cache == nil {
            throw ValidationError("--format is required with --data \(data) (one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if minUserSupport < 1 || minItemSupport < 1 { throw ValidationError("support minimums must be at least 1") }
        if !minRating.isFinite { throw ValidationError("--min-rating must be finite, got \(minRating)") }
        for (flag, column) in [("--user-column", userColumn), ("--item-column", itemColumn), ("--rating-column", ratingColumn),
                               ("--timestamp-column", timestampColumn)] {
            if let column, !(0...Self.maximumColumn).contains(column) {
                throw ValidationError("\(flag) must be in 0...\(Self.maximumColumn), got \(column)")
            }
        }
    }

    /// The files this data path reads, as (flag, path) inputs for `OutputPaths.check`.
    var inputFiles: [(String, String?)] {
        OutputPaths.dataFiles(data).map { ("--data", $0) } + [("--user-ids", userIDs), ("--item-ids", itemIDs)]
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
            reader.userIDsPath = userIDs
            reader.itemIDsPath = itemIDs
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

    @Option(help: "Write the split (items.tsv, train.tsv, test.tsv and validation.tsv: the training interactions and every test user's folds, with the data's ids) to this folder, for tools in other languages.")
    var writeSplit: String?

    func validate() throws {
        if testUsers < 1 { throw ValidationError("--test-users must be at least 1") }
        if !(1...1024).contains(threads) { throw ValidationError("--threads must be in 1...1024, got \(threads)") }
    }
}

/// A run that cannot go on: printed as one line, without the usage text of a `ValidationError`.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
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
