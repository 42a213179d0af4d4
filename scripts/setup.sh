#!/usr/bin/env bash
# Installs what loopbridge needs, skipping whatever is already there.
#   scripts/setup.sh          toolchain for building the page (make demo)
#   scripts/setup.sh --test   plus browsers and drivers (make test)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
want_browsers=false
[ "${1:-}" = "--test" ] && want_browsers=true

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  # No --locked: the registry mirror can lack the newest patch of a transitive crate.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! have wasm-pack; then
  say "installing wasm-pack (about 2 minutes)"
  cargo install wasm-pack
fi

# npm records what it installed in node_modules/.package-lock.json; reinstall
# when that is missing or older than the lock file.
if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  say "installing npm packages (binaryen for wasm-opt, playwright-core, axe-core, typescript, lighthouse)"
  npm ci --no-audit --no-fund
fi

if $want_browsers; then
  missing=()
  have chromium || missing+=(chromium)
  have chromedriver || missing+=(chromium-driver)
  have firefox-esr || have firefox || missing+=(firefox-esr)
  # WebKit: WebKitWebDriver drives WebKitGTK's MiniBrowser, which needs a
  # display: xvfb-run gives it one.
  have WebKitWebDriver || missing+=(webkit2gtk-driver)
  have xvfb-run || missing+=(xvfb)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    apt_sudo=""
    [ "$(id -u)" -eq 0 ] || apt_sudo="sudo"
    $apt_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $apt_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
  if ! have geckodriver; then
    say "installing geckodriver (about 2 minutes)"
    cargo install geckodriver
  fi
fi
say "ready"
