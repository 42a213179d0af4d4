// What every worker this package starts runs (ThreadCounter, BlockingWorker).
//
// The page posts one `init` message first: which Rust host to start
// (`counter` or `blocking`), what that host needs and, where the page can
// share it, the WebAssembly.Module it already compiled. Messages that arrive
// while the module loads are queued and handed to the host, which then owns
// the worker's messages. If loading fails, the page hears why.

/**
 * Serves the page's `init` message: `load(module)` loads this package in the
 * worker (the page's compiled `module`, or `undefined`) and resolves to its
 * hosts `{ counter, blocking }`.
 */
export function serveWorker(load) {
  const queued = [];
  self.onmessage = ({ data }) => queued.push(data);
  self.addEventListener('message', async ({ data }) => {
    if (data?.type !== 'init') return;
    try {
      const hosts = await load(data.module);
      hosts[data.host](data, queued.filter((message) => message !== data));
    } catch (error) {
      self.postMessage({ type: 'crashed', message: `the worker could not start: ${error}` });
    }
  }, { once: true });
}
