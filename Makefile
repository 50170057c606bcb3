# The front door. Every target installs the Debian packages it needs first;
# the logic lives in CMake, tests/ and tools/.
BUILD      := build
SANITIZE   := build/sanitize
JOBS       ?= $(shell nproc)
ANSWERS    ?= examples/answers.toml

CMAKE := cmake -G Ninja -Wno-dev

.PHONY: all build test demo bench fuzz bundle format tidy clean deps

all: build

deps:
	@tools/install-deps.sh build

# Release executables, fully static, in build/bin/.
build: deps
	@$(CMAKE) -S . -B $(BUILD) -DKHA_STATIC=ON -DKHA_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Every test through CTest, in an ASan+UBSan build, plus the e2e scenarios
# that need the static executables from `make build`.
test: build
	@tools/install-deps.sh test
	@$(CMAKE) -S . -B $(SANITIZE) -DKHA_SANITIZE=ON -DKHA_TESTS=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(SANITIZE) -j $(JOBS)
	@cd $(SANITIZE) && KHA_STATIC_BIN=$(CURDIR)/$(BUILD)/bin ctest --output-on-failure -j $(JOBS)

# The main job on the embedded example: every node rendered under build/demo/<node>/.
demo: build
	@tools/demo.sh $(BUILD)/bin/kha-install $(ANSWERS) $(BUILD)/demo

# A signed bundle of the artifacts in $(BUNDLE_DIR) (kube binaries, etcd,
# flannel, .debs, source tarballs) for air-gapped installs; the key is made
# on first use.
BUNDLE_DIR ?= artifacts
BUNDLE_KEY ?= kha-release.key
bundle: build
	@test -f $(BUNDLE_KEY) || $(BUILD)/bin/kha-bundle keygen $(BUNDLE_KEY)
	@$(BUILD)/bin/kha-bundle create --key $(BUNDLE_KEY) --out $(BUILD)/kha-artifacts.bundle $(BUNDLE_DIR)
	@$(BUILD)/bin/kha-bundle verify --trusted-key $(BUNDLE_KEY).pub $(BUILD)/kha-artifacts.bundle

bench: build
	@tools/install-deps.sh test bench
	@tests/bench/run.sh $(BUILD)

# Every libFuzzer target for a bounded time from its corpus in tests/fuzz/.
fuzz:
	@tools/install-deps.sh build fuzz
	@CC=clang CXX=clang++ $(CMAKE) -S . -B build/fuzz -DKHA_FUZZ=ON -DKHA_TESTS=OFF >/dev/null
	@cmake --build build/fuzz --target kha_fuzzers -j $(JOBS)
	@tests/fuzz/run.sh build/fuzz

format:
	@clang-format -i $$(git ls-files '*.cc' '*.h')

# clang 14 compiles C++20 coroutines but does not announce them, so
# libstdc++'s <coroutine> hides itself; this define lets clang-tidy read the
# proxy's coroutine code. -Wno-unknown-warning-option: GCC-only flags.
TIDY_ARGS := -extra-arg=-D__cpp_impl_coroutine=201902L -extra-arg=-Wno-unknown-warning-option

tidy:
	@$(CMAKE) -S . -B $(SANITIZE) -DKHA_SANITIZE=ON >/dev/null
	@run-clang-tidy -quiet $(TIDY_ARGS) -p $(SANITIZE) $$(git ls-files '*.cc' | grep -v '^tests/fuzz/')

clean:
	rm -rf $(BUILD)
