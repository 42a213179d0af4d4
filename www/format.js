// Small helpers shared by the page's panels: element lookup, number formats
// and waiting for the next macrotask.

export const $ = (id) => document.getElementById(id);

/** `12.3 ms`, `250 ms`, `2.00 s`. */
export function formatMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** An interval as the Interval select names it: `1 s`, `100 ms`. */
export function formatInterval(ms) {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Sets an element's text only when it changed (for per-frame updates). */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/** Always in seconds with two decimals: `3.00 s`. */
export function formatSeconds(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Resolves in a later macrotask, after every microtask and any overdue timer. */
export function nextMacrotask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Measures event-loop lag while something runs: a 16 ms timer chain records
 * how late each timer fires. `stop()` also counts a timer that is overdue but
 * has not run yet, so a block that has just ended is never missed.
 */
export function watchLag(intervalMs = 16) {
  let worst = 0;
  let due = performance.now() + intervalMs;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - due);
    due = now + intervalMs;
    timer = setTimeout(tick, intervalMs);
  };
  let timer = setTimeout(tick, intervalMs);
  return {
    stop() {
      clearTimeout(timer);
      return Math.max(worst, performance.now() - due);
    },
  };
}

/**
 * Calls `onFrame(elapsedMs)` on every animation frame until `stop()`; `stop()`
 * returns how many frames were painted. Proof that the page is alive.
 */
export function watchFrames(onFrame) {
  const startedAt = performance.now();
  let frames = 0;
  let id = requestAnimationFrame(function frame(now) {
    frames += 1;
    onFrame(Math.max(0, now - startedAt));
    id = requestAnimationFrame(frame);
  });
  return {
    stop() {
      cancelAnimationFrame(id);
      return frames;
    },
  };
}
