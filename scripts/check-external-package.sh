#!/usr/bin/env bash
# Builds a throwaway package outside the repository that depends on it by path, imports ELSA and
# constructs a CompressedELSA: the check that the library works as another package's dependency
# (no unsafe flags in its manifest, the product "ELSA" public, the estimators reachable).
#
#   scripts/check-external-package.sh [REPOSITORY]   (default: this script's repository)
#
# The dependency carries `name: "ELSA"`, so its identity is "ELSA" whatever the checkout's folder is
# called. Exits non-zero when the package does not resolve, build or run. SWIFT overrides the
# `swift` executable; KEEP=1 keeps the temporary package.
set -euo pipefail

given=${1:-$(dirname "$0")/..}
if [ ! -f "$given/Package.swift" ]; then
    echo "error: $given has no Package.swift" >&2
    exit 2
fi
repository=$(cd "$given" && pwd)
swift=${SWIFT:-swift}

work=$(mktemp -d "${TMPDIR:-/tmp}/elsa-external-XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping $work"
else
    # SwiftPM also leaves lock files named after the package's path in the temporary directory.
    locks="$(dirname "$work")/$(printf '%s' "$work" | tr / _)_"
    trap 'rm -rf "$work"; rm -f "$locks"*' EXIT
fi

mkdir -p "$work/Sources/ExternalCheck"
# The path is written as a Swift string literal: escape backslashes and quotes.
escaped=$(printf '%s' "$repository" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
cat > "$work/Package.swift" <<MANIFEST
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ExternalCheck",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "ELSA", path: "$escaped"),
    ],
    targets: [
        .executableTarget(name: "ExternalCheck", dependencies: [
            .product(name: "ELSA", package: "ELSA"),
        ]),
    ]
)
MANIFEST
cat > "$work/Sources/ExternalCheck/main.swift" <<'SOURCE'
import ELSA

let model = try CompressedELSA()
print("constructed CompressedELSA (model \(model.recipe.model.rawValue))")
SOURCE

echo "Building an external package that depends on $repository"
(cd "$work" && "$swift" build)
(cd "$work" && "$swift" run --skip-build ExternalCheck)
echo "The external package builds against $repository"
