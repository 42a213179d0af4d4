#!/usr/bin/env bash
# Cargo's runner for wasm32 tests (.cargo/config.toml): wasm-bindgen-test-runner,
# run again (up to 3 tries) only when the browser never started the suite.
#
# A page that never loads its test module (the runner's "Loading scripts..."),
# or whose output the driver could not read before the suite's start showed
# (Firefox once ended the runner's polling script by its timeout), is not a
# test result, so it is retried; a suite whose start was seen is reported as
# it ended, never retried. In Chromium and Firefox it happened one
# run in two until scripts/close_proxy.py; the retry stays for what else may stall.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
capabilities=$(mktemp --suffix=.json)
proxy=""
trap 'rm -f "$log" "$capabilities"; [ -n "$proxy" ] && kill "$proxy" 2>/dev/null' EXIT

# Every crate of the workspace runs its tests from its own folder: one
# webdriver.json for all. The browser goes through scripts/close_proxy.py
# (why: see there), so this run's copy gets the proxy's port.
cp "$root/webdriver.json" "$capabilities"

# Files named by wasm_bindgen::link_to! are served as files, not as blob:
# URLs, as in the package's own build (split-linked-modules), so that a
# worker's script can import its neighbours (npm/tests/worker_starter).
export WASM_BINDGEN_SPLIT_LINKED_MODULES=1
if [ -n "${CHROMEDRIVER:-}${GECKODRIVER:-}" ]; then
  exec {ports}< <(exec python3 "$root/scripts/close_proxy.py")
  proxy=$!
  read -r -u "$ports" port
  node -e '
    const fs = require("fs");
    const [file, port] = process.argv.slice(1);
    const caps = JSON.parse(fs.readFileSync(file, "utf8"));
    caps["goog:chromeOptions"].args.push(`--proxy-server=http://127.0.0.1:${port}`, "--proxy-bypass-list=<-loopback>");
    caps["moz:firefoxOptions"].prefs = {
      ...caps["moz:firefoxOptions"].prefs,
      "network.proxy.type": 1,
      "network.proxy.http": "127.0.0.1",
      "network.proxy.http_port": Number(port),
      "network.proxy.no_proxies_on": "",
      "network.proxy.allow_hijacking_localhost": true,
    };
    fs.writeFileSync(file, JSON.stringify(caps));
  ' "$capabilities" "$port"
fi
# WebKit (WEBKIT_WEBDRIVER=1): WebKitGTK's driver behind scripts/webkit_driver.py,
# which the runner drives as a remote "Safari" (through the same proxy).
if [ -n "${WEBKIT_WEBDRIVER:-}" ]; then
  exec {ports}< <(exec python3 "$root/scripts/close_proxy.py")
  proxy=$!
  read -r -u "$ports" port
  exec {driver_ports}< <(exec python3 "$root/scripts/webkit_driver.py" "$port")
  webkit=$!
  trap 'rm -f "$log" "$capabilities"; kill "$proxy" "$webkit" 2>/dev/null' EXIT
  read -r -u "$driver_ports" driver_port
  export SAFARIDRIVER_REMOTE="http://127.0.0.1:$driver_port"
fi
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$capabilities"
for try in 1 2 3; do
  wasm-bindgen-test-runner "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  # A suite whose start was seen ran: its result stands, pass or fail.
  if [ "$status" -eq 0 ] || grep -qE '^running [0-9]+ tests?' "$log"; then
    exit "$status"
  fi
  echo "wasm-test-runner: the suite's start was never seen (try $try of 3); starting it again" >&2
done
exit "$status"
