// Timer accuracy: a 10 ms CounterWorker against setInterval(10) and the
// Python original's loop (`while running: sleep(0.01); count += 1`) written with
// setTimeout(10). The three run at the same time in the same 5 s window, so a
// main-thread block (and any noise) hits all of them alike.
import { CounterWorker } from './pkg/demo.js';
import { mean, percentile } from './stats.js';

const INTERVAL_MS = 10;
const WINDOW_MS = 5000;
const BLOCK_AT_MS = WINDOW_MS / 2;
const BLOCK_MS = 300;
/** The warm-up only primes the code and the timers: a shorter window does. */
const WARMUP_WINDOW_MS = 1000;
const WARMUP = 1;
const RUNS = 5;
const BASELINE = 'setInterval(10)';

/** Keeps the main thread busy for `ms`, like any long synchronous loop. */
function busyBlock(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* spin */ }
}

/**
 * Lateness of a delivery claiming `count`: how long after its deadline
 * (start + count·interval) it ran. Clamped at 0 as CounterWorker's own
 * `latenessMs` is (a timer may fire a hair early against performance.now()).
 */
function lateness(startMs, count) {
  return Math.max(0, performance.now() - (startMs + count * INTERVAL_MS));
}

/**
 * Each counter starts at once and returns `stop()`, which stops it and gives
 * { lateness: ms per delivery, count: what it reports now, elapsedMs: since its start }.
 */
const COUNTERS = {
  [BASELINE]: () => {
    const late = [];
    let count = 0;
    const startMs = performance.now();
    const id = setInterval(() => {
      count += 1;
      late.push(lateness(startMs, count));
    }, INTERVAL_MS);
    return {
      stop() {
        const now = performance.now();
        clearInterval(id);
        return { lateness: late, count, elapsedMs: now - startMs };
      },
    };
  },
  'setTimeout(10) loop': () => {
    const late = [];
    let count = 0;
    let running = true;
    let timer;
    const startMs = performance.now();
    (async () => {
      while (running) {
        await new Promise((resolve) => { timer = setTimeout(resolve, INTERVAL_MS); });
        count += 1;
        late.push(lateness(startMs, count));
      }
    })();
    return {
      stop() {
        const now = performance.now();
        running = false;
        clearTimeout(timer); // the loop stays suspended and is collected
        return { lateness: late, count, elapsedMs: now - startMs };
      },
    };
  },
  'loopbridge CounterWorker': () => {
    const late = [];
    const worker = new CounterWorker({ intervalMs: INTERVAL_MS, name: 'bench-timer' });
    worker.onTick(() => { late.push(worker.lastTick.latenessMs); });
    const approxStartMs = performance.now();
    worker.start();
    return {
      stop() {
        const now = performance.now();
        const count = worker.count;
        worker.stop();
        // The worker's own start: its last delivery was due at start + (count - missed)·interval.
        const tick = worker.lastTick;
        const startMs = tick ? tick.deadlineMs - (tick.count - tick.missed) * INTERVAL_MS : approxStartMs;
        worker.free();
        return { lateness: late, count, elapsedMs: now - startMs };
      },
    };
  },
};

const NAMES = Object.keys(COUNTERS);

/** One window with all three counters running; resolves to their metrics. */
async function countingWindow(round, block, windowMs) {
  const order = NAMES.map((_, i) => NAMES[(round + i) % NAMES.length]);
  const running = Object.fromEntries(order.map((name) => [name, COUNTERS[name]()]));
  if (block) setTimeout(() => busyBlock(BLOCK_MS), windowMs / 2);
  await new Promise((resolve) => { setTimeout(resolve, windowMs); });
  const stopped = Object.fromEntries(order.map((name) => [name, running[name].stop()]));
  return Object.fromEntries(Object.entries(stopped).map(([name, s]) => [name, {
    meanLateness: mean(s.lateness),
    p99Lateness: percentile(s.lateness, 99),
    countError: Math.abs(s.count - Math.floor(s.elapsedMs / INTERVAL_MS)),
  }]));
}

const METRICS = [
  { key: 'meanLateness', label: 'mean lateness', unit: 'ms' },
  { key: 'p99Lateness', label: 'p99 lateness', unit: 'ms' },
  { key: 'countError', label: 'count error', unit: 'counts' },
];

export function timersGroup() {
  const scenario = (id, title, block) => ({
    id,
    title,
    baseline: BASELINE,
    warmup: WARMUP,
    runs: RUNS,
    metrics: METRICS,
    candidates: NAMES,
    round: (round) => countingWindow(round, block, round < WARMUP ? WARMUP_WINDOW_MS : WINDOW_MS),
  });
  return {
    id: 'timers',
    title: 'Timer accuracy',
    explanation: `Three ${INTERVAL_MS} ms counters running together for ${WINDOW_MS / 1000} s; lateness = callback time − the deadline `
      + `(start + k·${INTERVAL_MS} ms) of the count k it claims; count error = |reported count − floor(elapsed / ${INTERVAL_MS} ms)| at the stop; `
      + `lower is better. "block": the main thread busy for ${BLOCK_MS} ms at ${BLOCK_AT_MS / 1000} s. The warm-up window lasts ${WARMUP_WINDOW_MS / 1000} s. `
      + 'Target: CounterWorker count error 0, mean lateness ≤ 2 ms.',
    better: 'lower',
    benchmarks: [
      scenario('timers-idle', 'no block', false),
      scenario('timers-block', `${BLOCK_MS} ms block`, true),
    ],
  };
}
