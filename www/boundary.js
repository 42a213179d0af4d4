// The boundary panel: four small experiments where sync and async code meet.
// A future that is never awaited, a sync wait that must refuse, blocking
// against yielding work, and running async work from a click the right way.
import { blockOn, busyWait, createFutureAndDrop, invokeAsync, yieldingWork } from './pkg/demo.js';
import { $, formatMs, formatSeconds, nextMacrotask, watchFrames, watchLag } from './format.js';

const WORK_MS = 2000;
const SLICE_MS = 16;

// ---- called but never awaited ----------------------------------------------

const calls = { rust: 0, js: 0, clicks: 0 };

async function jsTask() {
  calls.js += 1; // runs at once: an async function runs up to its first await when called
  await null;
}

function neverAwaited() {
  calls.clicks += 1;
  const ran = createFutureAndDrop(() => {
    calls.rust += 1;
  });
  jsTask(); // deliberately not awaited
  $('never-rust').textContent = `Rust future side effects: ${calls.rust}`;
  $('never-js').textContent = `JS async function side effects: ${calls.js}`;
  $('never-note').textContent = `${calls.clicks} ${calls.clicks === 1 ? 'call' : 'calls'} each; createFutureAndDrop returned ${ran}.`;
}

// ---- waiting synchronously -------------------------------------------------

function waitSynchronously() {
  const startedAt = performance.now();
  try {
    blockOn(invokeAsync('hi', 100));
    $('blockon-name').textContent = 'No error?';
    $('blockon-message').textContent = 'blockOn returned, which it never should.';
  } catch (error) {
    const tookMs = performance.now() - startedAt;
    $('blockon-name').textContent = `${error.name}, thrown after ${formatMs(tookMs)}`;
    $('blockon-name').classList.add('thrown');
    $('blockon-message').textContent = error.message;
  }
}

// ---- blocking vs yielding --------------------------------------------------

let working = false;

/** Runs `work` while watching frames and timer lag; reports into `resultId`. */
async function measure(label, resultId, work) {
  if (working) return;
  working = true;
  $('work-busy').disabled = true;
  $('work-yield').disabled = true;
  const progress = $('work-progress');
  const elapsed = $('work-elapsed');
  $(resultId).textContent = `${label}: running…`;
  elapsed.textContent = `${label}: 0.00 s`;
  progress.style.width = '0%';
  // Let the "running…" text paint before a blocking call takes the thread.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  const lag = watchLag();
  const frames = watchFrames((ms) => {
    elapsed.textContent = `${label}: ${formatSeconds(ms)}`;
    progress.style.width = `${Math.min(100, (ms / WORK_MS) * 100)}%`;
  });
  const startedAt = performance.now();
  try {
    await work();
    const tookMs = performance.now() - startedAt;
    // Let overdue timers and a frame run, so a block that just ended is counted.
    await nextMacrotask();
    const worstLag = lag.stop();
    const painted = frames.stop();
    elapsed.textContent = `${label}: ${formatSeconds(tookMs)}, done`;
    progress.style.width = '100%';
    $(resultId).textContent = `${label}: took ${formatSeconds(tookMs)}, worst lag ${formatMs(worstLag)}, ${painted} ${painted === 1 ? 'frame' : 'frames'} painted`;
    $(resultId).dataset.lagMs = String(Math.round(worstLag));
  } catch (error) {
    lag.stop();
    frames.stop();
    $(resultId).textContent = `${label}: failed: ${error.message}`;
  } finally {
    working = false;
    $('work-busy').disabled = false;
    $('work-yield').disabled = false;
  }
}

// ---- running async from sync, the right way --------------------------------

async function awaitInvoke() {
  const button = $('invoke-run');
  button.disabled = true;
  $('invoke-result').textContent = 'Waiting (the page stays responsive)…';
  const startedAt = performance.now();
  try {
    const value = await invokeAsync('hello');
    $('invoke-result').textContent = `${value} (after ${formatSeconds(performance.now() - startedAt)})`;
  } catch (error) {
    $('invoke-result').textContent = `Failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

export function setupBoundary() {
  $('never-run').addEventListener('click', neverAwaited);
  $('blockon-run').addEventListener('click', waitSynchronously);
  $('work-busy').addEventListener('click', () => measure(`busyWait(${WORK_MS})`, 'busy-result', () => busyWait(WORK_MS)));
  $('work-yield').addEventListener('click', () => measure(`yieldingWork(${WORK_MS}, ${SLICE_MS})`, 'yield-result', () => yieldingWork(WORK_MS, SLICE_MS)));
  $('invoke-run').addEventListener('click', awaitInvoke);
  return { calls };
}
