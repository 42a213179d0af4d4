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
