#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/Targets against the package's modules and runs each for a
# bounded time. Usage: Fuzz/run.sh [SECONDS] [TARGET ...]   (default: 30 seconds, every target)
#
# - The modules are built with -sanitize=fuzzer,address into .build-fuzz (its own scratch path);
#   each target is one Swift file, linked with Fuzz/Support and the modules' objects by swiftc.
# - A target whose corpus folder Fuzz/corpus/TARGET is missing or empty first writes its seeds
#   there: small valid files made by the engine (ELSA_FUZZ_WRITE_SEEDS, see FuzzSupport).
# - libFuzzer writes new inputs to .build-fuzz/corpus/TARGET; after the run, those that add
#   coverage are merged (-merge=1) into Fuzz/corpus/TARGET. A corpus grown past FUZZ_CORPUS_CAP
#   files (default 200) is minimized afresh and cut to its smallest inputs, so it stays small.
#   Inputs are at most FUZZ_MAX_LEN bytes (default 8192).
# - Each run's output goes to .build-fuzz/logs/TARGET.log (a file, never a pipe: after a crash
#   libFuzzer's helpers can hold a pipe open). A crashing input is saved as
#   Fuzz/crashes/TARGET-crash-*; replay it with `.build-fuzz/release/fuzz/TARGET FILE`.
# Exits non-zero when a target crashed or failed to build.
set -uo pipefail

cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-30}
shift || true
ALL_TARGETS=$(ls Fuzz/Targets/*.swift | xargs -n1 basename | sed 's/\.swift$//')
TARGETS=${*:-$ALL_TARGETS}
SCRATCH=.build-fuzz
BUILD=$SCRATCH/release
MAX_LEN=${FUZZ_MAX_LEN:-8192}
CORPUS_CAP=${FUZZ_CORPUS_CAP:-200}
SWIFT=${SWIFT:-swift}
SWIFTC=${SWIFTC:-swiftc}
MODULES="_ELSASupport ELSALinearAlgebra ELSASparse _ELSAKernelsC ZIPFoundation ELSAData ELSAEvaluation ELSAModels ELSATraining _TestSupport"
FLAGS=(-c release --scratch-path "$SCRATCH" -Xswiftc -sanitize=fuzzer,address -Xswiftc -enforce-exclusivity=unchecked)

mkdir -p "$SCRATCH/logs"
echo "Building the modules with -sanitize=fuzzer,address (scratch path $SCRATCH)"
for target in ELSATraining _TestSupport; do  # one --target per build: SwiftPM honours only the last
    if ! $SWIFT build "${FLAGS[@]}" --target "$target" > "$SCRATCH/logs/build.log" 2>&1; then
        tail -30 "$SCRATCH/logs/build.log"
        echo "error: building $target failed (log: $SCRATCH/logs/build.log)"
        exit 1
    fi
done

OBJECTS=()
for module in $MODULES; do OBJECTS+=("$BUILD/$module.build"/*.o); done
mkdir -p "$BUILD/fuzz" "$SCRATCH/logs" Fuzz/crashes
failed=0
summary=()
for target in $TARGETS; do
    binary=$BUILD/fuzz/$target
    log=$SCRATCH/logs/$target.log
    # ld.gold warns "Cannot export local symbol __asan_*" for every such symbol: harmless, filtered out.
    if ! $SWIFTC -sanitize=fuzzer,address -parse-as-library -O -enforce-exclusivity=unchecked -module-name "$target" \
        "Fuzz/Targets/$target.swift" Fuzz/Support/*.swift -I "$BUILD/Modules" \
        -Xcc -fmodule-map-file=Sources/_COpenBLAS/module.modulemap \
        -Xcc -fmodule-map-file="$BUILD/_ELSAKernelsC.build/module.modulemap" \
        -Xcc -fmodule-map-file="$SCRATCH/checkouts/ZIPFoundation/Sources/CZLib/module.modulemap" -lz \
        $(pkg-config --cflags openblas | sed 's/^/-Xcc /') "${OBJECTS[@]}" -lopenblas -llapacke -o "$binary" \
        > "$SCRATCH/logs/$target.link.log" 2>&1; then
        grep -v "Cannot export local symbol" "$SCRATCH/logs/$target.link.log" | tail -20
        echo "error: linking $target failed"
        failed=1
        continue
    fi
    corpus=Fuzz/corpus/$target
    if [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
        ELSA_FUZZ_WRITE_SEEDS=$corpus "$binary" || { echo "error: $target wrote no seeds"; failed=1; continue; }
    fi
    work=$SCRATCH/corpus/$target
    mkdir -p "$work"
    echo "Fuzzing $target for $SECONDS_EACH s (log: $log)"
    # SWIFT_BACKTRACE: a trap goes straight to libFuzzer (the runtime's backtracer trips ASan).
    SWIFT_BACKTRACE=enable=no OPENBLAS_NUM_THREADS=1 "$binary" "$work" "$corpus" -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" \
        -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="Fuzz/crashes/$target-" > "$log" 2>&1
    status=$?
    runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)
    if [ $status -ne 0 ]; then
        failed=1
        summary+=("$target: CRASH (exit $status), see $log and Fuzz/crashes/$target-*")
        continue
    fi
    before=$(ls "$corpus" | wc -l)
    OPENBLAS_NUM_THREADS=1 "$binary" -merge=1 -max_len="$MAX_LEN" "$corpus" "$work" > "$SCRATCH/logs/$target.merge.log" 2>&1
    if [ "$(ls "$corpus" | wc -l)" -gt "$CORPUS_CAP" ]; then
        # Over the cap: minimize the whole corpus afresh, then keep the CORPUS_CAP smallest inputs.
        fresh=$SCRATCH/minimized/$target
        rm -rf "$fresh" && mkdir -p "$fresh"
        OPENBLAS_NUM_THREADS=1 "$binary" -merge=1 -max_len="$MAX_LEN" "$fresh" "$corpus" >> "$SCRATCH/logs/$target.merge.log" 2>&1
        ls -S "$fresh" | head -n -"$CORPUS_CAP" | while read -r name; do rm -f "$fresh/$name"; done
        rm -rf "$corpus" && mv "$fresh" "$corpus"
    fi
    after=$(ls "$corpus" | wc -l)
    summary+=("$target: ${runs:-no summary}s, no crash; corpus $before -> $after files")
done

echo
printf '%s\n' "${summary[@]}"
rmdir Fuzz/crashes 2>/dev/null || true
exit $failed
