// Sync waits: what one synchronous wait for a Promise costs, each way there is
// to do it, against awaiting the same Promise in async JS. The JSPI module is
// loaded only where the browser has JSPI; the worker bridge needs the page to
// be cross-origin isolated (the bench server sends COOP/COEP).
import { BlockingWorker } from './pkg/demo.js';
import { oneAfterAnother } from './runner.js';

const N = 2_000;

/** `await` of an already resolved Promise, N times: the async baseline. */
async function awaitInJs() {
  let sum = 0;
  for (let i = 0; i < N; i += 1) sum += await Promise.resolve(1);
  return sum;
}

let jspi;
async function jspiModule() {
  if (!jspi) {
    jspi = await import('../jspi/pkg/loopbridge_glue.js');
    await jspi.default();
  }
  return jspi;
}

/** JSPI: the Rust code waits synchronously (run_async) in a suspendable export. */
async function waitForWithJspi() {
  const { waitFor } = await jspiModule();
  let sum = 0;
  for (let i = 0; i < N; i += 1) sum += await waitFor(Promise.resolve(1));
  return sum;
}

let worker;
/** The worker's sync loop: N block_on_page calls of a handler that resolves at once. */
async function blockInWorker() {
  worker ??= new BlockingWorker({ handler: () => Promise.resolve(1) });
  let sum = 0;
  for await (const result of worker.runSyncLoop({ count: N, delayMs: 0 })) {
    if (!result.ok) throw new Error(`call ${result.index} failed: ${result.error}`);
    sum += result.value;
  }
  return sum;
}

export function waitsGroup() {
  const candidates = { 'await in async JS': awaitInJs };
  if (typeof WebAssembly.Suspending === 'function') candidates['JSPI run_async (waitFor)'] = waitForWithJspi;
  if (globalThis.crossOriginIsolated) candidates['worker block_on_page (Atomics.wait)'] = blockInWorker;
  return {
    id: 'waits',
    title: 'Sync waits',
    explanation: `Time per wait for an already resolved Promise, over ${N.toLocaleString('en-US')} waits in a row; lower is better. `
      + 'JSPI: one call of a suspendable export that waits in plain Rust code (enter, suspend, resume, return). '
      + 'Worker: one round trip of the worker\'s synchronous loop: postMessage to the page, the page answers into a SharedArrayBuffer, '
      + 'Atomics.notify wakes the worker, and the result is posted back to the page as a stream chunk.',
    better: 'lower',
    benchmarks: [{
      id: 'waits-round-trip',
      title: 'one synchronous wait for a resolved Promise',
      baseline: 'await in async JS',
      warmup: 1,
      runs: 5,
      metrics: [{ key: 'us', label: 'time per wait', unit: 'µs' }],
      candidates: Object.keys(candidates),
      round: oneAfterAnother(candidates, async (run, name) => {
        const started = performance.now();
        const sum = await run();
        if (sum !== N) throw new Error(`${name}: sum ${sum}, expected ${N}`);
        return { us: ((performance.now() - started) * 1000) / N };
      }),
    }],
  };
}
