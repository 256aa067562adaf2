import Foundation
import Testing
import ELSAData
import ELSAModels
import ELSATraining
@testable import ELSASegments

@Test func exploreSynthetic() throws {
    let env = ProcessInfo.processInfo.environment
    guard env["EXPLORE"] == "syn" else { return }
    let d = Int(env["D"] ?? "64")!, k = Int(env["K"] ?? "16")!, e = Int(env["E"] ?? "2")!
    let segs = Int(env["SEGS"] ?? "20")!
    let start = Date()
    let data = SyntheticData.generate(SyntheticConfiguration(userCount: Int(env["USERS"] ?? "3000")!, itemCount: Int(env["ITEMS"] ?? "1000")!, segmentCount: segs, interactionsPerUser: Double(env["PER"] ?? "30")!, popularityExponent: Double(env["POP"] ?? "0.8")!, noiseFraction: Double(env["NOISE"] ?? "0.05")!))
    let schedule = try SparsificationSchedule.exponential(dimension: d, targetNonzeros: k, epochsPerStage: e)
    let trainer = CompressedELSATrainer(itemCount: data.dataset.itemCount,
        configuration: TrainingConfiguration(dimension: d, batchSize: Int(env["BATCH"] ?? "256")!, optimizer: NadamConfiguration(learningRate: Float(env["LR"] ?? "0.1")!), seed: 7), schedule: schedule, restart: env["RESTART"] != "0")
    trainer.train(data.dataset.interactions)
    let model = trainer.model(itemIDs: data.dataset.itemIDs)
    print("train", Date().timeIntervalSince(start), schedule.stages.map { "\($0.k)x\($0.epochs)" })
    for t in [1.0, 0.2, 0.3, 0.4, 0.5] {
        let t0 = Date()
        let s = try Segmentation(model: model, options: SegmentationOptions(mergeThreshold: t))
        let covered = (0..<s.itemCount).filter { s.itemSegments[$0] != nil }
        let clusters = covered.map { s.itemSegments[$0]! }, classes = covered.map { data.itemSegments[$0] }
        print("t", t, "groups", s.groupCount, "segments", s.segments.count, "purity", ClusteringAgreement.purity(clusters: clusters, classes: classes), "nmi", ClusteringAgreement.normalizedMutualInformation(clusters: clusters, classes: classes), "sec", Date().timeIntervalSince(t0))
    }
    print("total", Date().timeIntervalSince(start))
}

@Test func exploreMovieLens() throws {
    let env = ProcessInfo.processInfo.environment
    guard env["EXPLORE"] == "ml" else { return }
    let d = Int(env["D"] ?? "64")!, k = Int(env["K"] ?? "16")!, e = Int(env["E"] ?? "2")!
    let start = Date()
    let folder = "/work/shared/data/ml-latest-small"
    let raw = try InteractionReader.read(path: folder + "/ratings.csv", format: .movielens)
    let (dataset, _) = try Preprocessing.apply(raw, options: PreprocessingOptions(minRating: 4, minUserSupport: 5, minItemSupport: Int(env["MINITEM"] ?? "1")!))
    let metadata = try ItemMetadata.read(path: folder + "/movies.csv")
    print("data", dataset.userCount, dataset.itemCount, dataset.interactionCount, Date().timeIntervalSince(start))
    let schedule = try SparsificationSchedule.exponential(dimension: d, targetNonzeros: k, epochsPerStage: e)
    let trainer = CompressedELSATrainer(itemCount: dataset.itemCount,
        configuration: TrainingConfiguration(dimension: d, batchSize: Int(env["BATCH"] ?? "256")!, optimizer: NadamConfiguration(learningRate: Float(env["LR"] ?? "0.1")!), seed: 7), schedule: schedule, restart: env["RESTART"] != "0")
    trainer.train(dataset.interactions)
    let model = trainer.model(itemIDs: dataset.itemIDs)
    print("train", Date().timeIntervalSince(start), schedule.stages.map { "\($0.k)x\($0.epochs)" })
    let genres = metadata.genres(of: dataset.itemIDs)
    let namer = SegmentNamer(itemIDs: dataset.itemIDs, metadata: metadata)
    for t in [1.0, 0.2, 0.3, 0.4, 0.5] {
        let t0 = Date()
        let s = try Segmentation(model: model, options: SegmentationOptions(mergeThreshold: t, minimumSize: Int(env["MINSIZE"] ?? "1")!))
        let cmp = GenrePurityComparison(s, genres: genres, minimumSize: 2)
        let sizes = SegmentationSummary.Distribution(s.segments.map(\.size))
        print("t", t, "groups", s.groupCount, "segments", s.segments.count, "sizes", sizes, "purity", cmp.segmentPurity, "random", cmp.randomPurity, "compared", cmp.segmentCount, "sec", Date().timeIntervalSince(t0))
        if t == 0.3 { for seg in s.segments.prefix(12) { print("  ", seg.id, seg.latents, namer.description(of: seg, count: 4)) } }
    }
    print("total", Date().timeIntervalSince(start))
}
