// Entry point of a BlockingWorker's dedicated module worker.
//
// The page posts one `init` message first: the URL of the wasm-bindgen glue,
// the compiled WebAssembly.Module (no second download or compile) and the
// SharedArrayBuffer the page writes its answers into. Messages that arrive
// while the module loads are queued and handed to the Rust host, which then
// owns the worker's messages and runs its blocking sync loops.
const queued = [];
self.onmessage = ({ data }) => queued.push(data);

self.addEventListener('message', async ({ data }) => {
  if (data?.type !== 'init') return;
  try {
    const glue = await import(data.glueUrl);
    await glue.default({ module_or_path: data.module });
    glue.startBlockingHost(data, queued.filter((message) => message !== data));
  } catch (error) {
    self.postMessage({ type: 'crashed', message: `the worker could not start: ${error}` });
  }
}, { once: true });
