// Task overhead: loopbridge's task machinery against Promise.all over async
// JS functions doing the same trivial work.
import { gatherSleeps } from './pkg/demo.js';
// Bench-only export (feature bench): internal, so from the glue.
import { spawnJoin } from './pkg/loopbridge_glue.js';
import { oneAfterAnother } from './runner.js';

const N = 10_000;
const SUM = (N * (N - 1)) / 2;
/** spawn + join of 10,000 tasks takes about a millisecond: each sample times this many batches. */
const SPAWN_BATCHES = 5;

/** A trivial async JS task: returns its index. */
async function trivial(index) {
  return index;
}

const SPAWN = {
  'Promise.all of async JS functions': async () =>
    (await Promise.all(Array.from({ length: N }, (_, i) => trivial(i)))).reduce((sum, value) => sum + value, 0),
  'loopbridge spawn + join (spawnJoin)': () => spawnJoin(N),
};

/** A timer wait, as `sleep(ms)` is written in JS. */
function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/**
 * The JS version of gather's report: every task's record
 * { index, startMs, endMs, ok, value }, each task awaiting a `waitMs` timer
 * first (none if null).
 */
async function jsGather(n, waitMs) {
  const started = performance.now();
  const tasks = await Promise.all(Array.from({ length: n }, async (_, index) => {
    const startMs = performance.now() - started;
    if (waitMs !== null) await sleep(waitMs);
    return { index, startMs, endMs: performance.now() - started, ok: true, value: `task ${index} done after ${waitMs ?? 0} ms` };
  }));
  return { mode: 'concurrent', totalMs: performance.now() - started, tasks };
}

// gather skips the timer for a 0 ms task, so its like-for-like is
// Promise.all with no timer; a 1 ms task waits for a real timer each.
const GATHER_NOW = {
  'Promise.all, no timer': () => jsGather(N, null),
  'loopbridge gather(10,000 × 0 ms)': () => gatherSleeps(new Array(N).fill(0)),
};
const GATHER_TIMER = {
  'Promise.all, each awaits setTimeout(1)': () => jsGather(N, 1),
  'loopbridge gather(10,000 × 1 ms)': () => gatherSleeps(new Array(N).fill(1)),
};

const TIME = [{ key: 'ms', label: 'time', unit: 'ms per 10,000 tasks' }];

/** gather against its JS like-for-like (the first candidate). */
function gatherBenchmark(id, title, candidates) {
  return {
    id,
    title,
    baseline: Object.keys(candidates)[0],
    warmup: 3,
    runs: 21,
    metrics: TIME,
    candidates: Object.keys(candidates),
    round: oneAfterAnother(candidates, async (run, name) => {
      const started = performance.now();
      const report = await run();
      const ms = performance.now() - started;
      if (report.tasks.length !== N || !report.tasks.every((task) => task.ok)) {
        throw new Error(`${name}: ${report.tasks.length} tasks, not all ok`);
      }
      return { ms };
    }),
  };
}

export function tasksGroup() {
  return {
    id: 'tasks',
    title: 'Task overhead',
    explanation: `Wall time to run ${N.toLocaleString('en-US')} trivial tasks concurrently and collect their results `
      + `(spawn + join: the mean of ${SPAWN_BATCHES} batches per run); lower is better. Target: loopbridge ≤ 1.5× its JS baseline. `
      + 'Each gather is measured against its like-for-like: with no wait, Promise.all with no timer; with 1 ms, Promise.all over setTimeout(1).',
    better: 'lower',
    benchmarks: [
      {
        id: 'tasks-spawn',
        title: 'spawn + join, each task returns its index',
        baseline: 'Promise.all of async JS functions',
        warmup: 3,
        runs: 15,
        metrics: TIME,
        candidates: Object.keys(SPAWN),
        round: oneAfterAnother(SPAWN, async (run, name) => {
          const started = performance.now();
          for (let batch = 0; batch < SPAWN_BATCHES; batch += 1) {
            const sum = await run();
            if (sum !== SUM) throw new Error(`${name}: sum ${sum}, expected ${SUM}`);
          }
          return { ms: (performance.now() - started) / SPAWN_BATCHES };
        }),
      },
      gatherBenchmark('tasks-gather-now', 'gather with a per-task report, tasks with no wait', GATHER_NOW),
      gatherBenchmark('tasks-gather-timer', 'gather with a per-task report, each task waits 1 ms', GATHER_TIMER),
    ],
  };
}
