// The JS half of the stream bridge (src/stream.rs): the underlying source
// handed to `new ReadableStream`. It calls into Rust for more chunks only once
// the queue has drained to half its high-water mark (or is empty), and Rust
// then enqueues every ready chunk up to the mark. A reader that takes one
// chunk at a time so costs one wasm call per half-queue, not one per chunk.
export function readableFrom(source, highWaterMark) {
  const refillAt = Math.min(highWaterMark, Math.max(1, highWaterMark / 2));
  return new ReadableStream({
    start: (controller) => source.start(controller),
    pull: (controller) => (controller.desiredSize >= refillAt ? source.pull(controller) : undefined),
    cancel: () => source.cancel(),
  }, { highWaterMark });
}
