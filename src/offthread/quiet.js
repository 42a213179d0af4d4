// The `onerror` of a worker this package has terminated: an error event the
// worker had already queued is expected then, so it is not reported as
// uncaught. A plain function, so nothing in wasm has to outlive the worker.
export function swallowError(event) {
  event.preventDefault();
}
