import ArgumentParser
import Foundation
import ELSA
import ELSAExperiments
import ELSASegments
import _ELSASupport

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "List the interpretable segments of a sparse model, with summary statistics.",
        discussion: """
        Each item goes to its dominant signed latent (argmax_j |A_ij| with its sign); items sharing one form a \
        group; groups whose items are similar on average (mean item-pair cosine above --merge-threshold) are \
        merged, most similar first, never joining both signs of a latent. Segments are named by their most \
        central items (titles with --items). The JSON report (--report) lists every segment with its id, size, \
        signed latents as strings ("+12", "-7", "+0": sign, then the 0-based latent) and all member item ids.
        With --evaluate-rows R the data (--data, --format and the preprocessing options, as used for training) \
        is split as by 'elsa train' (--test-users, --seed), and the share of held-out items inside the R best \
        segments of each test user is compared with the R most popular segments.
        """)

    @Option(help: "A saved model file (compressed ELSA; a dense model works but gives little structure).")
    var modelFile: String

    @OptionGroup var metadataOptions: ItemMetadataArguments
    @OptionGroup var segmentationOptions: SegmentationArguments

    @Option(help: "Items named per segment in the listing and the report's topItems.")
    var topItems: Int = 5

    @Option(help: "Print only the first N segments (largest first); all when omitted.")
    var limit: Int?

    @Option(help: "Evaluate segment recommendation with R segments per test user on --data.")
    var evaluateRows: Int?

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var splitOptions: SplitOptions

    func validate() throws {
        if topItems < 0 { throw ValidationError("--top-items must not be negative") }
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
        if let evaluateRows, evaluateRows < 1 { throw ValidationError("--evaluate-rows must be at least 1") }
    }

    func run() throws {
        try OutputPaths.check(inputs: [("--model-file", modelFile)] + dataOptions.inputFiles,
                              outputs: [("--report", splitOptions.report), ("--cache", dataOptions.cache)] + splitFiles(splitOptions))
        let (model, _) = try ModelFile.read(from: modelFile, threads: splitOptions.threads)
        if case .dense = model.embedding { note("\(modelFile) is a dense model: every latent lists every item, expect weak segments") }
        let metadata = try metadataOptions.load()
        let segmentation = try Segmentation(model: model, options: try segmentationOptions.options)
        let index = InvertedIndex(model: model)
        let namer = SegmentNamer(itemIDs: model.itemIDs, metadata: metadata)
        let genres = metadata.flatMap { $0.hasGenres ? $0.genres(of: model.itemIDs) : nil }
        var report = SegmentReport(segmentation, index: index, namer: namer, topItemCount: topItems, genres: genres)

        print("segment   size  latents               top items")
        let shown = segmentation.segments.prefix(limit ?? segmentation.segments.count)
        for segment in shown {
            let latents = segment.latents.map(\.description).joined(separator: " ")
            print(String(format: "%7d  %5d  ", segment.id, segment.size) + latents.padding(toLength: max(20, latents.count), withPad: " ", startingAt: 0)
                  + "  " + namer.name(of: segment, count: topItems))
        }
        if shown.count < segmentation.segments.count { print("... \(segmentation.segments.count - shown.count) more segments") }
        print("")
        print(report.summary.text)
        if let metadata, metadata.count > 0 {
            let titled = model.itemIDs.filter { metadata.title(of: $0) != nil }.count
            note("metadata: titles for \(titled) of \(model.itemCount) model items")
        }
        if let genres {
            let comparison = GenrePurityComparison(segmentation, genres: genres, seed: splitOptions.seed, repetitions: 20)
            report.genrePurity = comparison
            print(String(format: "genre purity (segments of 2 or more items, %d segments): %.3f; random groups of the same sizes: %.3f ± %.3f",
                         comparison.segmentCount, comparison.segmentPurity, comparison.randomPurity, comparison.randomStandardDeviation))
        }
        if let rows = evaluateRows {
            let rates = try evaluate(model: model, segmentation: segmentation, rows: rows)
            report.segmentRecommendation = rates
            print(String(format: "held-out items inside the %d recommended segments: %.3f (model, x A B^T) vs %.3f (%d most popular segments), %d (user, fold) rows",
                         rows, rates.modelShare, rates.popularityShare, rows, rates.evaluatedCount))
        }
        if let path = splitOptions.report {
            try AtomicFile.write(try report.jsonData(), to: path)
            note("report written to \(path)")
        }
    }

    /// Splits the data as `elsa train` does and evaluates segment recommendation on the test folds.
    func evaluate(model: ELSAModel, segmentation: Segmentation, rows: Int) throws -> SegmentHitRates {
        guard rows <= segmentation.segments.count else {
            throw ValidationError("--evaluate-rows \(rows) exceeds the \(segmentation.segments.count) segments")
        }
        let experiment = try Experiment(source: try dataOptions.source, testUsers: splitOptions.testUsers,
                                        seed: splitOptions.seed, threads: splitOptions.threads)
        note(experiment.loaded.summary)
        var split = experiment.split, folds = experiment.folds
        if experiment.dataset.itemIDs != model.itemIDs {
            let alignment = ItemAlignment(interactions: experiment.dataset.interactions, dataItemIDs: experiment.dataset.itemIDs,
                                          modelItemIDs: model.itemIDs)
            note("the data's items differ from the model's: \(alignment.unknownItems) unknown items (\(alignment.droppedInteractions) interactions) dropped")
            split = try StrongGeneralizationSplit(interactions: alignment.interactions, testUserCount: experiment.split.testUsers.count,
                                                  seed: splitOptions.seed)
            folds = try split.testFolds()
        }
        note("split: \(split.train.rows) training users, \(split.testUsers.count) test users")
        let recommender = try SegmentRecommender(model: model, segmentation: segmentation)
        return try SegmentRecommendationEvaluation.evaluate(recommender, folds: folds, training: split.train, rows: rows)
    }
}

/// Where item titles (and genres) come from: `--items FILE` and its layout.
struct ItemMetadataArguments: ParsableArguments {
    @Option(help: "Item metadata (CSV): MovieLens movies.csv by default, or any file with an id and a title column.")
    var items: String?

    @Option(help: "--items: the id column, a 0-based index or a header name.") var itemIDColumn: String = "0"
    @Option(help: "--items: the title column, a 0-based index or a header name.") var itemTitleColumn: String = "1"
    @Option(help: "--items: the genres column (genres separated by |), an index or a header name; 'none' for no genres.")
    var itemGenresColumn: String = "2"
    @Option(help: "--items: the field separator (one character, or 'tab').") var itemSeparator: String = ","
    @Flag(help: "--items: the file has no header line.") var itemsWithoutHeader = false

    func validate() throws { _ = try layout() }

    func layout() throws -> ItemMetadataOptions {
        func column(_ text: String) -> ItemMetadataOptions.Column { Int(text).map { .index($0) } ?? .name(text) }
        let separator: Character
        switch itemSeparator {
        case "tab", "\\t", "\t": separator = "\t"
        default:
            guard itemSeparator.count == 1, let character = itemSeparator.first, character.isASCII, character != "\"", !character.isNewline else {
                throw ValidationError("--item-separator must be one ASCII character other than a quote, or 'tab'; got '\(itemSeparator)'")
            }
            separator = character
        }
        for (flag, value) in [("--item-id-column", itemIDColumn), ("--item-title-column", itemTitleColumn)] where Int(value).map({ $0 < 0 }) ?? false {
            throw ValidationError("\(flag) must not be negative")
        }
        return ItemMetadataOptions(idColumn: column(itemIDColumn), titleColumn: column(itemTitleColumn),
                                   genresColumn: itemGenresColumn == "none" ? nil : column(itemGenresColumn),
                                   separator: separator, hasHeader: !itemsWithoutHeader)
    }

    /// The metadata, or nil without --items.
    func load() throws -> ItemMetadata? {
        guard let items else { return nil }
        return try ItemMetadata.read(path: items, options: try layout())
    }
}

/// How segments are formed: `--merge-threshold`, `--min-size`.
struct SegmentationArguments: ParsableArguments {
    @Option(help: "Merge groups whose mean item-pair cosine is above this (-1...1; 1 merges nothing).")
    var mergeThreshold: Double = SegmentationOptions.defaultMergeThreshold

    @Option(help: "Drop segments with fewer items (their items stay uncovered).")
    var minSize: Int = 1

    func validate() throws { _ = try options }

    var options: SegmentationOptions {
        get throws {
            let options = SegmentationOptions(mergeThreshold: mergeThreshold, minimumSize: minSize)
            if let problem = options.problem {
                throw ValidationError(problem.replacingOccurrences(of: "mergeThreshold", with: "--merge-threshold")
                    .replacingOccurrences(of: "minimumSize", with: "--min-size"))
            }
            return options
        }
    }
}
