// Stream throughput: 0..N-1 drained three ways from loopbridge's countStream,
// the wasm-streams design it replaces, and two pure-JS streams.
import { countStream } from './pkg/loopbridge.js';
// Bench-only export (feature bench): internal, so from the glue.
import { wasmStreamsCountStream } from './pkg/loopbridge_glue.js';
import { oneAfterAnother } from './runner.js';
import { CONSUMERS, jsAsyncGenerator, jsSyncPull } from './streams.js';

const N = 50_000;
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
    explanation: `Items per second reading ${N.toLocaleString('en-US')} numbers through each consumer `
      + `(highWaterMark ${HWM}); higher is better. The baseline, a pure-JS stream that enqueues synchronously, is the ceiling for per-item reads.`,
    better: 'higher',
    benchmarks: Object.entries(CONSUMERS).map(([consumer, drain]) => ({
      id: `throughput-${consumer}`,
      title: `stream throughput, ${consumer}`,
      baseline: BASELINE,
      warmup: 2,
      runs: 11,
      metrics: [{ key: 'rate', label: 'throughput', unit: 'items/s' }],
      candidates: Object.keys(SOURCES),
      round: oneAfterAnother(SOURCES, async (make) => {
        const started = performance.now();
        const items = await drain(make());
        if (items !== N) throw new Error(`${consumer}: read ${items} items, expected ${N}`);
        return { rate: N / ((performance.now() - started) / 1000) };
      }),
    })),
  };
}
