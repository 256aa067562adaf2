# ELSA engine: the two commands of the README are `make run` and `make test`.
# Both install the system libraries they need (Debian: libopenblas-dev, liblapacke-dev, and Open MPI
# for training across processes: openmpi-bin, libopenmpi-dev).

SHELL := /bin/bash
SWIFT ?= swift
# CPU flags come from here, never from Package.swift (unsafeFlags would stop
# the package from being used as a dependency). AVX2/FMA only where the CPU has them.
HAS_AVX2 := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null && echo yes)
ifeq ($(HAS_AVX2),yes)
CPU_FLAGS := -Xcc -march=x86-64-v3 -Xswiftc -target-cpu -Xswiftc haswell
endif
RELEASE_FLAGS := -c release -Xswiftc -enforce-exclusivity=unchecked $(CPU_FLAGS)
ELSA := .build/release/elsa

DATA ?= synthetic
FORMAT ?=
PRESET ?= quick

.PHONY: all deps build run test bench clean speed speed-build docs

all: build

# Installs the apt packages when a header or pkg-config entry is missing.
deps:
	@if ! pkg-config --exists openblas lapacke ompi-c 2>/dev/null || [ ! -f /usr/include/lapacke.h ] || ! command -v mpirun >/dev/null; then \
		echo "Installing libopenblas-dev liblapacke-dev openmpi-bin libopenmpi-dev pkg-config (apt)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			libopenblas-dev liblapacke-dev openmpi-bin libopenmpi-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product elsa

# The main job on the embedded synthetic data: no download, no files needed.
run: build
	$(ELSA) demo

# The suite runs with the OpenBLAS variables `elsa` sets for itself when it starts (`elsa platform
# --environment`): the test process cannot relaunch itself, and where OpenBLAS 0.3.21 does not know
# the CPU it would otherwise run its SSE3 kernels.
test: build
	env $$($(ELSA) platform --environment) $(SWIFT) test $(RELEASE_FLAGS) --disable-xctest

bench: build
	$(ELSA) bench --data $(DATA) $(if $(FORMAT),--format $(FORMAT)) --preset $(PRESET)

# docs/cli.md: every command's help, generated from the tool (a test checks it is current).
docs: build
	scripts/cli-docs.sh $(ELSA) > docs/cli.md

clean:
	rm -rf .build

# Speed benchmarks (nested package; not part of `make test`). Ratios are measured side by side.
SPEED := Benchmarks/.build/release/speed
speed-build: deps
	# The build plan of a path dependency goes stale when its files are added or removed: re-plan.
	rm -rf Benchmarks/.build/*.yaml Benchmarks/.build/*/release/speed.build
	cd Benchmarks && $(SWIFT) build $(RELEASE_FLAGS)

speed: speed-build
	$(SPEED) dense-epoch --data $(DATA) --format $(or $(FORMAT),adjacency)
	$(SPEED) sparse-epochs --data $(DATA) --format $(or $(FORMAT),adjacency)
	$(SPEED) scoring --data $(DATA) --format $(or $(FORMAT),adjacency)

# libFuzzer targets of every file reader and loader (Fuzz/Targets), FUZZ_SECONDS each (default 30).
.PHONY: fuzz
fuzz: deps
	Fuzz/run.sh $(or $(FUZZ_SECONDS),30)
