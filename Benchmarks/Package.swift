// swift-tools-version:6.0
// Speed benchmarks, kept out of `make test`: `make speed` (or `swift run -c release speed ...` here).
// Each prints ratios measured side by side in one run; absolute times move on shared machines.
import PackageDescription

let package = Package(
    name: "ELSABenchmarks",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "speed", dependencies: [.product(name: "ELSA", package: "main")]),
    ]
)
