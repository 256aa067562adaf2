// swift-tools-version:6.0
// Speed benchmarks, kept out of `make test`: `make speed` (or `swift run -c release speed ...` here).
// Each prints ratios measured side by side in one run; absolute times move on shared machines.
import PackageDescription

let package = Package(
    name: "ELSABenchmarks",
    // The name gives the parent package the identity "ELSA" whatever its folder is called (a path
    // dependency's identity is otherwise its folder's name).
    dependencies: [.package(name: "ELSA", path: "..")],
    targets: [
        .executableTarget(name: "speed", dependencies: [.product(name: "ELSA", package: "ELSA")]),
    ]
)
