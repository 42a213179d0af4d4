// The demo page: wires the loopbridge exports to the DOM. It holds no logic
// the crate should own; it only calls exports and draws what they report.
import init, { CounterWorker, busyWait } from './pkg/demo.js';
import { $, formatInterval, formatMs, setText } from './format.js';
import { setupTimeline } from './timeline.js';
import { cssColor, freshCanvas } from './canvas.js';
import { keepFocusOnDisable } from './focus.js';
import { setupStreaming } from './streaming.js';
import { setupGather } from './gather.js';
import { setupBoundary } from './boundary.js';
import { setupBlocking } from './blocking.js';
import { setupJspi } from './jspi.js';
import { setupThreadCounter } from './thread.js';
import { setupSharedCounter } from './shared.js';

const BLOCK_MS = 2000;
const LAG_PROBE_MS = 100; // the timeline's LoopMonitor probes the loop this often
const LATENESS_WINDOW = 60; // deliveries

// A Rust panic is a bug (no input should reach one). The module reports it
// with this event and restarts on the next call; objects made before it are
// stale, so the page says what happened instead of silently breaking.
globalThis.addEventListener('loopbridgepanic', (event) => {
  const banner = $('panic-banner');
  banner.textContent = `${event.detail}. loopbridge now refuses new work (starting, resetting, new streams and counters) with a PanicError; stop and free still work, so running counters can be stopped. Reload the page to start afresh.`;
  banner.hidden = false;
});

try {
  await init();
} catch (error) {
  const banner = $('load-error');
  banner.textContent = `The WebAssembly module failed to load: ${error}`;
  banner.hidden = false;
  throw error;
}

// ---- plots -----------------------------------------------------------------

/**
 * Bar chart of recent values on a canvas. The scale follows the typical
 * values (at least `floor`), not the largest: a spike (a blocked thread)
 * would flatten every other bar for as long as it stays on the chart, so a
 * bar above the scale is drawn cut, with its value on it.
 */
function drawBars(canvas, values, { floor, capacity, colorFor }) {
  const { ctx, width, height, ratio } = freshCanvas(canvas);
  const sorted = [...values].sort((a, b) => a - b);
  const typical = sorted[Math.floor((sorted.length - 1) * 0.75)] ?? 0; // the upper quartile
  const top = Math.max(floor, typical * 2);
  const label = 14 * ratio; // room for the scale's label and a cut bar's value
  const plotHeight = height - label;
  ctx.strokeStyle = cssColor('--plot-grid');
  ctx.lineWidth = ratio;
  for (const fraction of [0, 0.5, 1]) {
    const y = Math.round(label + plotHeight * fraction) - (fraction === 1 ? ratio : 0) + 0.5;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
    ctx.stroke();
  }
  const slot = width / capacity;
  const barWidth = Math.max(ratio, slot * 0.7);
  ctx.font = `${11 * ratio}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  values.forEach((value, i) => {
    const x = width - (values.length - i) * slot + (slot - barWidth) / 2;
    const cut = value > top;
    const barHeight = Math.max(ratio, (Math.min(value, top) / top) * plotHeight);
    ctx.fillStyle = cssColor(colorFor(value));
    ctx.fillRect(x, height - barHeight, barWidth, barHeight);
    if (cut) {
      const text = formatMs(value);
      const textWidth = ctx.measureText(text).width;
      const textX = Math.min(Math.max(0, x + barWidth / 2 - textWidth / 2), width - textWidth);
      ctx.fillText(text, textX, label - ratio);
    }
  });
  ctx.fillStyle = cssColor('--muted');
  ctx.fillText(formatMs(top), 4 * ratio, label - ratio); // the scale: the top line
  canvas.dataset.scaleMs = String(top);
}

const lateColor = (ms) => (ms > 250 ? '--plot-spike' : ms > 16 ? '--plot-late' : '--plot-bar');

// ---- counter worker --------------------------------------------------------

const counter = {
  worker: null,
  lateness: [],
  /** Set by the block button: the first delivery after the block lands here. */
  catchUp: undefined,
  drawQueued: false,

  create(intervalMs) {
    this.worker?.free();
    this.worker = new CounterWorker({ intervalMs });
    this.worker.onTick((count) => this.delivered(count));
    this.lateness = [];
    this.render();
  },

  delivered(count) {
    const tick = this.worker.lastTick;
    $('count').textContent = String(count);
    if (tick && this.catchUp === null) this.catchUp = tick;
    if (tick) {
      this.lateness.push(tick.latenessMs);
      if (this.lateness.length > LATENESS_WINDOW) this.lateness.shift();
    }
    // At most once a frame: a 10 ms counter delivers faster than the screen shows.
    if (!this.drawQueued) {
      this.drawQueued = true;
      requestAnimationFrame(() => {
        this.drawQueued = false;
        this.drawLateness();
      });
    }
  },

  render() {
    const { worker } = this;
    const running = worker.running;
    $('start').disabled = running;
    $('stop').disabled = !running;
    lockInterval();
    $('worker-name').textContent = worker.name;
    $('worker-interval').textContent = formatInterval(worker.intervalMs);
    $('count').textContent = String(worker.count);
    const status = $('worker-status');
    status.textContent = running ? 'Running' : 'Stopped';
    status.classList.toggle('running', running);
    $('no-worker').hidden = running;
    this.drawLateness();
  },

  drawLateness() {
    const canvas = $('lateness-plot');
    drawBars(canvas, this.lateness, { floor: 5, capacity: LATENESS_WINDOW, colorFor: lateColor });
    const last = this.lateness.at(-1);
    const worst = Math.max(0, ...this.lateness);
    const summary = last === undefined ? '' : `last ${formatMs(last)} · worst ${formatMs(worst)}`;
    $('lateness-summary').textContent = summary;
    canvas.setAttribute('aria-label', last === undefined
      ? 'Lateness of each delivery: no data yet'
      : `Lateness of the last ${this.lateness.length} deliveries: ${summary}`);
  },
};

$('start').addEventListener('click', () => {
  counter.worker.start();
  counter.lateness = [];
  counter.render();
});
$('stop').addEventListener('click', () => {
  counter.worker.stop();
  counter.render();
});
$('reset').addEventListener('click', () => {
  counter.worker.reset();
  counter.render();
});
$('interval').addEventListener('change', (event) => {
  counter.create(Number(event.target.value));
  thread.create(Number(event.target.value));
});

// ---- the counter on its own thread (www/thread.js) -------------------------

// One Interval select sets both counters; it is locked while either runs.
function lockInterval() {
  $('interval').disabled = Boolean(counter.worker?.running || thread?.busy);
}

const thread = setupThreadCounter({ onBusyChange: lockInterval });
counter.create(Number($('interval').value));
thread.create(Number($('interval').value));

// ---- one counter for every tab (www/shared.js) -----------------------------

// Another tab's start, stop or reset shows here too, and wakes the timeline.
const shared = setupSharedCounter({
  onChange() {
    strip.render();
    if (shared.counter?.running) scope.wake();
  },
});

// ---- the live timeline (www/timeline.js) and the counter strip ------------

const strip = {
  render() {
    setText($('strip-main'), $('count').textContent); // what was delivered
    setText($('strip-worker'), String(thread.counter?.count ?? 0));
    setText($('strip-shared'), shared.counter ? String(shared.counter.count) : '–');
    const running = counter.worker.running || thread.busy;
    setText($('strip-toggle'), running ? 'Stop the counters' : 'Start the counters');
  },
};

$('strip-toggle').addEventListener('click', () => {
  if (counter.worker.running || thread.busy) {
    if (counter.worker.running) $('stop').click();
    if (thread.counter?.running) thread.command('stop');
  } else {
    $('start').click();
    thread.command('start');
  }
  strip.render();
});

const scope = setupTimeline({
  isBusy: () => Boolean(counter.worker.running || thread.busy || shared.counter?.running),
  onFrame() {
    thread.render();
    shared.render();
    strip.render();
  },
});
/** The lag meter: the worst lag the timeline saw in the last 10 s. */
const lag = { peak: () => scope.peakLag() };
strip.render();
if (shared.counter?.running) scope.wake(); // started in another tab, or before a reload

// ---- blocking the thread ---------------------------------------------------

$('block').addEventListener('click', () => {
  const { worker } = counter;
  const { counter: threadCounter } = thread;
  const block = {
    wasRunning: worker.running,
    countBefore: worker.count,
    shownBefore: Number($('count').textContent),
    threadWasRunning: Boolean(threadCounter?.running),
    threadBefore: threadCounter?.count,
    sharedWasRunning: Boolean(shared.counter?.running),
    sharedRole: shared.counter?.role,
    sharedBefore: shared.counter?.count,
  };
  counter.catchUp = null;
  const startedAt = performance.now();
  busyWait(BLOCK_MS);
  // Read synchronously, before anything queued during the block can run.
  block.threadRightAfter = threadCounter?.count;
  block.sharedRightAfter = shared.counter?.count;
  block.blockedMs = performance.now() - startedAt;
  block.countRightAfter = worker.count;
  block.shownRightAfter = Number($('count').textContent);
  globalThis.loopbridgeDemo.lastBlock = block;
  // Let the overdue timers (the counter's and the monitor's lag probe) run first.
  setTimeout(() => explainBlock(block, threadCounter), LAG_PROBE_MS + 20);
});

function explainBlock(block, threadCounter) {
  const { wasRunning, countBefore, blockedMs, countRightAfter } = block;
  const tick = counter.catchUp;
  counter.catchUp = undefined;
  const parts = [`The main thread was busy for ${formatMs(blockedMs)}: no timer, click or frame could run, so the page froze.`];
  parts.push(`The timeline caught it: a timer ran ${formatMs(lag.peak())} late, and no frame was painted meanwhile.`);
  if (wasRunning && tick) {
    parts.push(`The counter worker on the main thread stalled: its timer could not fire either, yet its count went from ${countBefore} to ${countRightAfter} the moment the thread was free: the count is measured with performance.now(), not counted.`);
    if (tick.missed > 0) {
      parts.push(`Its next delivery carried count ${tick.count} once, ${formatMs(tick.latenessMs)} late, folding in ${tick.missed} missed ${tick.missed === 1 ? 'tick' : 'ticks'} instead of a burst of stale callbacks.`);
    } else {
      parts.push(`Its next delivery carried count ${tick.count}, ${formatMs(tick.latenessMs)} late; no tick fell due during the block.`);
    }
  } else {
    parts.push('Start the counter worker and block again to see it catch up.');
  }
  if (block.threadWasRunning) {
    parts.push(explainThread(block, threadCounter));
  } else {
    parts.push('Start the thread counter too, to see a counter that does not stall.');
  }
  if (block.sharedWasRunning) parts.push(explainShared(block));
  $('explanation').textContent = parts.join(' ');
}

/** What the counter in the worker did while the main thread was blocked. */
function explainThread({ threadBefore, threadRightAfter }, threadCounter) {
  if (threadCounter.sharedMemory) {
    return `The worker's counter, on its own thread, went from ${threadBefore} to ${threadRightAfter} during the block: read right after it, from shared memory with Atomics.load, it was already current. Its tick messages had queued up meanwhile and reached the page only after.`;
  }
  const caughtUp = threadCounter.count;
  return `The worker's counter, on its own thread, kept ticking, but without shared memory the page learns its count only by postMessage: the messages were queued while the page was busy, so right after the block it still read ${threadRightAfter}${threadRightAfter === threadBefore ? ', as before it' : ''}. They arrived after, bringing it to ${caughtUp}.`;
}

/** What the counter shared by every tab did while this tab was blocked. */
function explainShared({ sharedRole, sharedBefore, sharedRightAfter }) {
  const who = sharedRole === 'leader'
    ? 'This tab leads it, so its ticker stalled with the page and the other tabs heard no tick until the block ended'
    : "Another tab leads it; the leader's tick messages waited in this tab's queue until the block ended";
  return `The counter in every tab went from ${sharedBefore} to ${sharedRightAfter}: its count is computed from the shared start time, so it was current right after the block. ${who}.`;
}

addEventListener('resize', () => counter.drawLateness());

// ---- the bridge panels (one module each) ----------------------------------

keepFocusOnDisable();
const streaming = setupStreaming();
const gathering = setupGather(scope);
setupBlocking();
const boundary = setupBoundary();
const jspi = setupJspi(scope);

// For the page tests and the curious: the live objects.
globalThis.loopbridgeDemo = { counter, thread, shared, lag, scope, streaming, gathering, boundary, jspi, lastBlock: null };
// When the page became usable, on the navigation's clock (the page tests read it).
performance.mark('loopbridge:ready');
document.documentElement.dataset.ready = 'true';
