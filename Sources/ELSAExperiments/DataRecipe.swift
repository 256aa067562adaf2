import Foundation
import ELSAData

/// Where a run's interactions come from and how they are preprocessed: the `--data` options of
/// `elsa`, as a part of a `TrainingRecipe`. Missing keys take the command line's defaults.
public struct DataRecipe: Codable, Equatable, Sendable {
    /// A data file or folder, or `synthetic` for the embedded planted data set.
    public var path: String = DatasetSource.syntheticPath
    /// One of `DataFormat`'s names; needed unless the path is `synthetic` or a cache is given.
    public var format: String?
    /// Keep interactions rated at least this (formats with ratings).
    public var minRating: Float = 4
    public var minUserSupport = 5
    public var minItemSupport = 1
    /// Iterate the support filters to a fixed point instead of one pass.
    public var kCore = false
    /// csv: a character, `tab` or `whitespace`.
    public var separator = ","
    public var userColumn = 0
    public var itemColumn = 1
    public var ratingColumn: Int?
    public var timestampColumn: Int?
    /// csv: `detect`, `present` or `absent`.
    public var header = "detect"
    /// npz: files of user and item ids, one per line.
    public var userIDs: String?
    public var itemIDs: String?
    /// A binary cache: loaded when it exists, written after preprocessing otherwise.
    public var cache: String?
    /// The size of the planted synthetic data (path `synthetic`); nil: 3,000 users, 1,000 items, 20 segments.
    public var synthetic: Synthetic?

    /// The size and seed of the planted synthetic data set (power-law popularity within planted segments).
    public struct Synthetic: Codable, Equatable, Sendable {
        public var users = SyntheticConfiguration.default.userCount
        public var items = SyntheticConfiguration.default.itemCount
        public var segments = SyntheticConfiguration.default.segmentCount
        /// Items drawn per user on average (between half and one and a half times this).
        public var interactionsPerUser = SyntheticConfiguration.default.interactionsPerUser
        public var seed = SyntheticConfiguration.default.seed
        public init() {}

        public var configuration: SyntheticConfiguration {
            SyntheticConfiguration(userCount: users, itemCount: items, segmentCount: segments,
                                   interactionsPerUser: interactionsPerUser, seed: seed)
        }
    }

    public init(path: String = DatasetSource.syntheticPath, format: String? = nil) {
        self.path = path
        self.format = format
    }

    /// The largest 0-based column a csv option may name.
    public static let maximumColumn = 4095

    /// Checks the numeric fields (support minimums, rating floor, csv columns), which need no file.
    /// - Throws: `RecipeError` naming the `data.` field at fault.
    public func validateRanges() throws {
        func fail(_ field: String, _ message: String) -> RecipeError { RecipeError(field: "data." + field, message) }
        if minUserSupport < 1 { throw fail("minUserSupport", "must be at least 1, got \(minUserSupport)") }
        if minItemSupport < 1 { throw fail("minItemSupport", "must be at least 1, got \(minItemSupport)") }
        if !minRating.isFinite { throw fail("minRating", "must be finite, got \(minRating)") }
        for (field, column) in [("userColumn", userColumn), ("itemColumn", itemColumn), ("ratingColumn", ratingColumn),
                                ("timestampColumn", timestampColumn)] {
            if let column, !(0...Self.maximumColumn).contains(column) {
                throw fail(field, "must be in 0...\(Self.maximumColumn), got \(column)")
            }
        }
    }

    /// The source to load.
    /// - Throws: `RecipeError` naming the `data.` field at fault.
    public func source() throws -> DatasetSource {
        func fail(_ field: String, _ message: String) -> RecipeError { RecipeError(field: "data." + field, message) }
        var parsedFormat: DataFormat?
        if let format {
            guard let known = DataFormat(rawValue: format) else {
                throw fail("format", "must be one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
            }
            parsedFormat = known
        }
        if path != DatasetSource.syntheticPath && format == nil && cache == nil {
            throw fail("format", "is required with the data \(path) (one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        try validateRanges()
        if path == DatasetSource.syntheticPath {
            let configuration = (synthetic ?? Synthetic()).configuration
            if let problem = configuration.problem {
                let field = problem.hasPrefix("userCount") ? "users" : problem.hasPrefix("segmentCount") ? "segments"
                    : problem.hasPrefix("itemCount") ? "items" : "interactionsPerUser"
                throw fail("synthetic." + field, problem)
            }
            if synthetic != nil {
                var source = DatasetSource.embeddedSynthetic(configuration)
                source.cachePath = cache
                return source
            }
        } else if synthetic != nil {
            throw fail("synthetic", "is for the data path synthetic, not \(path)")
        }
        var reader = ReaderOptions.default
        guard let parsedSeparator = FieldSeparator(argument: separator) else { throw fail("separator", "must not be empty") }
        reader.separator = parsedSeparator
        reader.userColumn = userColumn
        reader.itemColumn = itemColumn
        reader.ratingColumn = ratingColumn
        reader.timestampColumn = timestampColumn
        reader.readTimestamps = timestampColumn != nil
        guard let headerChoice = ReaderOptions.Header(rawValue: header) else {
            throw fail("header", "must be one of \(ReaderOptions.Header.allCases.map(\.rawValue).joined(separator: ", ")), got '\(header)'")
        }
        reader.header = headerChoice
        reader.userIDsPath = userIDs
        reader.itemIDsPath = itemIDs
        let preprocessing = PreprocessingOptions(minRating: minRating, minUserSupport: minUserSupport, minItemSupport: minItemSupport,
                                                 supportFiltering: kCore ? .kCore : .singlePass)
        return DatasetSource(path: path, format: parsedFormat, reader: reader, preprocessing: preprocessing, cachePath: cache)
    }
}

extension Experiment {
    /// The experiment a recipe trains on: its data (the embedded synthetic data without one), split, validation
    /// users, seed and threads.
    /// - Throws: `RecipeError` for a data field at fault, `DataError` for the data itself.
    public init(recipe: TrainingRecipe) throws {
        let data = recipe.data ?? DataRecipe()
        switch recipe.split.kind {
        case .strong:
            try self.init(source: try data.source(), testUsers: recipe.split.testUsers, validationUsers: recipe.selection.validationUsers,
                          seed: recipe.seed, threads: recipe.resolvedThreads)
        case .published:
            guard data.format == DataFormat.adjacency.rawValue else {
                throw RecipeError(field: "split.kind", "published needs the data format adjacency (a folder with train.txt and test.txt)")
            }
            let name = URL(fileURLWithPath: data.path).lastPathComponent
            try self.init(published: try PublishedSplit(folder: data.path), name: name, validationUsers: recipe.selection.validationUsers,
                          seed: recipe.seed, threads: recipe.resolvedThreads)
        }
    }
}
