import ArgumentParser
import Foundation
import ELSA
import ELSAExperiments
import ELSASegments
import _ELSASupport

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend items for user histories with a saved model.",
        discussion: """
        The --user-items file has one user per line: a label, then the ids of the items the user has, separated by \
        spaces, tabs or commas. Lines starting with # are ignored.
        --layout rows prints a homepage per user: a "for you" row of the --per-row best unseen items, then up to \
        --rows segment rows (segments with a positive score x A B^T, best first), each with the segment's --per-row \
        best unseen items. --html FILE also writes the homepages as one static HTML page.
        """)

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        /// One ranked list per user.
        case list
        /// A homepage: "for you", then segment rows.
        case rows
    }

    @Option(help: "A saved model file.") var modelFile: String
    @Option(help: "User histories: 'label item item ...' per line.") var userItems: String
    @Option(help: "Recommendations per user (list layout).") var count: Int = 10
    @Option(help: "Threads.") var threads: Int = 2
    @Flag(help: "Print JSON instead of text.") var json = false

    @Option(help: "list (one ranked list per user) or rows (a homepage of segment rows).") var layout: Layout = .list
    @Option(help: "rows layout: segment rows after the 'for you' row.") var rows: Int = 5
    @Option(help: "rows layout: items per row (the 'for you' row included).") var perRow: Int = 10
    @Flag(help: "rows layout: show every item at most once per page.") var distinctItems = false
    @Option(help: "rows layout: also write the homepages as a static HTML page to this file.") var html: String?

    @OptionGroup var metadataOptions: ItemMetadataArguments
    @OptionGroup var segmentationOptions: SegmentationArguments

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if rows < 0 { throw ValidationError("--rows must not be negative") }
        if perRow < 1 { throw ValidationError("--per-row must be at least 1") }
        if html != nil && layout != .rows { throw ValidationError("--html needs --layout rows") }
    }

    func run() throws {
        try OutputPaths.check(inputs: [("--model-file", modelFile), ("--user-items", userItems)], outputs: [("--html", html)])
        let (model, _) = try ModelFile.read(from: modelFile, threads: threads)
        let histories = try UserHistoryFile.read(userItems, itemIDs: model.itemIDs)
        for warning in histories.warnings { note(warning) }
        let metadata = try metadataOptions.load()
        let namer = SegmentNamer(itemIDs: model.itemIDs, metadata: metadata)
        switch layout {
        case .list: try printLists(model: model, histories: histories, namer: namer)
        case .rows: try printHomepages(model: model, histories: histories, namer: namer)
        }
    }

    func printLists(model: ELSAModel, histories: UserHistoryFile, namer: SegmentNamer) throws {
        let lists = try ELSAEvaluation.recommend(model, histories: histories.matrix, count: count, threadCount: threads)
        if json {
            let objects: [[String: Any]] = zip(histories.labels, lists).map { label, list in
                ["user": label, "items": list.map { entry -> [String: Any] in
                    var object: [String: Any] = ["item": model.itemIDs[entry.item], "score": Double(entry.score)]
                    if let title = namer.metadata?.title(of: model.itemIDs[entry.item]) { object["title"] = title }
                    return object
                }]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (label, list) in zip(histories.labels, lists) {
                if namer.metadata == nil {
                    print(label + "\t" + list.map { "\(model.itemIDs[$0.item]):\(String(format: "%.4f", $0.score))" }.joined(separator: " "))
                } else {
                    print(label)
                    for entry in list {
                        print("  " + String(format: "%.4f  ", entry.score) + model.itemIDs[entry.item] + "  " + namer.label(of: entry.item))
                    }
                }
            }
        }
    }

    func printHomepages(model: ELSAModel, histories: UserHistoryFile, namer: SegmentNamer) throws {
        let recommender = try SegmentRecommender(model: model, options: try segmentationOptions.options)
        let segments = recommender.segmentation.segments
        note("\(segments.count) segments from \(recommender.segmentation.groupCount) dominant-latent groups")
        let pages = try recommender.homepages(histories: histories.matrix,
                                              layout: HomepageLayout(rows: rows, itemsPerRow: perRow, distinctItems: distinctItems))
        if json {
            func items(_ list: [Homepage.RankedItem]) -> [[String: Any]] {
                list.map { entry in
                    var object: [String: Any] = ["item": model.itemIDs[entry.item], "score": Double(entry.score)]
                    if let title = namer.metadata?.title(of: model.itemIDs[entry.item]) { object["title"] = title }
                    return object
                }
            }
            let objects: [[String: Any]] = zip(histories.labels, pages).map { label, page in
                ["user": label, "forYou": items(page.forYou),
                 "rows": page.segmentRows.map { row -> [String: Any] in
                     let segment = segments[row.segment]
                     return ["segment": row.segment, "score": Double(row.score), "name": namer.name(of: segment),
                             "size": segment.size, "latents": segment.latents.map(\.description), "items": items(row.items)]
                 }]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (label, page) in zip(histories.labels, pages) {
                print(label)
                print("  For you")
                print("    " + page.forYou.map { namer.label(of: $0.item) }.joined(separator: " | "))
                for row in page.segmentRows {
                    let segment = segments[row.segment]
                    print("  Segment \(segment.id): \(namer.description(of: segment, count: 3)), latents \(segment.latents.map(\.description).joined(separator: " ")), score \(String(format: "%.3f", row.score))")
                    print("    " + row.items.map { namer.label(of: $0.item) }.joined(separator: " | "))
                }
                if page.segmentRows.isEmpty { print("  (no segment has a positive score)") }
            }
        }
        if let html {
            let page = HomepageHTML.render(pages: Array(zip(histories.labels, pages)).map { (user: $0.0, homepage: $0.1) },
                                           namer: namer, segmentation: recommender.segmentation,
                                           title: "ELSA homepage: \(URL(fileURLWithPath: modelFile).lastPathComponent)")
            try AtomicFile.write(page, to: html)
            note("HTML written to \(html)")
        }
    }
}
