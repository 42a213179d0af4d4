// The "Sync code in a worker" panel: a BlockingWorker whose plain synchronous
// Rust loop calls the page's async function (invokeAsync) and blocks on each
// answer, while the page stays free. Meanwhile the page measures itself: the
// worst lag of a 16 ms timer chain and the frames it painted.
import { BlockingWorker, invokeAsync } from './pkg/demo.js';
import { chunks } from './chunks.js';
import { $, formatMs, formatSeconds, nextMacrotask, watchFrames, watchLag } from './format.js';

const COUNT = 5;
const DELAY_MS = 300;
const TIMEOUT_MS = 1000;
/** "Make item 2 fail" and "Make item 3 miss its timeout": the loop's `i`, from 0 as in Python. */
const FAIL_INDEX = 2;
const SLOW_INDEX = 3;
const SLOW_MS = 1500;

/** The page's async function the worker blocks on: the Python original's `invoke_async`. */
async function handler({ index, message, delayMs }) {
  const slow = index === SLOW_INDEX && $('blocking-slow').checked;
  const value = await invokeAsync(message, slow ? SLOW_MS : delayMs);
  if (index === FAIL_INDEX && $('blocking-fail').checked) {
    const error = new Error(`item ${index} failed on purpose`);
    error.name = 'ValueError';
    throw error;
  }
  return value;
}

function setStatus(text, state = '') {
  const status = $('blocking-status');
  status.textContent = text;
  status.dataset.state = state;
}

function showNote(text) {
  const note = $('blocking-note');
  note.textContent = text;
  note.hidden = text === '';
}

/** One row of the results list, built with textContent only. */
function resultRow({ index, ok, value, error, blockedMs }, atMs) {
  const row = document.createElement('li');
  row.className = ok ? 'ok' : 'failed';
  const call = document.createElement('span');
  call.className = 'call';
  call.textContent = `i = ${index}`;
  const outcome = document.createElement('span');
  outcome.className = 'outcome';
  outcome.textContent = ok ? String(value) : `${error.name}: ${error.message}`;
  const timing = document.createElement('span');
  timing.className = 'timing';
  timing.textContent = `worker blocked ${formatMs(blockedMs)} · at ${formatSeconds(atMs)}`;
  row.dataset.blockedMs = String(Math.round(blockedMs));
  row.append(call, outcome, timing);
  return row;
}

export function setupBlocking() {
  const panel = {
    worker: null,
    controller: null,

    /** The worker, made on first use (a crashed one is replaced). */
    ensureWorker() {
      if (this.worker?.crashReason !== undefined) {
        this.worker?.free();
        this.worker = null;
      }
      this.worker ??= new BlockingWorker({ handler });
      return this.worker;
    },

    showIgnored() {
      $('blocking-ignored').textContent = String(this.worker?.ignoredAnswers ?? 0);
    },

    setBusy(busy) {
      $('blocking-run').disabled = busy;
      $('blocking-cancel').disabled = !busy;
    },

    async run() {
      let stream;
      const controller = new AbortController();
      try {
        stream = this.ensureWorker().runSyncLoop({
          count: COUNT, delayMs: DELAY_MS, timeoutMs: TIMEOUT_MS, signal: controller.signal,
        });
      } catch (error) {
        showNote(`${error.name}: ${error.message}`);
        return;
      }
      showNote('');
      this.controller = controller;
      this.setBusy(true);
      const list = $('blocking-results');
      list.replaceChildren();
      const blockedOut = $('blocking-blocked');
      let blockedMs = 0;
      let calls = 0;
      let painted = 0;
      blockedOut.textContent = '0 ms';
      setStatus('Running: the worker is blocked, the page is not…', 'running');
      // Let the status paint, then measure the page while the worker works.
      await nextMacrotask();
      const lag = watchLag();
      const frames = watchFrames(() => {
        painted += 1;
        $('blocking-frames').textContent = String(painted);
      });
      const startedAt = performance.now();
      try {
        for await (const result of chunks(stream)) {
          calls += 1;
          blockedMs += result.blockedMs;
          list.append(resultRow(result, performance.now() - startedAt));
          blockedOut.textContent = `${formatSeconds(blockedMs)} in ${calls} ${calls === 1 ? 'call' : 'calls'}`;
        }
        setStatus(`Done: ${calls} blocking calls in ${formatSeconds(performance.now() - startedAt)}.`, 'done');
      } catch (error) {
        const cancelled = error?.name === 'AbortError';
        setStatus(cancelled ? `Cancelled after ${calls} ${calls === 1 ? 'call' : 'calls'}: the worker's loop stopped.` : `Failed: ${error.message}`, cancelled ? 'cancelled' : 'error');
      } finally {
        await nextMacrotask(); // a block that has just ended is counted too
        const worstLag = lag.stop();
        frames.stop();
        const lagOut = $('blocking-lag');
        lagOut.textContent = formatMs(worstLag);
        lagOut.dataset.lagMs = String(worstLag);
        blockedOut.dataset.blockedMs = String(blockedMs);
        this.controller = null;
        this.setBusy(false);
        this.showIgnored();
        // A late answer (item 3 with "miss its timeout") comes after the run.
        setTimeout(() => this.showIgnored(), SLOW_MS);
      }
    },
  };

  const reason = BlockingWorker.whyUnavailable();
  if (reason) {
    showNote(reason);
    setStatus(globalThis.crossOriginIsolated
      ? 'Unavailable: this browser has no SharedArrayBuffer.'
      : 'Unavailable: this page is not cross-origin isolated.', 'error');
    for (const id of ['blocking-run', 'blocking-fail', 'blocking-slow']) $(id).disabled = true;
    return panel;
  }
  $('blocking-run').addEventListener('click', () => panel.run());
  $('blocking-cancel').addEventListener('click', () => panel.controller?.abort());
  return panel;
}
