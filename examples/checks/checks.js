// What every example does with the package it installed, in a browser or in
// Node: the three counters, a stream read chunk by chunk, gather and a
// BlockingWorker. Each check's result (or the error it threw) goes into one
// object, which the example shows and `make test` compares with what that
// environment should give (tests/examples/).

/**
 * Runs every check with the package's exports `loopbridge` (its default
 * export is `init`); resolves to `{ check: result | { error } }`.
 */
export async function runChecks(loopbridge) {
  await loopbridge.default();
  const results = {};
  for (const [name, check] of Object.entries(CHECKS)) {
    try {
      results[name] = await check(loopbridge);
    } catch (error) {
      results[name] = { error: `${error.name}: ${error.message}` };
    }
  }
  return results;
}

const CHECKS = {
  // A counter on this event loop, its ticks() read with `for await` where
  // the engine can iterate a ReadableStream (see chunks()).
  async counterWorker({ CounterWorker }) {
    const counter = new CounterWorker({ intervalMs: 20, name: 'example' });
    counter.start();
    const counts = [];
    for await (const count of chunks(counter.ticks())) {
      counts.push(count);
      if (count >= 3) counter.stop(); // the stream closes when the run ends
    }
    const lastTick = Object.keys(counter.lastTick).sort();
    counter.free();
    return { counts: rising(counts), last: counts.at(-1) >= 3, lastTick };
  },

  // The same counter in a Web Worker; commands are Promises.
  async threadCounter({ ThreadCounter }) {
    const counter = new ThreadCounter({ intervalMs: 20 });
    const counts = [];
    const reached = new Promise((resolve) => counter.onTick((count) => {
      counts.push(count);
      if (count >= 3) resolve();
    }));
    const started = await counter.start();
    await reached;
    const stopped = await counter.stop();
    const lastTick = Object.keys(counter.lastTick).sort();
    const { sharedMemory } = counter;
    counter.free();
    return { started, stopped, counts: rising(counts), lastTick, sharedMemory };
  },

  // One counter for every tab of the origin; this tab is alone, so it leads.
  async sharedCounter({ SharedCounter }) {
    const counter = new SharedCounter({ intervalMs: 20, name: `example-${Date.now()}` });
    const reached = new Promise((resolve) => counter.onTick((count) => count >= 2 && resolve()));
    counter.start();
    await reached;
    const { role } = counter;
    counter.stop();
    counter.free();
    return { role, reached: true };
  },

  // Three tasks at once, then failFast: the failure aborts the slow task.
  async gather({ gather }) {
    const sleep = (ms, value, signal) => new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms, value);
      signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); });
    });
    const results = await gather([() => sleep(30, 'a'), () => sleep(10, 'b'), () => 'c']);
    const failFast = await gather([
      (signal) => sleep(10000, 'slow', signal),
      async () => { throw new Error('task 1 failed'); },
    ], { onError: 'failFast' }).catch((error) => error);
    return {
      values: results.map((result) => result.value),
      failFast: [failFast.name, failFast.index, failFast.results.map((result) => result.status)],
    };
  },

  // Plain sync code in a worker that blocks on this page's async handler.
  async blockingWorker({ BlockingWorker }) {
    const why = BlockingWorker.whyUnavailable();
    if (why !== undefined) return { unavailable: why };
    const worker = new BlockingWorker({
      handler: async ({ index }) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return index * 10;
      },
    });
    const values = [];
    for await (const result of chunks(worker.runSyncLoop({ count: 3, delayMs: 0 }))) {
      values.push(result.ok ? result.value : result.error.message);
    }
    worker.free();
    return { values };
  },
};

/**
 * The chunks of `stream`: by async iteration where the engine has it, else
 * with a reader (Safari and WebKitGTK cannot iterate a ReadableStream).
 */
export async function* chunks(stream) {
  if (Symbol.asyncIterator in stream) {
    yield* stream;
    return;
  }
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Whether `counts` rise (a slow reader may skip counts, never repeat one). */
function rising(counts) {
  return counts.length > 0 && counts.every((count, i) => i === 0 || count > counts[i - 1]);
}

/** Shows `results` on the page, where the example's test reads them. */
export function show(results) {
  document.querySelector('#results').textContent = JSON.stringify(results, null, 2);
  document.documentElement.dataset.done = 'true';
}
