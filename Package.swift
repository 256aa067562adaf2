// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ELSA",
    platforms: [.macOS(.v13)],
    products: [
        // MARK: - Public API
        .library(name: "ELSA", targets: ["ELSA"]),
        /// Training across the processes of an `mpirun` job (links Open MPI).
        .library(name: "ELSADistributed", targets: ["ELSADistributed"]),
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
        .systemLibrary(
            name: "_CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["openmpi-bin", "libopenmpi-dev"])]
        ),
        /// The bottom of the engine: the seeded generator, the one parallel loop and pointer box, atomic files,
        /// the section file format of checkpoints, checksums, file errors and the CPU's identity.
        .target(name: "_ELSASupport"),
        /// AVX2 + FMA forms of panel kernels, chosen at run time where the CPU has them.
        .target(name: "_ELSAKernelsC"),
        /// Seeded byte mutations and checksum repair for the property tests and fuzz targets of the file readers.
        .target(name: "_TestSupport", dependencies: ["_ELSASupport", "ELSAData", "ELSAModels"]),

        // MARK: - Public API
        /// Typed wrappers over CBLAS/LAPACKE and the dense row-major matrix. The only module that imports `_COpenBLAS`.
        .target(name: "ELSALinearAlgebra", dependencies: ["_ELSASupport", "_COpenBLAS"]),
        /// CSR matrices, row-wise top-k pruning and the fixed-pattern kernels of sparse training.
        .target(name: "ELSASparse", dependencies: ["_ELSASupport", "ELSALinearAlgebra", "_ELSAKernelsC"]),
        /// Interaction readers, preprocessing, the binary cache and the planted synthetic generator.
        .target(name: "ELSAData", dependencies: ["_ELSASupport", "ELSASparse", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        /// Strong-generalization split, folds, top-K selection and ranking metrics.
        .target(name: "ELSAEvaluation", dependencies: ["_ELSASupport", "ELSALinearAlgebra", "ELSASparse"]),
        /// Dense and compressed ELSA item models and model files.
        .target(name: "ELSAModels", dependencies: ["_ELSASupport", "ELSALinearAlgebra", "ELSASparse", "ELSAEvaluation"]),
        /// Nadam, the dense and sparse gradient steps, sparsification schedules and the trainers.
        .target(name: "ELSATraining", dependencies: ["_ELSASupport", "ELSALinearAlgebra", "ELSASparse", "ELSAModels"]),
        /// The baselines: EASE (and pruned EASE), popularity and CompresSAE.
        .target(name: "ELSABaselines", dependencies: ["_ELSASupport", "ELSALinearAlgebra", "ELSASparse", "ELSAEvaluation", "ELSATraining"]),
        /// Inverted index, segments and segment-level recommendations of sparse models.
        .target(name: "ELSASegments", dependencies: ["_ELSASupport", "ELSALinearAlgebra", "ELSASparse", "ELSAEvaluation", "ELSAModels"]),
        /// Item-sharded training across the processes of an `mpirun` job: the MPI communicator. The only module that imports `_CMPI`.
        .target(name: "ELSADistributed", dependencies: ["_CMPI", "ELSATraining"]),
        /// Recipes and runs, dataset loading, experiments, JSON reports, exports and the compression study behind `elsa bench`.
        .target(name: "ELSAExperiments", dependencies: [
            "_ELSASupport", "ELSALinearAlgebra", "ELSASparse", "ELSAData", "ELSAEvaluation", "ELSAModels", "ELSATraining",
            "ELSABaselines", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        /// The library's surface: the estimators, and a curated re-export of the modules below.
        .target(name: "ELSA", dependencies: [
            "_ELSASupport", "ELSALinearAlgebra", "ELSASparse", "ELSAData", "ELSAEvaluation",
            "ELSAModels", "ELSATraining", "ELSABaselines", "ELSASegments", "ELSAExperiments",
        ]),
        .executableTarget(name: "elsa", dependencies: [
            "_ELSASupport", "ELSALinearAlgebra", "ELSATraining", "ELSASegments", "ELSAExperiments", "ELSA", "ELSADistributed",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Unit test bundles
        .testTarget(name: "ELSALinearAlgebraTests", dependencies: ["_ELSASupport", "ELSALinearAlgebra"]),
        .testTarget(name: "ELSASparseTests", dependencies: ["_ELSASupport", "ELSASparse"]),
        .testTarget(name: "ELSADataTests", dependencies: ["_ELSASupport", "ELSAData", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ELSAEvaluationTests", dependencies: ["_ELSASupport", "ELSAEvaluation", "ELSAData"]),
        .testTarget(name: "ELSAModelsTests", dependencies: ["_ELSASupport", "ELSAModels", "ELSABaselines", "ELSAData", "_TestSupport"]),
        .testTarget(name: "ELSATrainingTests", dependencies: ["_ELSASupport", "ELSATraining", "ELSABaselines", "ELSAData", "_TestSupport"]),
        .testTarget(name: "ELSASegmentsTests", dependencies: ["_ELSASupport", "ELSASegments", "ELSATraining", "ELSAData"]),
        .testTarget(name: "ELSAExperimentsTests", dependencies: ["_ELSASupport", "ELSAExperiments", "ELSABaselines", "ZIPFoundation"]),
        /// The `elsa` executable end to end (run as a process; `make test` builds it first).
        .testTarget(name: "ELSACommandLineTests"),
        .testTarget(name: "ELSATests", dependencies: ["ELSA", "ELSADistributed"]),
    ]
)
