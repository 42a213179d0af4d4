// Compiled with `tsc --noEmit` by `make test`: the published .d.ts must type
// real usage precisely (no `any` where a shape is known).
import init, { CounterWorker, busyWait, type CounterWorkerOptions, type TickInfo } from '../../www/pkg/loopbridge.js';

await init();

const options: CounterWorkerOptions = { intervalMs: 250, name: 'demo' };
const worker = new CounterWorker(options);
const defaults = new CounterWorker();
const started: boolean = worker.start();
const stopped: boolean = worker.stop();
worker.reset();
worker.onTick((count: number) => console.log(count.toFixed(0)));
worker.onTick(null);

const ticks: ReadableStream<number> = worker.ticks();
for await (const count of ticks) {
  const n: number = count;
  console.log(n + 1);
}

const running: boolean = worker.running;
const count: number = worker.count;
const name: string = worker.name;
const interval: number = worker.intervalMs;
const last: TickInfo | null = worker.lastTick;
if (last) console.log(last.latenessMs.toFixed(1), last.missed, last.deadlineMs, last.count);
busyWait(10);
console.log(started, stopped, running, count, name, interval);
worker.free();
defaults.free();

// @ts-expect-error intervalMs must be a number
new CounterWorker({ intervalMs: '100' });
// @ts-expect-error name must be a string
new CounterWorker({ name: 1 });
// @ts-expect-error a tick callback gets a number
worker.onTick((count: string) => count);
