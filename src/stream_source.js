// The JS half of the stream bridge (src/stream.rs): the underlying source
// handed to `new ReadableStream`. It calls into Rust for more chunks only once
// the queue has drained to half its high-water mark (or is empty), and Rust
// then enqueues every ready chunk up to the mark. A reader that takes one
// chunk at a time so costs one wasm call per half-queue, not one per chunk.
// When the stream is finished (ended, errored, cancelled or aborted) the Rust
// source is freed at once rather than when the garbage collector gets to it.
export function readableFrom(source, highWaterMark, signal) {
  const refillAt = Math.min(highWaterMark, Math.max(1, highWaterMark / 2));
  let live = source;
  const release = () => {
    signal?.removeEventListener('abort', onAbort);
    const finished = live;
    live = null;
    finished?.free();
  };
  // After Rust's own abort listener (added in start()) has errored the stream.
  const onAbort = () => queueMicrotask(release);
  const stream = new ReadableStream({
    start: (controller) => live.start(controller),
    pull(controller) {
      if (!live || controller.desiredSize < refillAt) return undefined;
      let result;
      try {
        result = live.pull(controller);
      } catch (error) {
        release();
        throw error;
      }
      if (result === true) return release();
      if (typeof result?.then !== 'function') return undefined;
      return result.then(
        (finished) => { if (finished === true) release(); },
        (error) => { release(); throw error; },
      );
    },
    cancel() {
      signal?.removeEventListener('abort', onAbort);
      const cancelled = live;
      live = null;
      cancelled?.cancel(); // consumes (frees) the Rust source
    },
  }, { highWaterMark });
  if (signal?.aborted) queueMicrotask(release);
  else signal?.addEventListener('abort', onAbort, { once: true });
  return stream;
}
