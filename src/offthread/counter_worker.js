// Entry point of a ThreadCounter's dedicated module worker.
//
// The page posts one `init` message first: the URL of the wasm-bindgen glue
// and the compiled WebAssembly.Module, so the worker runs the same package
// without fetching or compiling it again. Commands that arrive while the
// module loads are queued and handed to the Rust host, which then owns the
// worker's messages.
const queued = [];
self.onmessage = ({ data }) => queued.push(data);

self.addEventListener('message', async ({ data }) => {
  if (data?.type !== 'init') return;
  try {
    const glue = await import(data.glueUrl);
    await glue.default({ module_or_path: data.module });
    glue.startCounterHost(data, queued.filter((message) => message !== data));
  } catch (error) {
    self.postMessage({ type: 'crashed', message: `the worker could not start: ${error}` });
  }
}, { once: true });
