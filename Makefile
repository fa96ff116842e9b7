# Thin wrapper over CMake: the README's two entry points are `make demo` and
# `make test`. Both install missing Debian packages, configure and build first.

BUILD_DIR ?= build
LLVM_PREFIX ?= /usr/lib/llvm-22
JOBS ?= $(shell nproc)
PYTHON ?= /usr/bin/python3
RESULTS := $(BUILD_DIR)/test-results

CMAKE_FLAGS := -G Ninja \
	-DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
	-DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit \
	-DCMAKE_BUILD_TYPE=Release

.PHONY: all deps configure build test check-lit check-unit check-python demo docs bench clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Runs every suite even when an earlier one fails, then prints one combined
# summary line and exits non-zero if anything failed.
test: build
	@mkdir -p $(RESULTS)
	@rm -f $(RESULTS)/*.xml
	@status=0; \
	echo "=== lit (check-cim) ==="; \
	$(LLVM_PREFIX)/bin/lit -sv --xunit-xml-output=$(RESULTS)/lit.xml $(BUILD_DIR)/test || status=1; \
	echo "=== GoogleTest (ctest) ==="; \
	ctest --test-dir $(BUILD_DIR) --output-on-failure --output-junit $(CURDIR)/$(RESULTS)/ctest.xml -j $(JOBS) || status=1; \
	echo "=== pytest ==="; \
	CIM_BUILD_DIR=$(CURDIR)/$(BUILD_DIR) PYTHONPATH=$(CURDIR)/python $(PYTHON) -m pytest -q python/tests --junitxml=$(RESULTS)/pytest.xml || status=1; \
	$(PYTHON) scripts/summarize-tests.py $(RESULTS) || status=1; \
	exit $$status

check-lit: build
	$(LLVM_PREFIX)/bin/lit -sv $(BUILD_DIR)/test

check-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure

check-python: build
	CIM_BUILD_DIR=$(CURDIR)/$(BUILD_DIR) PYTHONPATH=$(CURDIR)/python $(PYTHON) -m pytest -q python/tests

demo: build
	@bash examples/demo.sh $(BUILD_DIR)

# Benchmarks print ratios measured side by side (not part of `make test`).
bench: build
	@bash bench/run-import-bench.sh $(BUILD_DIR)
	@$(PYTHON) bench/simulator_speed.py $(BUILD_DIR)
	@$(PYTHON) bench/real_networks.py $(BUILD_DIR)

# Regenerates docs/dialects/*.md, docs/arch-fields.md and docs/onnx-ops.md from
# TableGen, the hardware-description schema and the importer's op table.
docs: build
	cmake --build $(BUILD_DIR) --target cim-docs
	CIM_BUILD_DIR=$(abspath $(BUILD_DIR)) PYTHONPATH=python $(PYTHON) -m cim.conformance --markdown docs/onnx-conformance.md

clean:
	rm -rf $(BUILD_DIR)
