// Waiting for a page's published result, with progress reports.

export function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/**
 * Calls `read()` (resolving to { result, progress }) every `intervalMs` until
 * `result` is set; passes each new `progress` to `onProgress`. Rejects after
 * `timeoutMs`, and with the page's message if the result is { error }.
 */
export async function waitForResult(read, { intervalMs = 2000, timeoutMs = 600_000, onProgress = () => {} } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  for (;;) {
    const { result, progress } = await read();
    if (progress && progress !== last) {
      last = progress;
      onProgress(progress);
    }
    if (result) {
      if (result.error) throw new Error(`the page failed: ${result.error}`);
      return result;
    }
    if (Date.now() > deadline) throw new Error(`no result after ${timeoutMs / 1000} s (last: ${last})`);
    await sleep(intervalMs);
  }
}

/** The expression both drivers evaluate in the bench page. */
export const READ_BENCH = '({ result: globalThis.loopbridgeBench ?? null, progress: globalThis.loopbridgeBenchProgress ?? null })';
/** ...and in the start-up page. */
export const READ_STARTUP = '({ result: globalThis.loopbridgeStartup ?? null, progress: null })';
