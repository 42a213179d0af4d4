// Type-checked by `make test` (tests/examples/) with TypeScript's current
// major and the previous one, under the configuration `tsc --init` writes
// plus `"lib": ["ES2022", "DOM", "DOM.Iterable"]` (no ESNext or
// async-iterable DOM types) and `skipLibCheck: false`: the package's .d.ts
// needs nothing more. Streams are read with getReader(), which every engine has.
import init, {
  BlockingWorker, CounterWorker, SharedCounter, ThreadCounter, gather,
  type CounterOptions, type GatherError, type GatherResult, type LoopbridgeErrorName, type TickInfo,
} from 'loopbridge';

await init();

const options: CounterOptions = { intervalMs: 100, name: 'plain' };
const worker = new CounterWorker(options);
worker.start();
const reader = worker.ticks().getReader();
const first = await reader.read();
if (!first.done) {
  const count: number = first.value;
  console.log(count);
}
const last: TickInfo | null = worker.lastTick;
console.log(last?.deadlineMs);
worker[Symbol.dispose]();

const thread = new ThreadCounter();
const started: boolean = await thread.start();
console.log(started, thread.sharedMemory);
thread.free();

const shared = new SharedCounter({ name: 'plain' });
console.log(shared.role === 'leader' || shared.role === 'follower');
shared.free();

console.log(BlockingWorker.whyUnavailable());

// gather: each task's value type comes through, its signal is an AbortSignal.
const results: GatherResult<number | string>[] = await gather(
  [async (signal: AbortSignal) => (signal.aborted ? 0 : 1), () => 'now'],
  { mode: 'sequential', onError: 'failFast', signal: AbortSignal.timeout(1000) },
);
for (const result of results) {
  if (result.status === 'fulfilled') console.log(result.value, result.startMs, result.endMs);
  else if (result.status === 'rejected') console.log(result.reason);
}
try {
  await gather([() => Promise.reject(new Error('no'))], { onError: 'failFast' });
} catch (error) {
  const name: LoopbridgeErrorName = 'GatherError';
  if ((error as Error).name === name) console.log((error as GatherError).index);
}
// @ts-expect-error modes are "concurrent" and "sequential"
gather([], { mode: 'parallel' });

// Each task's own value type, position by position.
const typed = await gather([async () => 1, () => 'now']);
const firstTyped: GatherResult<number> = typed[0];
const secondTyped: GatherResult<string> = typed[1];
// @ts-expect-error the first task's value is a number, not a string
const wrong: GatherResult<string> = typed[0];
console.log(firstTyped, secondTyped, wrong);
