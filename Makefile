# loopbridge: `make demo` builds and serves the page, `make test` runs every test.
# Both install whatever is missing first (scripts/setup.sh), so they work on a fresh machine.

PORT ?= 8080
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMIUM ?= /usr/bin/chromium
WASM_TARGET := --target wasm32-unknown-unknown

.PHONY: demo serve build build-core size bench setup setup-test test lint test-wasm test-wasm-chrome test-wasm-firefox test-types fuzz-builds test-page clean

demo: setup build serve

serve:
	python3 scripts/serve.py --port $(PORT)

# The package: wasm-bindgen's glue (loopbridge_glue.js, internal) plus the
# entry that is the API (js/: loopbridge.js and its .d.ts).
ENTRY := js/loopbridge.js js/public_class.js js/loopbridge.d.ts
comma := ,
# $(call package,dir,cargo flags,wasm-pack flags,profile): profile --release by default.
define package
	wasm-pack build --target web $(or $(4),--release) --out-dir $(1) --out-name loopbridge_glue $(3) -- $(2)
	cp $(ENTRY) $(1)/
endef

build: setup
	$(call package,www/pkg,--features talc)
	wasm-pack build --target web --release --out-dir www/jspi/pkg --no-pack --no-opt -- --no-default-features --features jspi,talc

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

test: setup-test lint test-wasm build size test-types fuzz-builds test-page
	@echo "make test: all passed"

lint:
	cargo fmt --check
	cargo clippy $(WASM_TARGET) --all-targets -- -D warnings
	cargo clippy $(WASM_TARGET) --features bench,talc -- -D warnings
	cargo clippy $(WASM_TARGET) --no-default-features --all-targets -- -D warnings
	cargo clippy $(WASM_TARGET) --no-default-features --features jspi,talc -- -D warnings
	cargo clippy $(WASM_TARGET) --features probe -- -D warnings

# The core alone (no ThreadCounter/SharedCounter, no demo exports): the smallest module.
build-core: setup
	$(call package,target/pkg-core,--no-default-features --features talc,--no-pack)

# Fails if a release build is over its gzip budget (scripts/size.mjs).
size: build build-core
	node scripts/size.mjs

# The builds the hostile-input test fuzzes (tests/e2e/hostile.test.mjs), served
# from www/fuzz/: default features (dlmalloc) and talc, release and debug, each
# with the `probe` exports that check the stack and heap after every call.
fuzz-builds: setup
	$(call package,www/fuzz/default-release,--features probe,--no-pack)
	$(call package,www/fuzz/default-debug,--features probe,--no-pack,--dev)
	$(call package,www/fuzz/talc-release,--features probe$(comma)talc,--no-pack)
	$(call package,www/fuzz/talc-debug,--features probe$(comma)talc,--no-pack,--dev)

# The wasm-bindgen-test suites (and doc examples, compiled), debug and release,
# in headless Chromium and Firefox.
test-wasm: test-wasm-chrome test-wasm-firefox

test-wasm-chrome:
	CHROMEDRIVER=/usr/bin/chromedriver cargo test $(WASM_TARGET)
	CHROMEDRIVER=/usr/bin/chromedriver cargo test $(WASM_TARGET) --release

test-wasm-firefox:
	GECKODRIVER=$$(command -v geckodriver) cargo test $(WASM_TARGET)
	GECKODRIVER=$$(command -v geckodriver) cargo test $(WASM_TARGET) --release

# The published .d.ts types real usage (tests/types/usage.ts).
test-types:
	tsc -p tests/types/tsconfig.json

# playwright-core drives Debian's Chromium against the page served as `make demo` serves it.
test-page:
	node --test --test-concurrency=1 tests/e2e/

# Benchmarks side by side with their baselines in headless Chromium -> bench/results.{json,md}.
bench: setup-test size
	$(call package,www/bench/pkg,--features bench$(comma)talc,--no-pack)
	node scripts/bench.mjs

clean:
	cargo clean
	rm -rf www/pkg www/jspi/pkg www/bench/pkg www/fuzz
