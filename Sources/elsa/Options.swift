import ArgumentParser
import Foundation
import ELSA
import ELSAExperiments

/// The help texts list the values themselves, on one line.
extension DataFormat: ExpressibleByArgument {
    public static var allValueStrings: [String] { [] }
}
extension Activation: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// The files `--write-split` writes, as (flag, path) outputs for `OutputPaths.check`.
func splitFiles(_ options: SplitOptions) -> [(String, String?)] { splitFiles(options.writeSplit) }

func splitFiles(_ folder: String?) -> [(String, String?)] {
    guard let folder else { return [] }
    return ["items.tsv", "train.tsv", "test.tsv", "validation.tsv"].map { ("--write-split", (folder as NSString).appendingPathComponent($0)) }
}

/// Writes the experiment's split when `--write-split` asks for it.
func writeSplitIfAsked(_ experiment: Experiment, _ options: SplitOptions) throws {
    try writeSplitIfAsked(experiment, folder: options.writeSplit)
}

func writeSplitIfAsked(_ experiment: Experiment, folder: String?) throws {
    guard let folder else { return }
    let files = try SplitExport.write(experiment, to: folder)
    note("split written to \(folder) (\(files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")))")
}

/// Where the data comes from and how it is preprocessed: the `data` part of a recipe. Options left out
/// keep the recipe's value (`elsa train --recipe`) or the default; the reading and filtering options
/// beyond the path and format are in `--help-hidden`.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("Data file or folder, or synthetic (default).", valueName: "path"))
    var dataOption: String?
    @Option(help: ArgumentHelp("Data format: \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var format: DataFormat?
    @Option(help: ArgumentHelp("Binary cache: read if present, else written.", valueName: "file"))
    var cache: String?

    @Option(help: ArgumentHelp("Keep interactions rated at least this (default 4; formats without ratings ignore it).", visibility: .hidden))
    var minRating: Float?
    @Option(help: ArgumentHelp("Drop users with fewer interactions (default 5).", visibility: .hidden)) var minUserSupport: Int?
    @Option(help: ArgumentHelp("Drop items with fewer interactions (default 1).", visibility: .hidden)) var minItemSupport: Int?
    @Flag(help: ArgumentHelp("Iterate the support filters to a fixed point (k-core) instead of one pass.", visibility: .hidden))
    var kCore = false
    @Option(help: ArgumentHelp("csv: field separator (a character, 'tab', or 'whitespace'; default ',').", visibility: .hidden))
    var separator: String?
    @Option(help: ArgumentHelp("csv: 0-based user column (default 0).", visibility: .hidden)) var userColumn: Int?
    @Option(help: ArgumentHelp("csv: 0-based item column (default 1).", visibility: .hidden)) var itemColumn: Int?
    @Option(help: ArgumentHelp("csv: 0-based rating column (omit for none).", visibility: .hidden)) var ratingColumn: Int?
    @Option(help: ArgumentHelp("csv: 0-based timestamp column (omit for none).", visibility: .hidden)) var timestampColumn: Int?
    @Option(help: ArgumentHelp("csv: header line: detect (default), present, absent.", visibility: .hidden)) var header: String?
    @Option(name: .customLong("user-ids"), help: ArgumentHelp("npz: the user ids, one per line in row order (default: the row numbers).", visibility: .hidden))
    var userIDs: String?
    @Option(name: .customLong("item-ids"), help: ArgumentHelp("npz: the item ids, one per line in column order (default: the column numbers).", visibility: .hidden))
    var itemIDs: String?

    @Option(help: ArgumentHelp("synthetic: users (default 3000).", visibility: .hidden)) var syntheticUsers: Int?
    @Option(help: ArgumentHelp("synthetic: items (default 1000).", visibility: .hidden)) var syntheticItems: Int?
    @Option(help: ArgumentHelp("synthetic: planted segments (default 20).", visibility: .hidden)) var syntheticSegments: Int?
    @Option(help: ArgumentHelp("synthetic: items drawn per user on average (default 30).", visibility: .hidden))
    var syntheticInteractions: Double?
    @Option(help: ArgumentHelp("synthetic: the generator's seed (default 42).", visibility: .hidden)) var syntheticSeed: UInt64?

    // The earlier spellings of the two npz id options: refused with the name to use.
    @Option(name: .customLong("user-i-ds"), help: ArgumentHelp("Renamed --user-ids.", visibility: .private)) var renamedUserIDs: String?
    @Option(name: .customLong("item-i-ds"), help: ArgumentHelp("Renamed --item-ids.", visibility: .private)) var renamedItemIDs: String?

    /// The data path: the option, or the embedded synthetic data.
    var data: String { dataOption ?? DatasetSource.syntheticPath }

    func validate() throws {
        if renamedUserIDs != nil { throw ValidationError("--user-i-ds is now --user-ids") }
        if renamedItemIDs != nil { throw ValidationError("--item-i-ds is now --item-ids") }
        try commandLine { try applied(to: DataRecipe()).validateRanges() }
    }

    /// `base` with the options given on the command line in place of its fields.
    func applied(to base: DataRecipe) -> DataRecipe {
        var recipe = base
        if let dataOption {
            // Another data path does not keep the recipe's format or cache unless given again.
            if dataOption != recipe.path { (recipe.format, recipe.cache) = (nil, nil) }
            recipe.path = dataOption
        }
        if let format { recipe.format = format.rawValue }
        if let cache { recipe.cache = cache }
        if let minRating { recipe.minRating = minRating }
        if let minUserSupport { recipe.minUserSupport = minUserSupport }
        if let minItemSupport { recipe.minItemSupport = minItemSupport }
        if kCore { recipe.kCore = true }
        if let separator { recipe.separator = separator }
        if let userColumn { recipe.userColumn = userColumn }
        if let itemColumn { recipe.itemColumn = itemColumn }
        if let ratingColumn { recipe.ratingColumn = ratingColumn }
        if let timestampColumn { recipe.timestampColumn = timestampColumn }
        if let header { recipe.header = header }
        if let userIDs { recipe.userIDs = userIDs }
        if let itemIDs { recipe.itemIDs = itemIDs }
        if syntheticUsers != nil || syntheticItems != nil || syntheticSegments != nil || syntheticInteractions != nil || syntheticSeed != nil {
            var size = recipe.synthetic ?? DataRecipe.Synthetic()
            if let syntheticUsers { size.users = syntheticUsers }
            if let syntheticItems { size.items = syntheticItems }
            if let syntheticSegments { size.segments = syntheticSegments }
            if let syntheticInteractions { size.interactionsPerUser = syntheticInteractions }
            if let syntheticSeed { size.seed = syntheticSeed }
            recipe.synthetic = size
        }
        return recipe
    }

    /// The files a data recipe reads, as (flag, path) inputs for `OutputPaths.check`.
    static func inputFiles(_ recipe: DataRecipe) -> [(String, String?)] {
        OutputPaths.dataFiles(recipe.path).map { ("--data", $0) } + [("--user-ids", recipe.userIDs), ("--item-ids", recipe.itemIDs)]
    }

    /// The files this data path reads, as (flag, path) inputs for `OutputPaths.check`.
    var inputFiles: [(String, String?)] { Self.inputFiles(applied(to: DataRecipe())) }

    var source: DatasetSource {
        get throws { try commandLine { try applied(to: DataRecipe()).source() } }
    }
}

/// Runs `body`, turning a `RecipeError` into the command line's one-line `ValidationError`.
func commandLine<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as RecipeError { throw ValidationError(error.description) }
}

/// The evaluation split and output.
struct SplitOptions: ParsableArguments {
    @Option(name: .customLong("test-users"), help: "Held-out test users, capped at a fifth of the users (default 2500).")
    var testUsersOption: Int?
    @Option(name: .customLong("seed"), help: "Seed for the split, the folds, the initialization and the batches (default 42).")
    var seedOption: UInt64?
    @Option(name: .customLong("threads"), help: "Threads, Dispatch kernels and BLAS never both at once (default: the cores available).")
    var threadsOption: Int?

    @Option(help: "Write a JSON report to this file (atomically).")
    var report: String?

    @Option(help: "Write the split (items.tsv, train.tsv, test.tsv and validation.tsv: the training interactions and every test user's folds, with the data's ids) to this folder, for tools in other languages.")
    var writeSplit: String?

    var testUsers: Int { testUsersOption ?? TrainingRecipe.Split().testUsers }
    var seed: UInt64 { seedOption ?? TrainingRecipe().seed }
    var threads: Int { threadsOption ?? TrainingRecipe.availableCores }

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
