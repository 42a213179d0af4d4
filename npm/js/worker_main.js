// What every worker this package starts runs (ThreadCounter, BlockingWorker).
//
// The page posts one `init` message first: which Rust host to start
// (`counter` or `blocking`), what that host needs and, where the page can
// share it, the WebAssembly.Module it already compiled. Messages that arrive
// while the module loads are queued and handed to the host, which then owns
// the worker's messages. If loading fails, the page hears why.

/** `error` as text for the page: its message, its cause's, never a throw. */
function explain(error) {
  try {
    const cause = error?.cause === undefined ? '' : ` (cause: ${String(error.cause)})`;
    return `${String(error)}${cause}`;
  } catch {
    return 'an error that cannot be shown as text';
  }
}

/**
 * Serves the page's `init` message: `load(module)` loads this package in the
 * worker (the page's compiled `module`, or `undefined`) and resolves to its
 * hosts `{ counter, blocking }`.
 */
export function serveWorker(load) {
  const queued = [];
  self.onmessage = ({ data }) => queued.push(data);
  const onInit = async ({ data }) => {
    if (data?.type !== 'init') return;
    self.removeEventListener('message', onInit);
    try {
      const hosts = await load(data.module);
      hosts[data.host](data, queued.filter((message) => message !== data));
    } catch (error) {
      self.postMessage({ type: 'crashed', message: `the worker could not start: ${explain(error)}` });
    }
  };
  self.addEventListener('message', onInit);
}
