import Foundation
import ELSAData
import _ELSASupport

/// Where an experiment's interactions come from: a file or folder in a known format,
/// a binary cache, or the embedded synthetic data.
public struct DatasetSource: Sendable, Equatable {
    /// `synthetic` for the embedded generator; otherwise a file or folder.
    public var path: String
    public var format: DataFormat?
    public var reader: ReaderOptions
    public var preprocessing: PreprocessingOptions
    /// A binary cache file: read when present, written after preprocessing when absent.
    public var cachePath: String?
    public var synthetic: SyntheticConfiguration

    public static let syntheticPath = "synthetic"

    public init(path: String, format: DataFormat? = nil, reader: ReaderOptions = .default,
                preprocessing: PreprocessingOptions = .paper, cachePath: String? = nil,
                synthetic: SyntheticConfiguration = .default) {
        self.path = path
        self.format = format
        self.reader = reader
        self.preprocessing = preprocessing
        self.cachePath = cachePath
        self.synthetic = synthetic
    }

    /// The embedded synthetic data set.
    public static func embeddedSynthetic(_ configuration: SyntheticConfiguration = .default) -> DatasetSource {
        DatasetSource(path: syntheticPath, synthetic: configuration)
    }

    public var isSynthetic: Bool { path == DatasetSource.syntheticPath }

    /// A short name for reports and folders (last path component, or `synthetic`).
    public var name: String {
        if isSynthetic { return "synthetic" }
        let url = URL(fileURLWithPath: path)
        let last = url.lastPathComponent
        let directoryLike = ["ratings.csv", "ratings.dat", "users.dat", "train.txt", "user_artists.dat"]
        return directoryLike.contains(last) ? url.deletingLastPathComponent().lastPathComponent : url.deletingPathExtension().lastPathComponent
    }
}

/// A loaded dataset with a line describing how it was obtained.
public struct LoadedDataset: Sendable {
    public var dataset: InteractionDataset
    /// The preprocessing report, when the data was read from text.
    public var report: PreprocessingReport?
    /// The planted truth, for synthetic data.
    public var synthetic: SyntheticDataset?
    public var seconds: Double
    public var summary: String
}

extension DatasetSource {
    /// Reads, preprocesses (or loads the cache) and returns the dataset.
    /// - Throws: `DataError` naming the file and line of bad input.
    public func load() throws -> LoadedDataset {
        let start = Date()
        if let cachePath, FileManager.default.fileExists(atPath: cachePath), !InteractionCache.looksLikeCache(atPath: cachePath) {
            throw DataError.cannotRead(file: cachePath, reason: "exists and is not an interaction cache; --cache would overwrite it: name another file")
        }
        if isSynthetic {
            let generated = SyntheticData.generate(synthetic)
            let d = generated.dataset
            return LoadedDataset(dataset: d, report: nil, synthetic: generated, seconds: Date().timeIntervalSince(start),
                                 summary: "synthetic data: \(d.userCount) users, \(d.itemCount) items, \(d.interactionCount) interactions, \(synthetic.segmentCount) planted segments (seed \(synthetic.seed))")
        }
        if let cachePath, FileManager.default.fileExists(atPath: cachePath), cacheIsCurrent(cachePath) {
            let d = try InteractionCache.read(from: cachePath)
            return LoadedDataset(dataset: d, report: nil, synthetic: nil, seconds: Date().timeIntervalSince(start),
                                 summary: "\(cachePath) (cache): \(d.userCount) users, \(d.itemCount) items, \(d.interactionCount) interactions")
        }
        guard let format else { throw DataError.unknownFormat("(none given for \(path))") }
        let raw = try InteractionReader.read(path: path, format: format, options: reader)
        let (dataset, report) = try Preprocessing.apply(raw, options: preprocessing)
        if let cachePath {
            try InteractionCache.write(dataset, to: cachePath)
            try AtomicFile.write(cacheFingerprint(), to: cachePath + ".source")
        }
        return LoadedDataset(dataset: dataset, report: report, synthetic: nil, seconds: Date().timeIntervalSince(start),
                             summary: report.summary)
    }
}

extension DatasetSource {
    /// What a cache was built from: the source path, its size and modification time, the format
    /// and every reader and preprocessing option. Kept beside the cache as `<cache>.source`.
    func cacheFingerprint() -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        return "path=\(URL(fileURLWithPath: path).standardizedFileURL.path)\nsize=\(size)\nmodified=\(modified)\n"
            + "format=\(format?.rawValue ?? "-")\nreader=\(reader)\npreprocessing=\(preprocessing)\n"
    }

    /// A cache is used only when it was built from this source with these options.
    func cacheIsCurrent(_ cachePath: String) -> Bool {
        guard let stored = FileManager.default.contents(atPath: cachePath + ".source") else { return false }
        return String(decoding: stored, as: UTF8.self) == cacheFingerprint()
    }
}
