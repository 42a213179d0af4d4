// The JSPI panel: a synchronous Rust pipeline that waits for Promises while
// the page runs on. It lives in its own wasm module (www/jspi/pkg), loaded
// only where the browser has WebAssembly JS Promise Integration, so the main
// module keeps working everywhere else.
import { CounterWorker } from './pkg/demo.js';
import { $, formatMs, watchLag } from './format.js';

const MESSAGES = ['one', 'two', 'three'];
const DELAY_MS = 500;
const TICK_MS = 100;

/** The live timeline (www/timeline.js), where the pipeline's wait is drawn. */
let scope = null;

export const jspiSupported = typeof WebAssembly.Suspending === 'function';

let loading;
/** The JSPI module, loaded and initialised on first use. */
function jspiModule() {
  loading ??= import('./jspi/pkg/loopbridge_glue.js').then(async (module) => {
    await module.default();
    return module;
  });
  return loading;
}

async function runPipeline() {
  const button = $('jspi-run');
  button.disabled = true;
  $('jspi-result').textContent = '';
  $('jspi-status').textContent = 'Running: the Rust code is waiting synchronously…';
  const watcher = new CounterWorker({ intervalMs: TICK_MS, name: 'jspi-watch' });
  let ticks = 0;
  watcher.onTick(() => {
    ticks += 1;
    $('jspi-ticks').textContent = `Page counter ticks while Rust waits: ${ticks}`;
  });
  try {
    const jspi = await jspiModule();
    const lag = watchLag();
    watcher.start();
    const startedAt = performance.now();
    const joined = await jspi.syncPipeline(MESSAGES, DELAY_MS);
    const tookMs = performance.now() - startedAt;
    const worstLagMs = lag.stop();
    // The span the sync Rust call took, as the page measured it: the page
    // counter's ticks go on inside it, and no long task.
    scope?.add({ type: 'mark', name: 'pipeline() (sync Rust, JSPI)', start: startedAt, duration: tookMs });
    $('jspi-result').textContent = `pipeline() returned "${joined}"`;
    $('jspi-status').textContent = `Returned after ${formatMs(tookMs)}: ${MESSAGES.length} synchronous waits of ${DELAY_MS} ms each.`;
    $('jspi-ticks').textContent = `Meanwhile a CounterWorker on the page delivered ${ticks} ticks (one per ${TICK_MS} ms) and the event loop was never late by more than ${formatMs(worstLagMs)}: the wasm stack was suspended, not the page.`;
  } catch (error) {
    $('jspi-status').textContent = `${error.name}: ${error.message}`;
  } finally {
    watcher.free();
    button.disabled = false;
  }
}

/** Wires the panel; `timeline` is the page's live timeline. */
export function setupJspi(timeline) {
  scope = timeline;
  if (!jspiSupported) {
    const note = $('jspi-unavailable');
    note.textContent = "This browser has no WebAssembly JS Promise Integration ('Suspending' in WebAssembly is false), so sync Rust cannot suspend here. Everything else on the page works without it; Chromium 137+ and Firefox 139+ have JSPI.";
    note.hidden = false;
    $('jspi-run').disabled = true;
    $('jspi-status').textContent = 'Unavailable in this browser.';
    return { supported: false };
  }
  $('jspi-run').addEventListener('click', runPipeline);
  return { supported: true, module: jspiModule };
}
