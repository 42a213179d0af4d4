// Errors of the workers this package starts.

// The `onerror` of a worker this package has terminated: an error event the
// worker had already queued is expected then, so it is not reported as
// uncaught. A plain function, so nothing in wasm has to outlive the worker.
export function swallowError(event) {
  event.preventDefault();
}

// Throws `message` from a task of its own: an uncaught error that reaches
// the worker's `onerror` on the page, without unwinding any Rust frame.
export function throwLater(message) {
  setTimeout(() => { throw new Error(message); }, 0);
}
