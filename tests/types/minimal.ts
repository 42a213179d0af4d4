// Compiled with `tsc --noEmit` by `make test` under a plain configuration
// (`"lib": ["ES2022", "DOM", "DOM.Iterable"]`, no ESNext or async-iterable
// DOM types): the npm package's .d.ts needs nothing more. Streams are read
// with getReader(), which every engine has.
import init, {
  BlockingWorker, CounterWorker, SharedCounter, ThreadCounter, type CounterOptions, type TickInfo,
} from '../../target/npm-pkg/loopbridge.js';

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
