// Start-up: `init()` of the release package (www/pkg) in a fresh page per run,
// against only fetching the same .wasm. Opened from node, one page per run,
// so it is measured outside the bench page (where the module is already compiled).
import { benchmarkResult } from '../../www/bench/stats.js';

const BASELINE = 'fetch of loopbridge_glue_bg.wasm only';
const MEASURES = {
  [BASELINE]: 'fetch',
  'loopbridge init()': 'init',
};

/** Runs the start-up benchmark with `driver.startupOnce(url)`; resolves to a result group. */
export async function startupGroup(driver, serverUrl, { warmup = 1, runs = 10, onProgress = () => {} } = {}) {
  const names = Object.keys(MEASURES);
  const samples = Object.fromEntries(names.map((name) => [name, { ms: [], readyMs: [] }]));
  for (let round = 0; round < warmup + runs; round += 1) {
    onProgress(`start-up: ${round < warmup ? 'warm-up' : `run ${round - warmup + 1}/${runs}`}`);
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length];
      const url = new URL(`bench/startup.html?measure=${MEASURES[name]}`, serverUrl).href;
      const { ms, readyMs } = await driver.startupOnce(url);
      if (round >= warmup) {
        samples[name].ms.push(ms);
        samples[name].readyMs.push(readyMs);
      }
    }
  }
  const bench = {
    id: 'startup-init',
    title: 'start-up in a fresh page',
    baseline: BASELINE,
    warmup,
    runs,
    metrics: [
      { key: 'ms', label: 'init() (or fetch) to resolved', unit: 'ms' },
      { key: 'readyMs', label: 'navigation start to resolved', unit: 'ms' },
    ],
  };
  return {
    id: 'startup',
    title: 'Start-up',
    explanation: `${driver.startupIsolation} The benchmark's server sends Cache-Control: no-store (serve.py --no-store), so the HTTP cache (and with it any cached compiled code) `
      + 'never helps: every run downloads and compiles the module again, over loopback. Lower is better.',
    better: 'lower',
    benchmarks: [benchmarkResult(bench, samples)],
  };
}
