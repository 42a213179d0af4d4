// The chunks of a ReadableStream, read with its own reader: every engine
// has that, while async iteration of a stream (`for await (... of stream)`)
// is missing in Safari and WebKitGTK. Like `for await`, leaving the loop
// early cancels the stream.
export async function* chunks(stream) {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } catch (error) {
    finished = true; // the stream errored: nothing to cancel
    throw error;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
