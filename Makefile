# loopbridge: `make demo` builds and serves the page, `make test` runs every test.
# Both install whatever is missing first (scripts/setup.sh), so they work on a fresh machine.

PORT ?= 8080
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMIUM ?= /usr/bin/chromium
WASM_TARGET := --target wasm32-unknown-unknown

.PHONY: lighthouse demo serve build build-npm build-npm-bundler pack test-examples test-engines build-rust-user size bench setup setup-test test lint test-wasm test-wasm-chrome test-wasm-firefox test-wasm-webkit test-types fuzz-builds test-page clean

demo: setup build serve

serve:
	python3 scripts/serve.py --port $(PORT)

# Three builds, one per audience:
# - the npm package (npm/, crate loopbridge-npm) -> target/npm-pkg: the glue
#   (loopbridge_glue.js, internal) plus the entry that is the API (npm/js);
# - the demo page's module (demo/, crate loopbridge-demo) -> www/pkg: the
#   package plus the page's samples, with the demo entry (demo/js/demo.js);
# - a Rust user's module (examples/rust-user) -> target/rust-user-pkg: it must
#   export only its own items (tests/e2e/surfaces.test.mjs).
# The entry's files: those of every wasm-pack target, then the target's own
# (npm/js/targets/<target>: the entry loopbridge.js and the worker's script).
NPM_JS := $(addprefix npm/js/,api.js public_class.js workers.js worker_main.js loopbridge.d.ts)
NPM_ENTRY := $(NPM_JS) npm/js/targets/web/loopbridge.js npm/js/targets/web/worker.js
DEMO_ENTRY := $(NPM_ENTRY) demo/js/demo.js demo/js/demo.d.ts
comma := ,
# $(call package,crate dir,out dir,cargo flags,wasm-pack flags,profile,entry files):
# profile --release by default, entry the demo's by default.
define package
	rm -rf $(2)
	wasm-pack build $(1) --target web $(or $(5),--release) --out-dir $(CURDIR)/$(2) --out-name loopbridge_glue $(4) -- $(3)
	cp $(or $(6),$(DEMO_ENTRY)) $(2)/
	rm -f $(2)/.gitignore
endef

build: setup
	$(call package,demo,www/pkg,--features talc,--no-pack)
	wasm-pack build demo --target web --release --out-dir $(CURDIR)/www/jspi/pkg --out-name loopbridge_glue --no-pack --no-opt -- --features jspi,talc

# The npm package: what `npm publish` would ship (its package.json is
# npm/package.json: the entry is the only way in). The `web` build for
# browsers and bundlers, and in node/ the `nodejs` build (the `node` export
# condition): CommonJS glue (node/package.json) that shares the web build's
# .wasm and its ES-module snippets, loaded with require(esm) (scripts/node_build.mjs).
build-npm: setup
	$(call package,npm,target/npm-pkg,--features talc,--no-pack,,$(NPM_ENTRY) npm/package.json npm/README.md)
	wasm-pack build npm --target nodejs --release --out-dir $(CURDIR)/target/npm-pkg/node --out-name loopbridge_glue --no-pack -- --features talc
	cp npm/js/targets/node/* target/npm-pkg/node/
	node scripts/node_build.mjs target/npm-pkg/node
	rm -f target/npm-pkg/node/.gitignore

# The same package built with wasm-pack's `bundler` target (the bundler
# instantiates the module: Vite with vite-plugin-wasm, webpack 5 with
# asyncWebAssembly). Not published; examples/ shows how to use it.
build-npm-bundler: setup
	wasm-pack build npm --target bundler --release --out-dir $(CURDIR)/target/npm-pkg-bundler --out-name loopbridge_glue --no-pack -- --no-default-features --features talc
	cp $(NPM_JS) npm/js/targets/bundler/* npm/README.md target/npm-pkg-bundler/
	node scripts/bundler_package_json.mjs npm/package.json > target/npm-pkg-bundler/package.json
	rm -f target/npm-pkg-bundler/.gitignore

# The two builds packed as npm would publish them (the tarballs examples/ install).
pack: build-npm build-npm-bundler
	rm -rf target/pack && mkdir -p target/pack/web target/pack/bundler
	cd target/npm-pkg && npm pack --silent --pack-destination ../pack/web
	cd target/npm-pkg-bundler && npm pack --silent --pack-destination ../pack/bundler

# A Rust program that depends on the library (examples/rust-user).
build-rust-user: setup
	wasm-pack build examples/rust-user --target web --release --out-dir $(CURDIR)/target/rust-user-pkg --no-pack

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

test: setup-test lint test-wasm build build-npm build-rust-user size test-types fuzz-builds test-page test-engines test-examples
	@echo "make test: all passed"

lint:
	cargo fmt --all --check
	cargo clippy $(WASM_TARGET) --workspace --all-targets -- -D warnings
	cargo clippy $(WASM_TARGET) -p loopbridge --features jspi -- -D warnings
	cargo clippy $(WASM_TARGET) -p loopbridge-npm --no-default-features -- -D warnings
	cargo clippy $(WASM_TARGET) -p loopbridge-demo --features bench,probe,talc -- -D warnings
	cargo clippy $(WASM_TARGET) -p loopbridge-demo --features jspi,talc -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc $(WASM_TARGET) -p loopbridge --no-deps --features jspi
	RUSTDOCFLAGS="-D warnings" cargo doc $(WASM_TARGET) -p loopbridge-npm -p loopbridge-demo --no-deps

# Fails if a release build is over its gzip budget (scripts/size.mjs).
size: build build-npm build-rust-user
	node scripts/size.mjs

# The builds the hostile-input test fuzzes (tests/e2e/hostile.test.mjs), served
# from www/fuzz/: the demo module (every export) with dlmalloc and with talc,
# release and debug, each with the `probe` exports that check the stack and
# heap after every call.
fuzz-builds: setup
	$(call package,demo,www/fuzz/default-release,--features probe,--no-pack)
	$(call package,demo,www/fuzz/default-debug,--features probe,--no-pack,--dev)
	$(call package,demo,www/fuzz/talc-release,--features probe$(comma)talc,--no-pack)
	$(call package,demo,www/fuzz/talc-debug,--features probe$(comma)talc,--no-pack,--dev)

# The wasm-bindgen-test suites (and doc examples, compiled), debug and release,
# in headless Chromium and Firefox, and debug in WebKit.
test-wasm: test-wasm-chrome test-wasm-firefox test-wasm-webkit

test-wasm-chrome:
	CHROMEDRIVER=/usr/bin/chromedriver cargo test $(WASM_TARGET) --workspace
	CHROMEDRIVER=/usr/bin/chromedriver cargo test $(WASM_TARGET) --workspace --release

test-wasm-firefox:
	GECKODRIVER=$$(command -v geckodriver) cargo test $(WASM_TARGET) --workspace
	GECKODRIVER=$$(command -v geckodriver) cargo test $(WASM_TARGET) --workspace --release

# WebKitGTK (scripts/webkit_driver.py): no SharedArrayBuffer, no JSPI, no
# async iteration of streams; the suites take the paths users there get.
test-wasm-webkit:
	WEBKIT_WEBDRIVER=1 cargo test $(WASM_TARGET) --workspace

# The demo's .d.ts types real usage (tests/types/usage.ts); the npm
# package's is checked by its consumer project, examples/typescript.
test-types:
	tsc -p tests/types/tsconfig.json

# playwright-core drives Debian's Chromium against the page served as `make demo` serves it
# (a11y.test.mjs runs axe-core, from npm, over it).
test-page:
	node --test --test-concurrency=1 tests/e2e/

# The page in Chromium, Firefox and WebKit (WebKitGTK under xvfb-run), over WebDriver.
test-engines: build
	node --test --test-concurrency=1 tests/engines/

# The consumer projects in examples/ install the packed tarballs, build with
# Vite, webpack, esbuild or nothing, and run in headless Chromium and Node.
test-examples: pack
	node --test --test-concurrency=1 tests/examples/

# Lighthouse scores of the page, phone and desktop (reports in target/lighthouse/).
lighthouse: setup-test build
	node scripts/lighthouse.mjs

# Benchmarks side by side with their baselines in headless Chromium -> bench/results.{json,md}.
bench: setup-test size
	$(call package,demo,www/bench/pkg,--features bench$(comma)talc,--no-pack)
	node scripts/bench.mjs

clean:
	cargo clean
	rm -rf www/pkg www/jspi/pkg www/bench/pkg www/fuzz target/npm-pkg target/npm-pkg-bundler target/rust-user-pkg
