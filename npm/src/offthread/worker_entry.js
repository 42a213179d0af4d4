// Entry point of every dedicated module worker loopbridge starts
// (ThreadCounter, BlockingWorker): it runs this same package.
//
// The page posts one `init` message first: the URL of the wasm-bindgen glue,
// the compiled WebAssembly.Module (no second download or compile), the name
// of the Rust host export to start and whatever that host needs. Messages
// that arrive while the module loads are queued and handed to the host,
// which then owns the worker's messages.
const queued = [];
self.onmessage = ({ data }) => queued.push(data);

self.addEventListener('message', async ({ data }) => {
  if (data?.type !== 'init') return;
  try {
    const glue = await import(data.glueUrl);
    await glue.default({ module_or_path: data.module });
    glue[data.host](data, queued.filter((message) => message !== data));
  } catch (error) {
    self.postMessage({ type: 'crashed', message: `the worker could not start: ${error}` });
  }
}, { once: true });
