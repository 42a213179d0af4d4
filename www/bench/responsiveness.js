// Responsiveness: how long the main thread is held while a stream of
// 1,000,000 numbers is drained with reader.read(), seen as long tasks
// (PerformanceObserver 'longtask', which reports only tasks over 50 ms) and
// as the largest gap between requestAnimationFrame callbacks.
import { countStream } from './pkg/demo.js';
import { oneAfterAnother, pause } from './runner.js';
import { drainWithReader, jsSyncPull } from './streams.js';

const N = 1_000_000;
/** The warm-up only primes the code: a tenth of the items does. */
const WARMUP_N = N / 10;
const WARMUP = 1;
const HWM = 16; // countStream's default
const BASELINE = 'JS stream, sync pull up to desiredSize';

const SOURCES = {
  [BASELINE]: (n) => jsSyncPull(n, HWM),
  'loopbridge countStream': (n) => countStream(n),
};

function nextFrame() {
  return new Promise((resolve) => { requestAnimationFrame(resolve); });
}

/** Watches long tasks; `stop()` gives the longest in ms (0 if none), or null where the browser has no 'longtask' entries. */
function watchLongTasks() {
  if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return { stop: () => null };
  let longest = 0;
  const note = (entries) => { for (const entry of entries) longest = Math.max(longest, entry.duration); };
  const observer = new PerformanceObserver((list) => note(list.getEntries()));
  observer.observe({ type: 'longtask', buffered: false });
  return {
    stop() {
      note(observer.takeRecords());
      observer.disconnect();
      return longest;
    },
  };
}

/** Records the largest gap between requestAnimationFrame callbacks until `stop()`. */
async function watchFrames() {
  let last = null;
  let largest = 0;
  let running = true;
  const onFrame = () => {
    const now = performance.now();
    if (last !== null) largest = Math.max(largest, now - last);
    last = now;
    if (running) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  await nextFrame(); // the watch covers the work from its first moment
  return {
    async stop() {
      await nextFrame(); // ...and up to the first frame after it
      running = false;
      return largest;
    },
  };
}

/** Drains `n` items from `make(n)` and watches the main thread meanwhile. */
async function drainWatched(make, name, n) {
  const longTasks = watchLongTasks();
  const frames = await watchFrames();
  const started = performance.now();
  const items = await drainWithReader(make(n));
  const drainMs = performance.now() - started;
  if (items !== n) throw new Error(`${name}: read ${items} items, expected ${n}`);
  const frameGap = await frames.stop();
  await pause(100); // long-task entries are queued after the task ends
  return { longestTask: longTasks.stop(), frameGap, drainMs };
}

export function responsivenessGroup() {
  return {
    id: 'responsiveness',
    title: 'Responsiveness',
    explanation: `Draining ${N.toLocaleString('en-US')} numbers with reader.read() (highWaterMark ${HWM}): the longest main-thread task `
      + '(long tasks are only reported over 50 ms, so 0 means none; n/a where the browser has no long-task timing) '
      + `and the largest gap between animation frames; lower is better. The warm-up drains ${WARMUP_N.toLocaleString('en-US')}. Target: no task over 50 ms.`,
    better: 'lower',
    benchmarks: [{
      id: 'responsiveness-drain',
      title: 'drain with reader.read()',
      baseline: BASELINE,
      warmup: WARMUP,
      runs: 3,
      metrics: [
        { key: 'longestTask', label: 'longest task', unit: 'ms' },
        { key: 'frameGap', label: 'largest frame gap', unit: 'ms' },
        { key: 'drainMs', label: 'drain time', unit: 'ms' },
      ],
      candidates: Object.keys(SOURCES),
      round: (round) => oneAfterAnother(SOURCES, (make, name) => drainWatched(make, name, round < WARMUP ? WARMUP_N : N))(round),
    }],
  };
}
