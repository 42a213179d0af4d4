// Compiled with `tsc --noEmit` by `make test`: the published .d.ts must type
// real usage precisely (no `any` where a shape is known).
import init, {
  CounterWorker, blockOn, busyWait, countStream, createFutureAndDrop, gatherSleeps, invokeAsync,
  invokeAsyncStream, invokeSyncSteps, liveStreamProducers, SharedCounter, ThreadCounter, yieldingWork,
  BlockingWorker, type BlockingWorkerOptions, type SyncLoopRequest, type SyncLoopResult,
  type CounterOptions, type GatherSleepsReport, type GatherSleepsTask, type TickInfo,
} from '../../www/pkg/demo.js';

await init();

const options: CounterOptions = { intervalMs: 250, name: 'demo' };
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

const done: string = await invokeAsync('hi', 10);
const words: ReadableStream<string> = invokeAsyncStream('a b', { delayMs: 5, signal: new AbortController().signal });
const bytes: ReadableStream<Uint8Array> = words.pipeThrough(new TextEncoderStream());
const steps: string[] = invokeSyncSteps('a b');
const numbers: ReadableStream<number> = countStream(10, { highWaterMark: 4, failAfter: 3 });
const report: GatherSleepsReport = await gatherSleeps([10, 20], { mode: 'sequential', failIndex: 1, onError: 'collect' });
const first: GatherSleepsTask = report.tasks[0];
const firstStart: number | null = first.startMs;
const total: number = report.totalMs;
const producers: number = liveStreamProducers();
const ran: boolean = createFutureAndDrop(() => {});
await yieldingWork(100, 16);
try {
  blockOn(invokeAsync('x'));
} catch (error) {
  console.log((error as Error).name);
}
console.log(done, bytes, steps, numbers, firstStart, total, producers, ran);

const thread = new ThreadCounter({ intervalMs: 100, name: 'off-main' });
const threadStarted: boolean = await thread.start();
const threadCount: number = thread.count;
const shared: boolean = thread.sharedMemory;
const threadTicks: ReadableStream<number> = thread.ticks();
const reason: string | undefined = thread.crashReason;
const threadStopped: boolean = await thread.stop();
thread.free();
console.log(threadStarted, threadCount, shared, threadTicks, reason, threadStopped);

const everyTab = new SharedCounter({ name: 'demo', intervalMs: 1000 });
const role: 'leader' | 'follower' = everyTab.role;
const sharedStarted: boolean = everyTab.start();
everyTab.onTick((count: number) => count);
everyTab.onChange(() => console.log(everyTab.running, everyTab.role));
everyTab.onChange(null);
const sharedTicks: ReadableStream<number> = everyTab.ticks();
console.log(role, sharedStarted, sharedTicks, everyTab.count, everyTab.running);
everyTab.free();

const unavailable: string | undefined = BlockingWorker.whyUnavailable();
const blockingOptions: BlockingWorkerOptions = {
  handler: async (request: SyncLoopRequest) => invokeAsync(request.message, request.delayMs + request.index),
  maxAnswerBytes: 65536,
};
const blocking = new BlockingWorker(blockingOptions);
const loop: ReadableStream<SyncLoopResult> = blocking.runSyncLoop({
  count: 5, delayMs: 300, timeoutMs: 1000, signal: new AbortController().signal,
});
for await (const result of loop) {
  const blockedMs: number = result.blockedMs;
  if (result.ok) console.log(result.index, result.value, blockedMs);
  else console.log(result.error.name, result.error.message);
}
const blockingBusy: boolean = blocking.running;
const ignored: number = blocking.ignoredAnswers;
const answerBytes: number = blocking.maxAnswerBytes;
const blockingCrash: string | undefined = blocking.crashReason;
blocking.free();
console.log(unavailable, blockingBusy, ignored, answerBytes, blockingCrash);

// @ts-expect-error gather modes are "concurrent" and "sequential"
gatherSleeps([1], { mode: 'parallel' });
// @ts-expect-error the message must be a string
invokeAsyncStream(5);
// @ts-expect-error intervalMs must be a number
new CounterWorker({ intervalMs: '100' });
// @ts-expect-error name must be a string
new CounterWorker({ name: 1 });
// @ts-expect-error a tick callback gets a number
worker.onTick((count: string) => count);
// @ts-expect-error onChange's callback gets no count
everyTab.onChange((count: number) => count);
// @ts-expect-error a BlockingWorker needs a handler
new BlockingWorker({});
// @ts-expect-error the loop's count is a number
blocking.runSyncLoop({ count: '5' });
