// The benchmark page: runs each benchmark and its baselines side by side,
// several times after a warm-up, and publishes the results on
// `globalThis.loopbridgeBench` (read by scripts/bench.mjs) and as a table.
// Its own build of the package (feature `bench`), with the wasm-streams anchor.
import init, { countStream, wasmStreamsCountStream } from './pkg/loopbridge.js';

const RUNS = 7;
const WARMUP = 2;

/** Ways to consume a stream; each returns how many chunks it saw. */
const CONSUMERS = {
  'reader.read()': async (stream) => {
    const reader = stream.getReader();
    let count = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) return count;
      count += 1;
    }
  },
  'for await': async (stream) => {
    let count = 0;
    // eslint-disable-next-line no-unused-vars
    for await (const _ of stream) count += 1;
    return count;
  },
  'pipeTo(WritableStream)': async (stream) => {
    let count = 0;
    await stream.pipeTo(new WritableStream({ write() { count += 1; } }));
    return count;
  },
};

/** A pure-JS stream whose pull enqueues synchronously up to the desired size. */
function jsSyncPull(n, highWaterMark) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      while (controller.desiredSize > 0 && i < n) controller.enqueue(i++);
      if (i >= n) controller.close();
    },
  }, { highWaterMark });
}

/** A pure-JS stream pulled from an async generator: what a JS developer writes. */
function jsAsyncGenerator(n) {
  async function* numbers() {
    for (let i = 0; i < n; i += 1) yield i;
  }
  const iterator = numbers();
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
}

const N = 200_000;
const HWM = 64;

const BENCHMARKS = Object.entries(CONSUMERS).map(([consumer, drain]) => ({
  name: `stream throughput, ${consumer}`,
  unit: 'items/s',
  baseline: 'JS stream, sync pull up to desiredSize',
  candidates: {
    'JS stream, sync pull up to desiredSize': () => jsSyncPull(N, HWM),
    'JS stream from an async generator': () => jsAsyncGenerator(N),
    'wasm-streams from_stream': () => wasmStreamsCountStream(N),
    'loopbridge countStream': () => countStream(N, { highWaterMark: HWM }),
  },
  async measure(make) {
    const started = performance.now();
    const items = await drain(make());
    if (items !== N) throw new Error(`read ${items} items, expected ${N}`);
    return N / ((performance.now() - started) / 1000);
  },
}));

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1), samples };
}

async function run() {
  await init();
  const results = [];
  for (const bench of BENCHMARKS) {
    const samples = Object.fromEntries(Object.keys(bench.candidates).map((name) => [name, []]));
    for (let round = 0; round < WARMUP + RUNS; round += 1) {
      // Interleave candidates in each round so drift hits them alike.
      for (const [name, make] of Object.entries(bench.candidates)) {
        const value = await bench.measure(make);
        if (round >= WARMUP) samples[name].push(value);
      }
    }
    const stats = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, summary(s)]));
    const base = stats[bench.baseline].median;
    results.push({
      benchmark: bench.name,
      unit: bench.unit,
      baseline: bench.baseline,
      candidates: Object.entries(stats).map(([name, s]) => ({ name, ...s, ratio: s.median / base })),
    });
  }
  return { userAgent: navigator.userAgent, runs: RUNS, warmup: WARMUP, results };
}

const status = document.getElementById('bench-status');
try {
  status.textContent = 'Running…';
  const report = await run();
  globalThis.loopbridgeBench = report;
  document.getElementById('bench-table').textContent = report.results.map((r) =>
    [`${r.benchmark} (${r.unit}; baseline: ${r.baseline})`,
      ...r.candidates.map((c) => `  ${c.name}: median ${c.median.toFixed(0)}, ratio ${c.ratio.toFixed(2)}`)].join('\n'),
  ).join('\n\n');
  status.textContent = 'Done.';
} catch (error) {
  globalThis.loopbridgeBench = { error: String(error) };
  status.textContent = `Failed: ${error}`;
}
