// One start-up measurement in a fresh page, opened once per run by
// scripts/bench.mjs: `?measure=init` times `init()` of the release package
// (www/pkg: fetch + compile + instantiate the wasm), `?measure=fetch` times
// only downloading the same .wasm (the baseline). Published on
// `globalThis.loopbridgeStartup` as { measure, ms, readyMs } where readyMs is
// the time from navigation start to the end of the measurement.
import init from '../pkg/demo.js';

const WASM_URL = new URL('../pkg/loopbridge_glue_bg.wasm', import.meta.url);
const MEASURES = {
  init: () => init(),
  fetch: async () => {
    const response = await fetch(WASM_URL);
    await response.arrayBuffer();
  },
};

const status = document.getElementById('startup-status');
const measure = new URLSearchParams(location.search).get('measure') ?? 'init';
try {
  const started = performance.now();
  await MEASURES[measure]();
  const ended = performance.now();
  globalThis.loopbridgeStartup = { measure, ms: ended - started, readyMs: ended };
  status.textContent = `${measure}: ${(ended - started).toFixed(1)} ms`;
} catch (error) {
  globalThis.loopbridgeStartup = { measure, error: String(error) };
  status.textContent = `Failed: ${error}`;
}
