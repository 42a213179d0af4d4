// Stream throughput: 0..N-1 drained three ways from loopbridge's countStream,
// the wasm-streams design it replaces, and two pure-JS streams.
import { countStream } from './pkg/demo.js';
// Bench-only export (feature bench): internal, so from the glue.
import { wasmStreamsCountStream } from './pkg/loopbridge_glue.js';
import { oneAfterAnother } from './runner.js';
import { CONSUMERS_FOR, jsAsyncGenerator, jsSyncPull } from './streams.js';

/** Each run reads for this long, from a stream that does not end first. */
const WINDOW_MS = 400;
const N = Number.MAX_SAFE_INTEGER;
const HWM = 64;
const BASELINE = 'JS stream, sync pull up to desiredSize';

const SOURCES = {
  [BASELINE]: () => jsSyncPull(N, HWM),
  'JS stream from an async generator': () => jsAsyncGenerator(N),
  'wasm-streams from_stream': () => wasmStreamsCountStream(N),
  'loopbridge countStream': () => countStream(N, { highWaterMark: HWM }),
};

export function throughputGroup() {
  return {
    id: 'throughput',
    title: 'Stream throughput',
    explanation: `Items per second reading numbers through each consumer for ${WINDOW_MS} ms per run `
      + `(highWaterMark ${HWM}); higher is better. The baseline, a pure-JS stream that enqueues synchronously, is the ceiling for per-item reads. `
      + 'Ratios are the median of each run\'s ratio to the baseline measured just before or after it.',
    better: 'higher',
    benchmarks: Object.entries(CONSUMERS_FOR).map(([consumer, readFor]) => ({
      id: `throughput-${consumer}`,
      title: `stream throughput, ${consumer}`,
      baseline: BASELINE,
      warmup: 2,
      runs: 15,
      metrics: [{ key: 'rate', label: 'throughput', unit: 'items/s' }],
      candidates: Object.keys(SOURCES),
      round: oneAfterAnother(SOURCES, async (make) => {
        const started = performance.now();
        const items = await readFor(make(), WINDOW_MS);
        return { rate: items / ((performance.now() - started) / 1000) };
      }),
    })),
  };
}
