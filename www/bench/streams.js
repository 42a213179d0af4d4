// Pure-JS streams and the ways to drain a stream, shared by the throughput
// and responsiveness benchmarks.

/** A pure-JS stream of 0..n-1 whose pull enqueues synchronously up to the desired size. */
export function jsSyncPull(n, highWaterMark) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      while (controller.desiredSize > 0 && i < n) controller.enqueue(i++);
      if (i >= n) controller.close();
    },
  }, { highWaterMark });
}

/** A pure-JS stream pulled from an async generator: what a JS developer writes. */
export function jsAsyncGenerator(n) {
  async function* numbers() {
    for (let i = 0; i < n; i += 1) yield i;
  }
  const iterator = numbers();
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
}

/** Reads `stream` to the end with reader.read(); resolves to the number of chunks. */
export async function drainWithReader(stream) {
  const reader = stream.getReader();
  let count = 0;
  for (;;) {
    const { done } = await reader.read();
    if (done) return count;
    count += 1;
  }
}

/**
 * Ways to consume a stream for `ms` milliseconds: each resolves to how many
 * chunks it saw by then, and cancels (or aborts) the stream. A window of
 * time, not a count of items, so that every run spans many time slices and
 * garbage collections, in every browser alike: figures that repeat.
 */
export const CONSUMERS_FOR = {
  'reader.read()': async (stream, ms) => {
    const deadline = performance.now() + ms;
    const reader = stream.getReader();
    let count = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      count += 1;
      if ((count & 63) === 0 && performance.now() > deadline) break;
    }
    await reader.cancel();
    return count;
  },
  'for await': async (stream, ms) => {
    const deadline = performance.now() + ms;
    let count = 0;
    // eslint-disable-next-line no-unused-vars
    for await (const _ of stream) {
      count += 1;
      if ((count & 63) === 0 && performance.now() > deadline) break; // cancels the stream
    }
    return count;
  },
  'pipeTo(WritableStream)': async (stream, ms) => {
    const deadline = performance.now() + ms;
    const stop = new AbortController();
    let count = 0;
    const sink = new WritableStream({
      write() {
        count += 1;
        if ((count & 63) === 0 && performance.now() > deadline) stop.abort();
      },
    });
    await stream.pipeTo(sink, { signal: stop.signal }).catch(() => {});
    return count;
  },
};

/** Ways to consume a stream; each resolves to how many chunks it saw. */
export const CONSUMERS = {
  'reader.read()': drainWithReader,
  'for await': async (stream) => {
    let count = 0;
    // eslint-disable-next-line no-unused-vars
    for await (const _ of stream) count += 1;
    return count;
  },
  'pipeTo(WritableStream)': async (stream) => {
    let count = 0;
    await stream.pipeTo(new WritableStream({ write() { count += 1; } }));
    return count;
  },
};
