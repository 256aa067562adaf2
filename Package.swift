// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ELSA",
    platforms: [.macOS(.v13)],
    products: [
        // MARK: - Public API
        .library(name: "ELSA", targets: ["ELSA"]),
        .executable(name: "elsa", targets: ["elsa"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // MARK: - Implementation details
        .systemLibrary(
            name: "_COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        /// Seeded byte mutations and checksum repair for the property tests and fuzz targets of the file readers.
        .target(name: "_TestSupport", dependencies: ["ELSAData", "ELSAModels"]),

        // MARK: - Public API
        /// Typed wrappers over CBLAS/LAPACKE and the dense row-major matrix. The only module that imports `_COpenBLAS`.
        .target(name: "ELSALinearAlgebra", dependencies: ["_COpenBLAS"]),
        /// CSR matrices, row-wise top-k pruning and the fixed-pattern kernels of sparse training.
        .target(name: "ELSASparse", dependencies: ["ELSALinearAlgebra", "ELSAKernelsC"]),
        /// AVX2 + FMA forms of panel kernels, chosen at run time where the CPU has them.
        .target(name: "ELSAKernelsC"),
        /// Interaction readers, preprocessing, the binary cache and the planted synthetic generator.
        .target(name: "ELSAData", dependencies: ["ELSASparse", "ZIPFoundation"]),
        /// Strong-generalization split, folds, top-K selection and ranking metrics.
        .target(name: "ELSAEvaluation", dependencies: ["ELSASparse", "ELSAData"]),
        /// EASE, popularity, dense and compressed ELSA item models, model files.
        .target(name: "ELSAModels", dependencies: ["ELSALinearAlgebra", "ELSASparse", "ELSAData", "ELSAEvaluation"]),
        /// Nadam, the dense and sparse gradient steps, sparsification schedules and the trainer.
        .target(name: "ELSATraining", dependencies: ["ELSAModels"]),
        /// Inverted index, segments and segment-level recommendations of sparse models.
        .target(name: "ELSASegments", dependencies: ["ELSAModels"]),
        /// Dataset loading, experiment runs, JSON reports and the compression study behind `elsa bench`.
        .target(name: "ELSAExperiments", dependencies: ["ELSATraining", "ELSASegments", "ZIPFoundation"]),
        /// Umbrella module re-exporting the public modules.
        .target(name: "ELSA", dependencies: [
            "ELSALinearAlgebra", "ELSASparse", "ELSAData", "ELSAEvaluation",
            "ELSAModels", "ELSATraining", "ELSASegments", "ELSAExperiments",
        ]),
        .executableTarget(name: "elsa", dependencies: [
            "ELSA",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Unit test bundles
        .testTarget(name: "ELSALinearAlgebraTests", dependencies: ["ELSALinearAlgebra"]),
        .testTarget(name: "ELSASparseTests", dependencies: ["ELSASparse"]),
        .testTarget(name: "ELSADataTests", dependencies: ["ELSAData", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ELSAEvaluationTests", dependencies: ["ELSAEvaluation"]),
        .testTarget(name: "ELSAModelsTests", dependencies: ["ELSAModels", "ELSAData", "_TestSupport"]),
        .testTarget(name: "ELSATrainingTests", dependencies: ["ELSATraining", "ELSAData", "_TestSupport"]),
        .testTarget(name: "ELSASegmentsTests", dependencies: ["ELSASegments", "ELSATraining", "ELSAData"]),
        .testTarget(name: "ELSAExperimentsTests", dependencies: ["ELSAExperiments", "ZIPFoundation"]),
        /// The `elsa` executable end to end (run as a process; `make test` builds it first).
        .testTarget(name: "ELSACommandLineTests"),
        .testTarget(name: "ELSATests", dependencies: ["ELSA"]),
    ]
)
