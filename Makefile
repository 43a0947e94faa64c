# Thin wrapper around CMake. See README.md.
#   make run    install what is missing, build, run the main job
#   make test   install what is missing, build with ASan+UBSan, run every test under ctest
#   make bench  build optimised, run the micro-benchmarks, write JSON to build/bench/results/
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build

.PHONY: all setup build run test bench clean

all: build

setup:
	@bash scripts/setup

$(BUILD)/release/Makefile:
	@cmake -S . -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release >/dev/null

build: setup $(BUILD)/release/Makefile
	@cmake --build $(BUILD)/release -j $(JOBS)

run: build
	@$(BUILD)/release/iommusim run scenarios/demo/

$(BUILD)/test/Makefile:
	@cmake -S . -B $(BUILD)/test -DCMAKE_BUILD_TYPE=Debug -DIOMMUSIM_SANITIZE=ON >/dev/null

test: setup $(BUILD)/test/Makefile
	@cmake --build $(BUILD)/test -j $(JOBS)
	@cd $(BUILD)/test && ctest --output-on-failure -j $(JOBS)

bench: build
	@bash bench/run-all $(BUILD)/release $(BUILD)/bench/results

clean:
	rm -rf $(BUILD)
